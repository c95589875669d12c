/// What the simulator knows about a vendor and the catalogue never shows directly: its true
/// competences, industries, client sizes and quality. Also the observable facts the buyer-choice
/// model needs (offered services, regions, … as bit masks; the referral trust it has earned).
struct VendorTruth: Sendable {
    struct Competence: Sendable { var subcategory: Int; var strength: Double }
    struct Focus: Sendable { var industry: LatentIndustry; var strength: Double }

    var id: String
    var competences: [Competence]
    var industries: [Focus]
    /// True client size range (SizeBand raw values).
    var sizeLow: Int
    var sizeHigh: Int
    /// True quality and responsiveness, standard normal.
    var quality: Double
    var responsiveness: Double
    var home: Int
    /// Markets the vendor truly serves (the record may not list them).
    var serves: UInt32 = 0

    /// Observable facts for the hard constraints (CONTRACT §2), as the catalogue shows them.
    var facts = VendorFacts()

    // Referral trust, already grouped by referrer organisation (see BuyerChoice).
    var trustPositive: Double = 0
    var trustNegative: Double = 0
    /// Groups that count for one buyer only: (buyer index, signed group value).
    var buyerTrust: [(buyer: Int32, value: Double)] = []
}

/// What the hard constraints look at, as plain bits (no references), so filtering 100k vendors per
/// request is a tight loop.
struct VendorFacts: Sendable {
    /// Subcategories offered: declared or in a case study.
    var offeredSubcategories: UInt64 = 0
    /// Categories declared whole (or written as a case study's service type).
    var wholeCategories: UInt16 = 0
    /// Categories of anything offered.
    var touchedCategories: UInt16 = 0
    /// 0: the vendor gives no regions.
    var regionMask: UInt32 = 0
    /// 0: the vendor gives no languages.
    var languageMask: UInt32 = 0
    /// Bits of `Markets.certifications` held.
    var certificationMask: UInt16 = 0
    /// NaN when the vendor gives none.
    var minProjectUSD: Double = .nan
}

/// A buying organisation: the source of requests and the target of buyer-specific referrals.
struct Buyer: Sendable {
    var id: String
    var industry: LatentIndustry
    var size: Int
    var home: Int
}
