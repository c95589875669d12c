import Foundation
import VendorMatchCore

/// Scores vendors for one request over an index snapshot: hard constraints, case-study evidence with
/// diminishing returns, declared capabilities, referral trust and quality, combined linearly with the
/// model's weights. Pure: no I/O, no shared state.
struct Ranker {
    let index: RankingIndex
    let request: BuyerRequest
    let context: MatchContext
    private let model: RankingModel
    private let decay: [Double]
    private let normaliser: Double
    private let declaredCredibility: Double
    private let qualityMean: Double
    private let buyerSpecific: [Int: [Int]]
    private let weights: SIMD8<Double>

    init(index: RankingIndex, request: BuyerRequest) {
        self.index = index
        self.request = request
        self.model = index.model
        context = MatchContext(index: index, industry: request.industry, size: request.size, need: request.need,
                               serviceTypes: request.serviceTypes)
        let maxCases = max(1, min(32, Int(model.value(.evidenceMaxCases))))
        let gamma = model.value(.evidenceDecay)
        decay = (0..<maxCases).map { pow(gamma, Double($0)) }
        normaliser = decay.reduce(0, +)
        declaredCredibility = model.value(.declaredCredibility)
        let wv = model.weightVector
        weights = SIMD8<Double>(wv[0], wv[1], wv[2], wv[3], wv[4], wv[5], 0, 0)
        qualityMean = index.qualityMean
        var specific: [Int: [Int]] = [:]
        if let buyer = request.buyerOrg {
            for r in index.buyerReferrals[buyer] ?? [] where index.referralAlive[Int(r)] {
                if let v = index.vendorOrdinal[index.referrals[Int(r)].vendorID] { specific[Int(v), default: []].append(Int(r)) }
            }
        }
        buyerSpecific = specific
    }

    // MARK: Hard constraints

    /// The vendors that satisfy every hard constraint of CONTRACT §2, ascending by ordinal.
    func candidates() -> [Int] {
        let services = index.services
        let masks = request.serviceTypes.compactMap { services.bit[$0] }.map { services.acceptable(for: $0) }
        let certs = Set(request.requiredCertifications.map(Vocabulary.normalizeCertification))
        let regions = Set(request.regions), languages = Set(request.languages)
        let excluded = Set(request.excludeVendors)
        var out: [Int] = []
        out.reserveCapacity(index.vendors.count)
        for v in index.vendors.indices where index.vendorAlive[v] {
            let offered = index.vendorOffered[v]
            if !masks.allSatisfy({ offered.intersects($0) }) { continue }
            let vendor = index.vendors[v]
            if !certs.isEmpty, !certs.isSubset(of: index.vendorCertifications[v]) { continue }
            if !regions.isEmpty, !vendor.regions.isEmpty, !vendor.regions.contains(where: regions.contains) { continue }
            if !languages.isEmpty, !vendor.languages.isEmpty, !vendor.languages.contains(where: languages.contains) { continue }
            if let budget = request.budgetUSD, let minimum = vendor.minProjectUSD, budget < minimum { continue }
            if !excluded.isEmpty, excluded.contains(vendor.id) { continue }
            out.append(v)
        }
        return out
    }

    // MARK: Scoring

    /// Reusable buffers for the best cases of one vendor, so the scoring loop does not allocate.
    struct Scratch {
        var values: [Double]
        var cases: [Int32]
        var count = 0

        init(capacity: Int) {
            values = [Double](repeating: 0, count: capacity)
            cases = [Int32](repeating: -1, count: capacity)
        }

        /// Keeps the `capacity` largest values, descending; ties keep the earlier case.
        @inline(__always)
        mutating func offer(_ value: Double, case c: Int32) {
            let cap = values.count
            if count == cap, value <= values[cap - 1] { return }
            var i = min(count, cap - 1)
            while i > 0, values[i - 1] < value {
                values[i] = values[i - 1]
                cases[i] = cases[i - 1]
                i -= 1
            }
            values[i] = value
            cases[i] = c
            if count < cap { count += 1 }
        }
    }

    func makeScratch() -> Scratch { Scratch(capacity: decay.count) }

    /// Unweighted feature values of vendor `v` (industry, size, need, service, trust, quality) and the
    /// weighted score; fills `scratch` with the vendor's best cases.
    func evaluate(_ v: Int, scratch: inout Scratch) -> (features: SIMD8<Double>, score: Double) {
        let w = context.w
        let a = context.a
        scratch.count = 0
        for c32 in index.vendorCases[v] {
            let c = Int(c32)
            guard index.caseAlive[c] else { continue }
            let s = context.similarities(case: c, index: index)
            let value = Double(index.caseWeight[c]) * (w * a * s).sum()
            if value > 0 { scratch.offer(value, case: c32) }
        }
        // Experience features: Σ decay_i · credibility_i · a_d · s_d over the best cases, plus the
        // vendor's declarations as a fraction of one case, all over the normaliser.
        var experience = SIMD4<Double>.zero
        for i in 0..<scratch.count {
            let c = Int(scratch.cases[i])
            experience += decay[i] * Double(index.caseWeight[c]) * a * context.similarities(case: c, index: index)
        }
        experience += declaredCredibility * a * context.declaredSimilarities(vendor: v, index: index)
        experience /= normaliser

        let trust = TrustModel.trust(trustTally(v), model: model)
        let quality = self.quality(v)
        let features = SIMD8<Double>(experience[0], experience[1], experience[2], experience[3], trust, quality, 0, 0)
        return (features, (weights * features).sum())
    }

    func trustTally(_ v: Int) -> TrustModel.Tally {
        guard let specific = buyerSpecific[v] else { return index.vendorOpenTrust[v] }
        let open = index.vendorReferrals[v].filter {
            index.referralAlive[Int($0)] && index.referrals[Int($0)].buyerOrg == nil
        }.map { Int($0) }
        return TrustModel.tally(open + specific, in: index)
    }

    func quality(_ v: Int) -> Double {
        QualityModel.shrunk(sum: index.vendorQualitySum[v], count: Int(index.vendorQualityCount[v]),
                            mean: qualityMean, priorCount: model.value(.qualityPriorCount))
    }

    /// Scores every candidate and returns the best `k`: score descending, then vendor id ascending.
    func top(_ k: Int) -> (ranked: [(vendor: Int, score: Double)], candidates: Int) {
        let pool = candidates()
        var scratch = makeScratch()
        var scored: [(vendor: Int, score: Double)] = []
        scored.reserveCapacity(pool.count)
        for v in pool { scored.append((v, evaluate(v, scratch: &scratch).score)) }
        let ordered = scored.sorted { lhs, rhs in
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            return index.vendors[lhs.vendor].id < index.vendors[rhs.vendor].id
        }
        return (Array(ordered.prefix(k)), pool.count)
    }
}
