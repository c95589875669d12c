import Dispatch
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
    /// `buyerSpecific[v] != nil`, as a flat array for the hot loop.
    private let hasBuyerSpecific: [Bool]
    private let weights: SIMD8<Double>
    private let trustScale, trustNegative, qualityPriorCount: Double

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
        trustScale = max(1e-9, model.value(.trustScale))
        trustNegative = model.value(.trustNegative)
        qualityPriorCount = model.value(.qualityPriorCount)
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
        var flags = [Bool](repeating: false, count: index.vendors.count)
        for v in specific.keys { flags[v] = true }
        hasBuyerSpecific = flags
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
        let budget = request.budgetUSD
        for v in index.vendors.indices where index.vendorAlive[v] {
            if !masks.isEmpty {
                let offered = index.vendorOffered[v]
                var meets = true
                for m in masks where !offered.intersects(m) { meets = false; break }
                if !meets { continue }
            }
            if !certs.isEmpty, !certs.isSubset(of: index.vendorCertifications[v]) { continue }
            if !regions.isEmpty, index.vendorHasRegions[v], !index.vendors[v].regions.contains(where: regions.contains) { continue }
            if !languages.isEmpty, index.vendorHasLanguages[v], !index.vendors[v].languages.contains(where: languages.contains) { continue }
            if let budget, index.vendorMinProject[v] >= 0, budget < index.vendorMinProject[v] { continue }
            if !excluded.isEmpty, excluded.contains(index.vendors[v].id) { continue }
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
        scratch.count = 0
        // Cases whose work does not match at all score 0; skip the vendors that have only such cases.
        let filtered = !context.relevantCase.isEmpty
        for c32 in filtered && !context.relevantVendor[v] ? [] : index.vendorCases[v] {
            let c = Int(c32)
            guard index.caseAlive[c], !filtered || context.relevantCase[c] else { continue }
            let s = context.similarities(case: c, index: index)
            let value = Double(index.caseWeight[c]) * context.value(s)
            if value > 0 { scratch.offer(value, case: c32) }
        }
        // Experience features: Σ decay_i · credibility_i · a_d · s_d over the best cases, plus the
        // vendor's declarations as a fraction of one case, all over the normaliser.
        var experience = SIMD4<Double>.zero
        for i in 0..<scratch.count {
            let c = Int(scratch.cases[i])
            experience += decay[i] * Double(index.caseWeight[c]) * context.parts(context.similarities(case: c, index: index))
        }
        experience += declaredCredibility * context.parts(context.declaredSimilarities(vendor: v, index: index))
        experience /= normaliser

        let trust: Double
        if hasBuyerSpecific[v] {
            let tally = trustTally(v)
            trust = TrustModel.trust(positive: tally.positive, negative: tally.negative, scale: trustScale, negativeScale: trustNegative)
        } else {
            trust = index.vendorOpenTrustValue[v]
        }
        let quality = self.quality(v)
        let features = SIMD8<Double>(experience[0], experience[1], experience[2], experience[3], trust, quality, 0, 0)
        return (features, (weights * features).sum())
    }

    func trustTally(_ v: Int) -> TrustModel.Tally {
        guard let specific = buyerSpecific[v] else { return index.vendorOpenTrust[v] }
        let open = index.vendorReferrals[v].filter {
            index.referralAlive[Int($0)] && index.referrals[Int($0)].counts(for: nil)
        }.map { Int($0) }
        return TrustModel.tally(open + specific, in: index)
    }

    func quality(_ v: Int) -> Double {
        QualityModel.shrunk(sum: index.vendorQualitySum[v], count: Int(index.vendorQualityCount[v]),
                            mean: qualityMean, priorCount: qualityPriorCount)
    }

    /// Candidate pools at least this large are scored on two threads.
    static let parallelThreshold = 20_000

    /// Scores every candidate and returns the best `k`: score descending, then vendor id ascending.
    func top(_ k: Int, parallelThreshold: Int = Ranker.parallelThreshold) -> (ranked: [(vendor: Int, score: Double)], candidates: Int) {
        let pool = candidates()
        // Large pools are split over two threads (this machine has two cores); each keeps its own
        // top k and the two are merged, which gives exactly the sequential answer.
        let parts = pool.count >= parallelThreshold ? 2 : 1
        var partial = [TopK](repeating: TopK(k: k, index: index), count: parts)
        partial.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let results = out
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var scratch = makeScratch()
                var best = TopK(k: k, index: index)
                let lo = pool.count * part / parts, hi = pool.count * (part + 1) / parts
                for v in pool[lo..<hi] { best.offer(v, evaluate(v, scratch: &scratch).score) }
                results[part] = best
            }
        }
        var best = partial[0]
        for other in partial.dropFirst() { for e in other.entries { best.offer(e.vendor, e.score) } }
        return (best.sorted(), pool.count)
    }
}

/// The best `k` (vendor, score) pairs seen so far, by score then vendor id; `O(n log k)`.
struct TopK {
    let k: Int
    /// Vendor ids by ordinal (one array, not the whole index: copying this struct must stay cheap).
    let ids: [String]
    private var heap: [(vendor: Int, score: Double)] = []

    init(k: Int, index: RankingIndex) {
        self.k = k
        self.ids = index.vendorIDs
        heap.reserveCapacity(k)
    }

    /// Whether `a` ranks below `b`.
    @inline(__always)
    private func worse(_ a: (vendor: Int, score: Double), _ b: (vendor: Int, score: Double)) -> Bool {
        a.score != b.score ? a.score < b.score : ids[a.vendor] > ids[b.vendor]
    }

    mutating func offer(_ vendor: Int, _ score: Double) {
        let entry = (vendor: vendor, score: score)
        if heap.count < k {
            heap.append(entry)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard worse(heap[i], heap[parent]) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
            return
        }
        guard k > 0, worse(heap[0], entry) else { return }
        heap[0] = entry
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count, worse(heap[l], heap[m]) { m = l }
            if r < heap.count, worse(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
    }

    func sorted() -> [(vendor: Int, score: Double)] { heap.sorted { worse($1, $0) } }

    var entries: [(vendor: Int, score: Double)] { heap }
}
