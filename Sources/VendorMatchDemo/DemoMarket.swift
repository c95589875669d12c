import VendorMatchCore

/// One relevance judgement: a vendor the simulated buyer chose (grade 2) or shortlisted (grade 1).
public struct DemoQrel: Sendable, Equatable, Hashable {
    public var requestID: String
    public var vendorID: String
    public var grade: Int
    /// The vendor's rank by the buyer's utility without its noise, among the `candidates` vendors that met
    /// the request (1 = best): how far down an oracle that knew every vendor's true competences would
    /// have to look to find it. The noise makes a buyer's choice unpredictable; this measures how much.
    public var oracleRank: Int
    public var candidates: Int

    public init(requestID: String, vendorID: String, grade: Int, oracleRank: Int = 0, candidates: Int = 0) {
        self.requestID = requestID; self.vendorID = vendorID; self.grade = grade
        self.oracleRank = oracleRank; self.candidates = candidates
    }

    /// The TREC qrels line: `request_id 0 vendor_id grade`.
    public var trecLine: String { "\(requestID) 0 \(vendorID) \(grade)" }
}

/// A deterministic synthetic market: a catalogue drawn from a latent ground truth, buyer requests,
/// and the buyers' choices as relevance judgements. The model is described in `Docs/demo-market.md`.
public struct DemoMarket: Sendable {
    public static let defaultVendors = 2_000
    public static let defaultRequests = 500
    public static let defaultSeed: UInt64 = 1
    /// Buying organisations in every market (`buyer-0001` …). Buyer-specific referrals name them; with at
    /// least this many requests each of them issues a request. Fixed, so that the catalogue of a seed and
    /// vendor count is the same whatever the number of requests.
    public static let buyerCount = 300

    public var catalogue: Catalogue
    public var requests: [BuyerRequest]
    public var qrels: [DemoQrel]
    /// The true need (service subcategory) behind each request, by request id: for evaluating
    /// service-type inference on requests that name none.
    public var requestNeeds: [String: String]

    /// Generates a market in memory. The same arguments always give the same market; another seed
    /// gives another market (use one for training, another for held-out evaluation). The catalogue
    /// depends only on `vendors` and `seed`, not on `requests`.
    public static func generate(
        vendors: Int = defaultVendors, seed: UInt64 = defaultSeed, requests: Int = defaultRequests, taxonomy: Taxonomy
    ) -> DemoMarket {
        var catalogue = Catalogue()
        let generator = MarketGenerator(taxonomy: taxonomy, vendors: vendors, requests: requests, seed: seed)
        let result = generator.run(
            vendor: { catalogue.vendors.append($0) },
            caseStudy: { catalogue.caseStudies.append($0) },
            referral: { catalogue.referrals.append($0) })
        var needs: [String: String] = [:]
        for (q, n) in zip(result.requests, result.needs) { needs[q.id] = n }
        return DemoMarket(catalogue: catalogue, requests: result.requests, qrels: result.qrels, requestNeeds: needs)
    }
}
