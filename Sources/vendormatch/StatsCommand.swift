import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchStore

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Shows what the catalogue holds: counts by kind, service category, client industry sector and referrer type."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        do {
            let taxonomy = try global.taxonomy()
            let store = try global.openStore()
            let stats: CatalogueStats
            if let sqlite = store as? CatalogueStore {
                stats = try CatalogueStats(store: sqlite, taxonomy: taxonomy)
            } else {
                stats = CatalogueStats(catalogue: try store.loadCatalogue(), counts: try store.counts(), taxonomy: taxonomy,
                                       path: store.location, fileBytes: 0)
            }
            print(json ? stats.json().serialized() : Self.text(stats))
        } catch {
            exitWith(error)
        }
    }

    static func text(_ s: CatalogueStats) -> String {
        func row(_ label: String, _ values: [String], width: Int = 44) -> String {
            let l = label.count > width - 2 ? String(label.prefix(width - 3)) + "…" : label
            return "  " + l.padding(toLength: width, withPad: " ", startingAt: 0)
                + values.map { String(repeating: " ", count: max(0, 12 - $0.count)) + $0 }.joined()
        }
        var out = [
            "database  \(s.path) (\(byteSize(s.fileBytes)))",
            "records   \(grouped(s.counts.vendors)) vendors, \(grouped(s.counts.caseStudies)) case studies, \(grouped(s.counts.referrals)) referrals, \(grouped(s.counts.outcomes)) outcomes",
            "",
            "by service category" + String(repeating: " ", count: 27) + "     vendors  case studies",
        ]
        for g in s.serviceCategories {
            out.append(row("\(g.code)  \(g.title)", [grouped(g.vendors), grouped(g.caseStudies)]))
        }
        out += ["", "case studies by client industry sector" + String(repeating: " ", count: 8) + "case studies     vendors"]
        if s.clientSectors.isEmpty { out.append("  (none)") }
        for g in s.clientSectors {
            out.append(row("\(g.code)  \(g.title)", [grouped(g.caseStudies), grouped(g.vendors)]))
        }
        out += ["", "referrals by referrer type"]
        for (type, count) in s.referralsByType {
            out.append(row(type.rawValue, [grouped(count)]))
        }
        return out.joined(separator: "\n")
    }
}
