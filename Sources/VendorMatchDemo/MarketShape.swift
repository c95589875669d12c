import VendorMatchCore

/// The taxonomy as small integer indices, so the latent truth and the buyer-choice loop work on
/// integers and bit masks instead of strings.
struct MarketShape: Sendable {
    let taxonomy: Taxonomy
    /// Service categories in file order (12) and subcategories in file order (58; must stay ≤ 64).
    let categories: [String]
    let subcategories: [String]
    let categoryOfSubcategory: [Int]
    let subcategoryIndex: [String: Int]
    let categoryIndex: [String: Int]
    /// Popularity of each category among vendors and buyers (relative weights).
    let categoryWeights: [Double]
    /// NAICS sectors (canonical codes) and subsectors, with the sector of each subsector.
    let sectors: [String]
    let subsectors: [String]
    let sectorOfSubsector: [Int]
    let subsectorsOfSector: [[Int]]
    let sectorWeights: [Double]

    static let categoryPopularity: [String: Double] = [
        "software": 0.20, "cloud": 0.08, "data": 0.10, "it": 0.09, "security": 0.06, "qa": 0.05, "design": 0.07,
        "bpo": 0.09, "marketing": 0.10, "consulting": 0.08, "engineering": 0.05, "knowledge": 0.03,
    ]

    static let sectorPopularity: [String: Double] = [
        "52": 0.12, "62": 0.09, "44-45": 0.09, "31-33": 0.14, "51": 0.10, "54": 0.10, "48-49": 0.06, "42": 0.05,
        "61": 0.05, "92": 0.05, "72": 0.04, "23": 0.03, "53": 0.03, "22": 0.03, "56": 0.03, "71": 0.02, "81": 0.02,
        "11": 0.02, "21": 0.02, "55": 0.01,
    ]

    init(taxonomy: Taxonomy) {
        self.taxonomy = taxonomy
        let services = taxonomy.services
        categories = services.codes.filter { services.nodes[$0]?.depth == 1 }
        subcategories = services.codes.filter { services.nodes[$0]?.depth == 2 }
        precondition(subcategories.count <= 64, "the demo market keeps subcategories in a 64-bit mask")
        precondition(categories.count <= 16, "the demo market keeps categories in a 16-bit mask")
        let catIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        categoryIndex = catIndex
        subcategoryIndex = Dictionary(uniqueKeysWithValues: subcategories.enumerated().map { ($1, $0) })
        categoryOfSubcategory = subcategories.map { catIndex[taxonomy.serviceCategory($0)]! }
        categoryWeights = categories.map { MarketShape.categoryPopularity[$0] ?? 0.03 }
        var byCategory = Array(repeating: [Int](), count: categories.count)
        for (i, c) in categoryOfSubcategory.enumerated() { byCategory[c].append(i) }
        subcategoriesOfCategory = byCategory

        let industries = taxonomy.industries
        sectors = industries.codes.filter { industries.nodes[$0]?.depth == 1 }
        subsectors = industries.codes.filter { industries.nodes[$0]?.depth == 2 }
        let sectorIndex = Dictionary(uniqueKeysWithValues: sectors.enumerated().map { ($1, $0) })
        sectorOfSubsector = subsectors.map { sectorIndex[industries.nodes[$0]!.parent!]! }
        var bySector = Array(repeating: [Int](), count: sectors.count)
        for (i, s) in sectorOfSubsector.enumerated() { bySector[s].append(i) }
        subsectorsOfSector = bySector
        sectorWeights = sectors.map { MarketShape.sectorPopularity[$0] ?? 0.01 }
    }

    let subcategoriesOfCategory: [[Int]]

    func subcategories(ofCategory c: Int) -> [Int] { subcategoriesOfCategory[c] }

    /// A random subcategory: category by popularity, then uniform within it.
    func randomSubcategory(_ rng: inout DemoRandom) -> Int {
        let c = rng.weightedIndex(categoryWeights)
        return rng.pick(subcategories(ofCategory: c))
    }

    /// A random subsector: sector by popularity, then uniform within it.
    func randomSubsector(_ rng: inout DemoRandom) -> Int {
        rng.pick(subsectorsOfSector[rng.weightedIndex(sectorWeights)])
    }
}

/// A true (latent) industry of a client, buyer or vendor competence: a subsector plus NAICS-style deeper digits.
struct LatentIndustry: Sendable, Equatable {
    var subsector: Int
    var sector: Int
    /// Fourth digit, 1…4 (`5221`…`5224`).
    var digit4: Int
    /// Further digits (0, 1 or 2 of them), giving 5- and 6-digit codes.
    var deeper: String

    /// Comparable identity of the 4-digit industry.
    var code4: Int { subsector * 10 + digit4 }

    static func random(_ rng: inout DemoRandom, shape: MarketShape, subsector: Int? = nil, deep: Bool = true) -> LatentIndustry {
        let sub = subsector ?? shape.randomSubsector(&rng)
        var deeper = ""
        if deep, rng.chance(0.45) {
            deeper += String(rng.int(1...3))
            if rng.chance(0.5) { deeper += String(rng.int(0...2)) }
        }
        return LatentIndustry(subsector: sub, sector: shape.sectorOfSubsector[sub], digit4: rng.int(1...4), deeper: deeper)
    }

    /// The code at written depth: 1 sector, 2 subsector, 3 the full true code (4–6 digits).
    func code(depth: Int, shape: MarketShape) -> String {
        switch depth {
        case 1: return shape.sectors[sector]
        case 2: return shape.subsectors[subsector]
        default: return shape.subsectors[subsector] + String(digit4) + deeper
        }
    }

    /// Written depth drawn with the given weights for sector, subsector and full code.
    static func writtenDepth(_ rng: inout DemoRandom, sector: Double, subsector: Double) -> Int {
        let u = rng.unit()
        return u < sector ? 1 : (u < sector + subsector ? 2 : 3)
    }
}
