import VendorMatchCore

/// Geography, languages and certifications of the demo market.
enum Markets {
    struct Country: Sendable {
        let code: String
        let name: String
        let languages: [String]
        let cluster: String
        /// Share of vendors based here.
        let vendorWeight: Double
        /// Share of buyers based here.
        let buyerWeight: Double
        /// Vendors here commonly serve clients abroad (nearshore/offshore delivery).
        let offshore: Bool
        /// Relative price level of vendors based here (US = 1).
        let priceLevel: Double
    }

    static let countries: [Country] = [
        Country(code: "US", name: "the United States", languages: ["en"], cluster: "NA", vendorWeight: 0.24, buyerWeight: 0.35, offshore: false, priceLevel: 1.0),
        Country(code: "GB", name: "the United Kingdom", languages: ["en"], cluster: "EU", vendorWeight: 0.07, buyerWeight: 0.10, offshore: false, priceLevel: 0.9),
        Country(code: "DE", name: "Germany", languages: ["de"], cluster: "EU", vendorWeight: 0.07, buyerWeight: 0.10, offshore: false, priceLevel: 0.9),
        Country(code: "IN", name: "India", languages: ["en", "hi"], cluster: "APAC", vendorWeight: 0.12, buyerWeight: 0.03, offshore: true, priceLevel: 0.3),
        Country(code: "PL", name: "Poland", languages: ["pl"], cluster: "EU", vendorWeight: 0.06, buyerWeight: 0.01, offshore: true, priceLevel: 0.5),
        Country(code: "UA", name: "Ukraine", languages: ["uk"], cluster: "EU", vendorWeight: 0.04, buyerWeight: 0.0, offshore: true, priceLevel: 0.45),
        Country(code: "CN", name: "China", languages: ["zh"], cluster: "APAC", vendorWeight: 0.04, buyerWeight: 0.02, offshore: false, priceLevel: 0.45),
        Country(code: "FR", name: "France", languages: ["fr"], cluster: "EU", vendorWeight: 0.04, buyerWeight: 0.06, offshore: false, priceLevel: 0.85),
        Country(code: "NL", name: "the Netherlands", languages: ["nl"], cluster: "EU", vendorWeight: 0.03, buyerWeight: 0.04, offshore: false, priceLevel: 0.9),
        Country(code: "CA", name: "Canada", languages: ["en", "fr"], cluster: "NA", vendorWeight: 0.04, buyerWeight: 0.05, offshore: false, priceLevel: 0.85),
        Country(code: "BR", name: "Brazil", languages: ["pt"], cluster: "LATAM", vendorWeight: 0.03, buyerWeight: 0.02, offshore: true, priceLevel: 0.4),
        Country(code: "ES", name: "Spain", languages: ["es"], cluster: "EU", vendorWeight: 0.03, buyerWeight: 0.03, offshore: false, priceLevel: 0.65),
        Country(code: "PH", name: "the Philippines", languages: ["en", "tl"], cluster: "APAC", vendorWeight: 0.02, buyerWeight: 0.0, offshore: true, priceLevel: 0.25),
        Country(code: "JP", name: "Japan", languages: ["ja"], cluster: "APAC", vendorWeight: 0.02, buyerWeight: 0.04, offshore: false, priceLevel: 0.9),
        Country(code: "SE", name: "Sweden", languages: ["sv"], cluster: "EU", vendorWeight: 0.02, buyerWeight: 0.03, offshore: false, priceLevel: 0.9),
        Country(code: "AU", name: "Australia", languages: ["en"], cluster: "APAC", vendorWeight: 0.03, buyerWeight: 0.05, offshore: false, priceLevel: 0.9),
        Country(code: "MX", name: "Mexico", languages: ["es"], cluster: "LATAM", vendorWeight: 0.02, buyerWeight: 0.02, offshore: true, priceLevel: 0.4),
        Country(code: "RO", name: "Romania", languages: ["ro"], cluster: "EU", vendorWeight: 0.03, buyerWeight: 0.0, offshore: true, priceLevel: 0.45),
        Country(code: "IE", name: "Ireland", languages: ["en"], cluster: "EU", vendorWeight: 0.02, buyerWeight: 0.02, offshore: false, priceLevel: 0.9),
        Country(code: "SG", name: "Singapore", languages: ["en", "zh"], cluster: "APAC", vendorWeight: 0.02, buyerWeight: 0.03, offshore: false, priceLevel: 0.85),
        Country(code: "CH", name: "Switzerland", languages: ["de", "fr"], cluster: "EU", vendorWeight: 0.01, buyerWeight: 0.03, offshore: false, priceLevel: 1.2),
    ]

    static let vendorWeights = countries.map(\.vendorWeight)
    static let buyerWeights = countries.map(\.buyerWeight)
    /// Country indices by cluster, for vendors serving their neighbours.
    static let clusters: [String: [Int]] = Dictionary(grouping: countries.indices, by: { countries[$0].cluster })
    static let languageCodes: [String] = {
        var seen: [String] = []
        for c in countries { for l in c.languages where !seen.contains(l) { seen.append(l) } }
        return seen
    }()
    static let languageIndex: [String: Int] = Dictionary(uniqueKeysWithValues: languageCodes.enumerated().map { ($1, $0) })
    static let countryIndex: [String: Int] = Dictionary(uniqueKeysWithValues: countries.enumerated().map { ($1.code, $0) })

    /// Certifications: display name, the spelling variants vendors also use, and base prevalence.
    struct Certification: Sendable {
        let name: String
        let variants: [String]
        let prevalence: Double
    }

    static let certifications: [Certification] = [
        Certification(name: "ISO 27001", variants: ["ISO-27001", "iso27001", "ISO 27001"], prevalence: 0.18),
        Certification(name: "ISO 9001", variants: ["ISO-9001", "ISO 9001"], prevalence: 0.18),
        Certification(name: "SOC 2", variants: ["SOC2", "soc 2"], prevalence: 0.10),
        Certification(name: "ISO 27701", variants: ["ISO 27701"], prevalence: 0.03),
        Certification(name: "HIPAA", variants: ["hipaa"], prevalence: 0.03),
        Certification(name: "PCI DSS", variants: ["PCI-DSS"], prevalence: 0.03),
        Certification(name: "CMMI Level 3", variants: ["CMMI level 3"], prevalence: 0.03),
        Certification(name: "Cyber Essentials", variants: ["CyberEssentials"], prevalence: 0.02),
        Certification(name: "ISO 14001", variants: ["ISO-14001"], prevalence: 0.03),
    ]

    /// Normalised certification name → index in `certifications`.
    static let certificationIndex: [String: Int] = Dictionary(uniqueKeysWithValues: certifications.enumerated().map {
        (Vocabulary.normalizeCertification($1.name), $0)
    })
}
