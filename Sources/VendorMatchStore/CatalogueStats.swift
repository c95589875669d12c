import VendorMatchCore

/// What is in a catalogue: counts by kind, by service category, by client industry sector and by
/// referrer type, plus where the database is.
public struct CatalogueStats: Sendable {
    public struct Group: Sendable, Equatable {
        /// A service category (`data`) or an industry sector (`52`, `31-33`).
        public var code: String
        public var title: String
        public var vendors: Int
        public var caseStudies: Int
    }

    public var path: String
    /// Bytes on disk (database file and write-ahead log).
    public var fileBytes: Int64
    public var counts: CatalogueStore.Counts
    /// Vendors offering the category (declared or shown by a case study) and case studies of it;
    /// every category of the taxonomy, in taxonomy order.
    public var serviceCategories: [Group]
    /// Case studies by their client's industry sector (`vendors` is the number of vendors with such a
    /// case study); sectors with at least one case study, most first.
    public var clientSectors: [Group]
    /// Every referrer type with its count, in contract order.
    public var referralsByType: [(type: ReferrerType, count: Int)]

    public init(store: CatalogueStore, taxonomy: Taxonomy) throws(VMError) {
        let catalogue = try store.loadCatalogue()
        self.init(catalogue: catalogue, counts: try store.counts(), taxonomy: taxonomy, path: store.path, fileBytes: store.fileSize)
    }

    public init(catalogue: Catalogue, counts: CatalogueStore.Counts, taxonomy: Taxonomy, path: String, fileBytes: Int64) {
        self.path = path
        self.fileBytes = fileBytes
        self.counts = counts

        var vendorCategories: [String: Set<String>] = [:]
        var caseCategory: [String: Int] = [:]
        var sectorCases: [String: Int] = [:]
        var sectorVendors: [String: Set<String>] = [:]
        for v in catalogue.vendors {
            for s in v.serviceTypes { vendorCategories[taxonomy.serviceCategory(s), default: []].insert(v.id) }
        }
        for c in catalogue.caseStudies {
            for category in Set(c.serviceTypes.map(taxonomy.serviceCategory)) {
                caseCategory[category, default: 0] += 1
                vendorCategories[category, default: []].insert(c.vendorID)
            }
            let sector = taxonomy.industrySector(c.clientIndustry)
            sectorCases[sector, default: 0] += 1
            sectorVendors[sector, default: []].insert(c.vendorID)
        }
        let categories = taxonomy.services.codes.filter { taxonomy.services.nodes[$0]?.depth == 1 }
        serviceCategories = categories.map { code in
            Group(code: code, title: taxonomy.serviceTitle(code) ?? code,
                  vendors: vendorCategories[code]?.count ?? 0, caseStudies: caseCategory[code] ?? 0)
        }
        clientSectors = sectorCases.map { code, n in
            Group(code: code, title: taxonomy.industryTitle(code) ?? code, vendors: sectorVendors[code]?.count ?? 0, caseStudies: n)
        }.sorted { ($0.caseStudies, $1.code) > ($1.caseStudies, $0.code) }
        var byType: [ReferrerType: Int] = [:]
        for r in catalogue.referrals { byType[r.referrerType, default: 0] += 1 }
        referralsByType = ReferrerType.allCases.map { ($0, byType[$0] ?? 0) }
    }

    /// The machine form printed by `vendormatch stats --json`.
    public func json() -> JSONValue {
        func group(_ g: Group, _ keys: [(String, Int)]) -> (String, JSONValue) {
            (g.code, .object([("title", .string(g.title))] + keys.map { ($0.0, .number(Double($0.1))) }))
        }
        return .object([
            ("database", .object([("path", .string(path)), ("bytes", .number(Double(fileBytes)))])),
            ("counts", .object([
                ("vendors", .number(Double(counts.vendors))), ("case_studies", .number(Double(counts.caseStudies))),
                ("referrals", .number(Double(counts.referrals))), ("outcomes", .number(Double(counts.outcomes))),
                ("need_vectors", .number(Double(counts.needVectors))),
            ])),
            ("service_categories", .object(serviceCategories.map { group($0, [("vendors", $0.vendors), ("case_studies", $0.caseStudies)]) })),
            ("client_sectors", .object(clientSectors.map { group($0, [("case_studies", $0.caseStudies), ("vendors", $0.vendors)]) })),
            ("referrals_by_type", .object(referralsByType.map { ($0.type.rawValue, .number(Double($0.count))) })),
        ])
    }
}
