/// A vendor of business services (`vendors.jsonl`). Codes are canonical (validated by `RecordCodec`).
public struct Vendor: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var size: SizeBand?
    /// Focus industries the vendor declares.
    public var industries: [String]
    /// Service types the vendor declares.
    public var serviceTypes: [String]
    public var description: String?
    public var regions: [String]
    public var languages: [String]
    /// As written; compare through `Vocabulary.normalizeCertification`.
    public var certifications: [String]
    public var minProjectUSD: Double?
    public var hourlyRateUSD: [Double]?
    public var founded: Int?

    public init(
        id: String, name: String, size: SizeBand? = nil, industries: [String] = [], serviceTypes: [String] = [],
        description: String? = nil, regions: [String] = [], languages: [String] = [], certifications: [String] = [],
        minProjectUSD: Double? = nil, hourlyRateUSD: [Double]? = nil, founded: Int? = nil
    ) {
        self.id = id; self.name = name; self.size = size; self.industries = industries
        self.serviceTypes = serviceTypes; self.description = description; self.regions = regions
        self.languages = languages; self.certifications = certifications; self.minProjectUSD = minProjectUSD
        self.hourlyRateUSD = hourlyRateUSD; self.founded = founded
    }
}

/// A client's evaluation of a project: dimensions 1.0–5.0, `wouldRecommend` 0–10; any subset.
public struct Evaluation: Sendable, Equatable, Hashable {
    public var responsiveness: Double?
    public var communication: Double?
    public var expertise: Double?
    public var onTime: Double?
    public var effectiveness: Double?
    public var wouldRecommend: Double?

    public init(
        responsiveness: Double? = nil, communication: Double? = nil, expertise: Double? = nil,
        onTime: Double? = nil, effectiveness: Double? = nil, wouldRecommend: Double? = nil
    ) {
        self.responsiveness = responsiveness; self.communication = communication; self.expertise = expertise
        self.onTime = onTime; self.effectiveness = effectiveness; self.wouldRecommend = wouldRecommend
    }

    public subscript(dimension: EvaluationDimension) -> Double? {
        get {
            switch dimension {
            case .responsiveness: return responsiveness
            case .communication: return communication
            case .expertise: return expertise
            case .onTime: return onTime
            case .effectiveness: return effectiveness
            }
        }
        set {
            switch dimension {
            case .responsiveness: responsiveness = newValue
            case .communication: communication = newValue
            case .expertise: expertise = newValue
            case .onTime: onTime = newValue
            case .effectiveness: effectiveness = newValue
            }
        }
    }

    public var isEmpty: Bool { self == Evaluation() }
}

/// A project a vendor delivered (`case_studies.jsonl`): the evidence buyers trust most.
public struct CaseStudy: Sendable, Equatable, Hashable {
    public var id: String
    public var vendorID: String
    public var clientIndustry: String
    /// Non-empty.
    public var serviceTypes: [String]
    public var clientName: String?
    public var clientSize: SizeBand?
    /// The client's problem in its own words.
    public var need: String?
    public var outcome: String?
    public var year: Int?
    /// The client is a leading enterprise of its industry.
    public var topClient: Bool?
    /// The client confirmed the case study.
    public var verified: Bool?
    public var evaluation: Evaluation?
    public var clientOrg: String?

    public init(
        id: String, vendorID: String, clientIndustry: String, serviceTypes: [String], clientName: String? = nil,
        clientSize: SizeBand? = nil, need: String? = nil, outcome: String? = nil, year: Int? = nil,
        topClient: Bool? = nil, verified: Bool? = nil, evaluation: Evaluation? = nil, clientOrg: String? = nil
    ) {
        self.id = id; self.vendorID = vendorID; self.clientIndustry = clientIndustry; self.serviceTypes = serviceTypes
        self.clientName = clientName; self.clientSize = clientSize; self.need = need; self.outcome = outcome
        self.year = year; self.topClient = topClient; self.verified = verified; self.evaluation = evaluation
        self.clientOrg = clientOrg
    }
}

/// A recommendation for (or, with negative strength, a warning against) a vendor (`referrals.jsonl`).
public struct Referral: Sendable, Equatable, Hashable {
    public var id: String
    public var vendorID: String
    public var referrerType: ReferrerType
    public var referrerOrg: String?
    /// Set when the referral was given to one buyer organisation only.
    public var buyerOrg: String?
    /// -1.0 … 1.0; negative is a warning.
    public var strength: Double
    /// `YYYY-MM-DD`.
    public var date: String?

    public init(
        id: String, vendorID: String, referrerType: ReferrerType, referrerOrg: String? = nil,
        buyerOrg: String? = nil, strength: Double = 1.0, date: String? = nil
    ) {
        self.id = id; self.vendorID = vendorID; self.referrerType = referrerType; self.referrerOrg = referrerOrg
        self.buyerOrg = buyerOrg; self.strength = strength; self.date = date
    }

    /// Whether this referral carries weight for the given buyer (CONTRACT §2).
    public func counts(for buyer: String?) -> Bool {
        if let buyerOrg { return buyerOrg == buyer }
        return !referrerType.isBuyerRelative
    }
}

/// A buyer's requirements (`requests.jsonl`; also the body of a shortlist request).
public struct BuyerRequest: Sendable, Equatable, Hashable {
    public static let defaultK = 10
    public static let maxK = 1000

    public var id: String
    public var buyerOrg: String?
    public var industry: String?
    public var size: SizeBand?
    public var need: String?
    public var serviceTypes: [String]
    public var regions: [String]
    public var languages: [String]
    public var requiredCertifications: [String]
    public var budgetUSD: Double?
    /// 1 … 1000.
    public var k: Int
    public var excludeVendors: [String]

    public init(
        id: String, buyerOrg: String? = nil, industry: String? = nil, size: SizeBand? = nil, need: String? = nil,
        serviceTypes: [String] = [], regions: [String] = [], languages: [String] = [],
        requiredCertifications: [String] = [], budgetUSD: Double? = nil, k: Int = BuyerRequest.defaultK,
        excludeVendors: [String] = []
    ) {
        self.id = id; self.buyerOrg = buyerOrg; self.industry = industry; self.size = size; self.need = need
        self.serviceTypes = serviceTypes; self.regions = regions; self.languages = languages
        self.requiredCertifications = requiredCertifications; self.budgetUSD = budgetUSD; self.k = k
        self.excludeVendors = excludeVendors
    }
}
