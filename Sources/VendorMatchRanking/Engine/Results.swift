import VendorMatchCore

/// Contributions of the six components to a score; they add up to it.
public struct ScoreBreakdown: Sendable, Equatable {
    public var industry = 0.0
    public var size = 0.0
    public var need = 0.0
    public var service = 0.0
    public var trust = 0.0
    public var quality = 0.0
    /// What the learned second phase attributes to the request itself and to the model's baseline (its
    /// bias and request-level features); 0 for the linear model.
    public var other = 0.0

    public init() {}

    public var total: Double { industry + size + need + service + trust + quality + other }

    /// In `RankingModel.featureNames` order.
    public var values: [Double] { [industry, size, need, service, trust, quality] }

    init(values v: [Double]) {
        industry = v[0]; size = v[1]; need = v[2]; service = v[3]; trust = v[4]; quality = v[5]
    }
}

/// One case study matched against a request or prospect, with its per-dimension similarities (0…1,
/// `nil` where the request does not give that dimension) and its weighted score.
public struct CaseMatch: Sendable, Equatable {
    public var caseStudyID: String
    public var vendorID: String
    /// What this case contributed before diminishing returns: credibility × weighted similarity.
    public var score: Double
    public var industry: Double?
    public var size: Double?
    public var need: Double?
    public var service: Double?
    /// Credibility of the case (verified, top client, recency), 0…1.
    public var credibility: Double
    public var caseStudy: CaseStudy
}

/// Referrals of one type that counted for this buyer.
public struct ReferralSummary: Sendable, Equatable {
    public var referrerType: ReferrerType
    public var count: Int
    /// This type's part of the trust contribution to the score (negative for warnings).
    public var contribution: Double
}

/// A vendor in a shortlist, with everything needed to explain its place.
public struct RankedVendor: Sendable, Equatable {
    public var vendorID: String
    public var name: String
    public var score: Double
    public var components: ScoreBreakdown
    /// The case studies that made the experience score, strongest first.
    public var matchedCases: [CaseMatch]
    public var referrals: [ReferralSummary]
    /// Bayesian-shrunk quality (0…1) and the number of evaluations behind it.
    public var quality: Double
    public var evaluationCount: Int
    public var reasons: [String]
}

/// A service type read from a need that names none, with its share of the nearest case studies' vote.
public struct InferredServiceType: Sendable, Equatable {
    public var code: String
    public var share: Double
}

/// The answer to a shortlist request.
public struct Shortlist: Sendable, Equatable {
    public var requestID: String
    public var vendors: [RankedVendor]
    /// Vendors that passed the hard constraints.
    public var candidateCount: Int
    /// Service types read from the need (soft evidence, never a constraint); empty when the request names some.
    public var inferredServiceTypes: [InferredServiceType] = []
    /// The candidates behind the answer with their feature rows, when asked for (`shortlist(_:logCandidates:)`).
    public var served: ServedCandidates? = nil
}

/// What a shortlist's second phase saw: every candidate it ranked, in the order served (the shortlist's
/// vendors first), with its feature row exactly as the trees read it, and the model that ranked them.
/// Logged at serving time so that training on outcomes sees the features as they were, not as a later
/// catalogue would compute them.
public struct ServedCandidates: Sendable, Equatable {
    /// The metadata key under which a loaded model carries its version (`RankingModel.metadata`).
    public static let modelVersionKey = "serving.version"

    public var vendorIDs: [String]
    /// Row-major, `Feature.allCases.count` columns, one row per entry of `vendorIDs`.
    public var matrix: [Float]
    /// `Feature.signature` of the rows.
    public var features: [String]
    /// The serving model's `metadata[modelVersionKey]`, or "unversioned".
    public var modelVersion: String
}

/// Unweighted feature values of one candidate (in `RankingModel.featureNames` order), for training.
public struct CandidateFeatures: Sendable, Equatable {
    public var vendorID: String
    public var values: [Double]
}

/// A prospect profile for finding comparable case studies.
public struct CaseQuery: Sendable, Equatable {
    public var industry: String?
    public var size: SizeBand?
    public var need: String?
    public var serviceTypes: [String]
    /// Only this vendor's case studies.
    public var vendorID: String?
    public var k: Int

    public init(industry: String? = nil, size: SizeBand? = nil, need: String? = nil, serviceTypes: [String] = [],
                vendorID: String? = nil, k: Int = 10) {
        self.industry = industry; self.size = size; self.need = need; self.serviceTypes = serviceTypes
        self.vendorID = vendorID; self.k = k
    }
}

/// Live record counts.
public struct CatalogueCounts: Sendable, Equatable {
    public var vendors: Int
    public var caseStudies: Int
    public var referrals: Int
}
