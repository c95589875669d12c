import Foundation

/// The NAICS 2022 industry tree and the service-type tree, with CONTRACT §1's validation rules.
///
/// Industry codes: a sector (`52`, or a range `31-33`; `31`, `32`, `33` alone mean their range),
/// a subsector listed in the file (`522`), or a 4–6 digit code whose first three digits are a known
/// subsector. A deep code's parent is the code without its last digit (`52211` → `5221` → `522`),
/// as in NAICS itself. Service types: a category (`data`) or a subcategory (`data.machine-learning`).
public struct Taxonomy: Sendable {
    public let industries: CodeTree
    public let services: CodeTree
    /// `31` → `31-33` and so on, for every code that a range sector covers.
    private let sectorAliases: [String: String]

    public init(industriesTSV: String, servicesTSV: String) throws(VMError) {
        industries = try CodeTree(tsv: industriesTSV, name: "industries-naics.tsv")
        services = try CodeTree(tsv: servicesTSV, name: "service-types.tsv")
        var aliases: [String: String] = [:]
        for code in industries.codes where industries.nodes[code]?.depth == 1 {
            let parts = code.split(separator: "-")
            if parts.count == 2, let lo = Int(parts[0]), let hi = Int(parts[1]), lo <= hi {
                for n in lo...hi { aliases[String(n)] = code }
            } else {
                aliases[code] = code
            }
        }
        sectorAliases = aliases
    }

    /// Loads `taxonomy/industries-naics.tsv` and `taxonomy/service-types.tsv` under a models directory.
    public static func load(modelsDirectory: URL) throws(VMError) -> Taxonomy {
        let dir = modelsDirectory.appendingPathComponent("taxonomy")
        func read(_ name: String) throws(VMError) -> String {
            let url = dir.appendingPathComponent(name)
            do {
                return try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw VMError(.notFound, "cannot read taxonomy file \(url.path): \(error.localizedDescription)")
            }
        }
        return try Taxonomy(industriesTSV: read("industries-naics.tsv"), servicesTSV: read("service-types.tsv"))
    }

    // MARK: Industries

    /// The canonical form of a valid industry code (`31` → `31-33`), or `nil` when it is not valid.
    public func canonicalIndustry(_ raw: String) -> String? {
        if let sector = sectorAliases[raw] { return sector }
        if industries.nodes[raw] != nil { return raw } // a listed subsector (or a range sector)
        guard (4...6).contains(raw.utf8.count), raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let subsector = String(raw.prefix(3))
        guard industries.nodes[subsector]?.depth == 2 else { return nil }
        return raw
    }

    public func isValidIndustry(_ raw: String) -> Bool { canonicalIndustry(raw) != nil }

    /// Parent of a canonical industry code; `nil` for sectors.
    public func industryParent(_ code: String) -> String? {
        if let node = industries.nodes[code] { return node.parent }
        guard code.utf8.count >= 4 else { return nil }
        return String(code.dropLast())
    }

    /// Depth of a canonical industry code: sector 1, subsector 2, 4-digit 3, 5-digit 4, 6-digit 5.
    public func industryDepth(_ code: String) -> Int {
        if let node = industries.nodes[code] { return node.depth }
        return code.utf8.count - 1
    }

    /// The code itself, then its parent, up to its sector.
    public func industryPath(_ code: String) -> [String] {
        var path = [code]
        var current = code
        while let p = industryParent(current) { path.append(p); current = p }
        return path
    }

    /// Ancestors from the parent up to the sector.
    public func industryAncestors(_ code: String) -> [String] { Array(industryPath(code).dropFirst()) }

    /// The sector of a canonical industry code.
    public func industrySector(_ code: String) -> String { industryPath(code).last ?? code }

    /// Depth of the deepest common ancestor (0: none, different sectors).
    public func industryCommonDepth(_ a: String, _ b: String) -> Int {
        let pathB = Set(industryPath(b))
        for code in industryPath(a) where pathB.contains(code) { return industryDepth(code) }
        return 0
    }

    /// Edges between two canonical codes through their deepest common ancestor (or the virtual root).
    public func industryDistance(_ a: String, _ b: String) -> Int {
        industryDepth(a) + industryDepth(b) - 2 * industryCommonDepth(a, b)
    }

    public func industryTitle(_ code: String) -> String? {
        if let t = industries.title(of: code) { return t }
        return industryParent(code).flatMap(industryTitle)
    }

    // MARK: Services

    public func isValidService(_ code: String) -> Bool { services.contains(code) }

    public func serviceParent(_ code: String) -> String? { services.nodes[code]?.parent }

    public func serviceDepth(_ code: String) -> Int { services.nodes[code]?.depth ?? 0 }

    /// The category of a service code (itself for a category).
    public func serviceCategory(_ code: String) -> String { services.nodes[code]?.parent ?? code }

    public func serviceSubcategories(_ category: String) -> [String] { services.children[category] ?? [] }

    public func serviceDistance(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        let da = serviceDepth(a), db = serviceDepth(b)
        let common: Int = serviceCategory(a) == serviceCategory(b) ? 1 : 0
        return da + db - 2 * common
    }

    public func serviceTitle(_ code: String) -> String? { services.title(of: code) }
}
