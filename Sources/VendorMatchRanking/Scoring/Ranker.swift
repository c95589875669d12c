import CPrefetch
import Foundation
import VendorMatchCore

/// The first phase: scores the candidates of one request (`CandidateRetrieval`) over an index snapshot
/// (case-study evidence with diminishing returns, declared capabilities, referral trust and quality,
/// combined linearly with the model's weights) and keeps the best, skipping vendors whose upper bound
/// cannot enter them. Feature extraction (`FeatureExtractor`), the second phase (`SecondPhaseRanker`)
/// and explanations (`Explainer`) read its candidates and context. Pure: no I/O, no shared state.
struct Ranker {
    let snapshot: IndexSnapshot
    /// Borrowed from the snapshot. The hot loops spell out `snapshot.index`: calling a closure-taking
    /// method through this accessor copied the whole index (a retain per array).
    var index: RankingIndex { _read { yield snapshot.index } }
    let request: BuyerRequest
    /// Changed only by `topExact`, which makes the candidates' semantic similarities exact.
    private(set) var context: MatchContext
    /// The vendors passing the hard constraints, when retrieved with the context (`retrieving`).
    private let pool: [Int]?
    private let model: RankingModel
    private let decay: [Double]
    private let normaliser: Double
    private let declaredCredibility: Double
    private let qualityMean: Double
    /// Trust tallies of the vendors the requesting buyer has its own referrals for (as it sees them).
    private let buyerSpecific: [Int32: TrustModel.Tally]
    /// `buyerSpecific[v] != nil`, as a flat array for the hot loop.
    private let hasBuyerSpecific: [Bool]
    /// Per vendor, `w_trust · open trust + w_quality · quality`: what the bound adds for a vendor the
    /// buyer has no referrals of its own for (shared by all requests on the snapshot).
    private let openParts: [Double]
    /// The model's feature weights (`RankingModel.featureNames` order; lanes 6 and 7 are 0).
    let weights: SIMD8<Double>
    private let trustScale, trustNegative, qualityPriorCount: Double
    /// Model parameters the feature extractor reads for every candidate.
    let referenceYear, recommendShare: Double

    init(index: RankingIndex, request: BuyerRequest) {
        self.init(snapshot: IndexSnapshot(index), request: request)
    }

    /// With `retrieving`, the candidates (`candidates()`) are retrieved at once; on a large catalogue
    /// beside the request's tables (`MatchContext`) after its need scores, on the other core: the two are
    /// independent.
    init(snapshot: IndexSnapshot, request: BuyerRequest, retrieving: Bool = false) {
        self.snapshot = snapshot
        self.request = request
        self.model = snapshot.index.model
        // The need scores first (on both cores when the catalogue is large), then the rest of the tables.
        let needScores = NeedScores(index: snapshot.index, need: request.need, floor: Float(model.value(.needFloor)))
        func matchContext() -> MatchContext {
            MatchContext(index: snapshot.index, industry: request.industry, size: request.size, need: request.need,
                         serviceTypes: request.serviceTypes, needScores: needScores)
        }
        if retrieving, snapshot.index.vendors.count >= Ranker.parallelThreshold {
            (context, pool) = RowParts.concurrently(matchContext, { CandidateRetrieval.candidates(for: request, in: snapshot.index) })
        } else {
            context = matchContext()
            pool = retrieving ? CandidateRetrieval.candidates(for: request, in: snapshot.index) : nil
        }
        let maxCases = max(1, min(32, Int(model.value(.evidenceMaxCases))))
        let gamma = model.value(.evidenceDecay)
        decay = (0..<maxCases).map { pow(gamma, Double($0)) }
        normaliser = decay.reduce(0, +)
        declaredCredibility = model.value(.declaredCredibility)
        trustScale = max(1e-9, model.value(.trustScale))
        trustNegative = model.value(.trustNegative)
        qualityPriorCount = model.value(.qualityPriorCount)
        referenceYear = model.value(.referenceYear)
        recommendShare = model.value(.qualityRecommendShare)
        let wv = model.weightVector
        weights = SIMD8<Double>(wv[0], wv[1], wv[2], wv[3], wv[4], wv[5], 0, 0)
        qualityMean = snapshot.index.caseStudies.qualityMean
        buyerSpecific = request.buyerOrg.flatMap { snapshot.index.referrals.buyerVendorTally[$0] } ?? [:]
        var flags = [Bool](repeating: false, count: snapshot.index.vendors.count)
        for v in buyerSpecific.keys { flags[Int(v)] = true }
        hasBuyerSpecific = flags
        let (w4, w5, mean, prior) = (weights[4], weights[5], qualityMean, qualityPriorCount)
        openParts = snapshot.openParts {
            snapshot.index.vendors.keys.map { key in
                w4 * key.openTrust
                    + w5 * QualityModel.shrunk(sum: key.qualitySum, count: Int(key.qualityCount), mean: mean, priorCount: prior)
            }
        }
    }

    // MARK: Candidate retrieval

    /// The vendors that satisfy every hard constraint of CONTRACT §2, ascending by ordinal.
    func candidates() -> [Int] { pool ?? CandidateRetrieval.candidates(for: request, in: snapshot.index) }

    // MARK: Scoring

    /// Reusable buffers for the best cases of one vendor, so the scoring loop does not allocate.
    struct Scratch {
        var values: [Double]
        var cases: [Int32]
        /// The similarities of each kept case, so they are not looked up twice.
        var similarities: [SIMD4<Double>]
        var count = 0

        init(capacity: Int) {
            values = [Double](repeating: 0, count: capacity)
            cases = [Int32](repeating: -1, count: capacity)
            similarities = [SIMD4<Double>](repeating: .zero, count: capacity)
        }

        /// Keeps the `capacity` largest values, descending; ties keep the earlier case.
        @inline(__always)
        mutating func offer(_ value: Double, case c: Int32, similarities s: SIMD4<Double>) {
            let cap = values.count
            if count == cap, value <= values[cap - 1] { return }
            var i = min(count, cap - 1)
            while i > 0, values[i - 1] < value {
                values[i] = values[i - 1]
                cases[i] = cases[i - 1]
                similarities[i] = similarities[i - 1]
                i -= 1
            }
            values[i] = value
            cases[i] = c
            similarities[i] = s
            if count < cap { count += 1 }
        }
    }

    func makeScratch() -> Scratch { Scratch(capacity: decay.count) }

    /// Unweighted feature values of vendor `v` (industry, size, need, service, trust, quality) and the
    /// weighted score; fills `scratch` with the vendor's best cases.
    func evaluate(_ v: Int, scratch: inout Scratch) -> (features: SIMD8<Double>, score: Double) {
        scratch.count = 0
        let vendor = snapshot.index.vendors.keys[v]
        // Cases whose work does not match at all score 0; skip the vendors that have only such cases.
        let filtered = !context.relevantCase.isEmpty
        if !filtered || context.relevantVendor[v] {
            let start = Int(vendor.caseStart), end = start + Int(vendor.caseCount)
            // Unchecked: the index's own ranges and ordinals.
            snapshot.index.vendors.caseList.withUnsafeBufferPointer { list in
                snapshot.index.caseStudies.keys.withUnsafeBufferPointer { keys in
                    let relevant = context.relevantCase.span
                    for j in start..<end {
                        let c32 = list[j]
                        let c = Int(c32)
                        // The request's own flags first: they are in cache, the case's key may not be.
                        guard !filtered || relevant[c] else { continue }
                        let key = keys[c]
                        guard key.alive else { continue }
                        let s = context.similarities(key, case: c)
                        let value = Double(key.weight) * context.value(s)
                        if value > 0 { scratch.offer(value, case: c32, similarities: s) }
                    }
                }
            }
        }
        // Experience features: Σ decay_i · credibility_i · a_d · s_d over the best cases, plus the
        // vendor's declarations as a fraction of one case, all over the normaliser.
        var experience = SIMD4<Double>.zero
        for i in 0..<scratch.count {
            let c = Int(scratch.cases[i])
            experience += decay[i] * Double(snapshot.index.caseStudies.keys[c].weight) * context.parts(scratch.similarities[i])
        }
        experience += declaredCredibility * context.parts(context.declaredSimilarities(vendor: v, key: vendor, index: snapshot.index))
        experience /= normaliser

        let features = SIMD8<Double>(experience[0], experience[1], experience[2], experience[3], trust(v, key: vendor),
                                     quality(key: vendor), 0, 0)
        return (features, (weights * features).sum())
    }

    @inline(__always)
    func trust(_ v: Int, key: VendorStore.Key) -> Double {
        guard hasBuyerSpecific[v] else { return key.openTrust }
        let tally = trustTally(v)
        return TrustModel.trust(positive: tally.positive, negative: tally.negative, scale: trustScale, negativeScale: trustNegative)
    }

    /// The most a vendor none of whose cases matches the work can get from its declarations (its
    /// experience is those alone); `nil` when `bound` would not hold (negative weights or credibility,
    /// or every case counts because the request names neither need nor service).
    func declaredOnlyBound() -> Double? {
        guard !context.relevantCase.isEmpty, (0..<6).allSatisfy({ weights[$0] >= 0 }), context.valueIsMonotone,
              declaredCredibility >= 0, normaliser > 0 else { return nil }
        // Declarations carry no size; the best industry, need and service similarity is 1.
        var best = SIMD4<Double>(1, 0, 1, 1)
        if !context.hasIndustry { best[0] = 0 }
        if !context.hasNeed { best[2] = 0 }
        if !context.hasService { best[3] = 0 }
        return declaredCredibility * context.value(best) / normaliser
    }

    /// Whether `casesBound` bounds (the decay weights are not negative; `declaredOnlyBound` checks the rest).
    private var casesBoundHolds: Bool { decay.allSatisfy { $0 >= 0 } }

    /// The most relevant vendor `v`'s cases can add to its score: every case's similarities are at most
    /// (the best industry and size similarity of the vendor's case contexts, its best need similarity,
    /// 1 if a case meets a requested service type else a sibling's), its weight at most its heaviest
    /// case's, and the decay weights sum to the normaliser.
    @inline(__always)
    func casesBound(_ v: Int) -> Double { casesBound(v, context: context) }

    /// `casesBound` under another context (tests compare the bound with looser tables).
    @inline(__always)
    func casesBound(_ v: Int, context: MatchContext) -> Double {
        let contexts = snapshot.index.vendors.caseContexts[v]
        let (industry, size) = context.contextBound(contexts)
        var best = SIMD4<Double>(industry, size, Double(context.vendorBestNeed[v]), 0)
        if context.hasService {
            // The sibling bound allows for the float rounding of the similarity table.
            best[3] = context.vendorMeetsService[v] ? 1 : Similarity.serviceSibling * (1 + 1e-6)
        }
        return Double(contexts.heaviest) * context.value(best)
    }

    /// An upper bound on the score of such a vendor: its own trust and quality, plus `declared` (the
    /// best its declarations, and for a relevant vendor its cases, can add).
    @inline(__always)
    func bound(_ v: Int, declared: Double) -> Double {
        var bound = declared
        if hasBuyerSpecific[v] {
            let key = index.vendors.keys[v]
            bound += weights[4] * trust(v, key: key) + weights[5] * quality(key: key)
        } else {
            bound += openParts[v]
        }
        return bound + 1e-9 * (1 + abs(bound)) // rounding margin: the bound must never fall below the score
    }

    /// The referral tally that counts for the requesting buyer (kept up to date by the index).
    func trustTally(_ v: Int) -> TrustModel.Tally { buyerSpecific[Int32(v)] ?? index.referrals.openTrust[v] }

    /// `trustTally` computed from the referrals themselves, for the naive reference scan.
    func trustTallyFromReferrals(_ v: Int) -> TrustModel.Tally {
        let referrals = index.referrals
        let counting = referrals.byVendor[v].map { Int($0) }.filter {
            referrals.alive[$0] && referrals.records[$0].counts(for: request.buyerOrg)
        }
        return TrustModel.tally(counting, in: referrals, model: model)
    }

    func quality(_ v: Int) -> Double { quality(key: index.vendors.keys[v]) }

    @inline(__always)
    func quality(key: VendorStore.Key) -> Double {
        QualityModel.shrunk(sum: key.qualitySum, count: Int(key.qualityCount), mean: qualityMean, priorCount: qualityPriorCount)
    }

    /// Scoring a vendor waits on memory (its key, case list, case keys and need scores are far apart), so
    /// while vendor `i` is scored, the data of the next ones is requested: the key of `i + 3`, the case
    /// list of `i + 2` (its key requested earlier), the case keys and scores of `i + 1`.
    @inline(__always)
    private func prefetch(_ vendors: ArraySlice<Int>, at i: Int) {
        if i + 3 < vendors.endIndex {
            snapshot.index.vendors.keys.withUnsafeBufferPointer { vm_prefetch($0.baseAddress! + vendors[i + 3]) }
        }
        if i + 2 < vendors.endIndex {
            let start = Int(snapshot.index.vendors.keys[vendors[i + 2]].caseStart)
            snapshot.index.vendors.caseList.withUnsafeBufferPointer { if start < $0.count { vm_prefetch($0.baseAddress! + start) } }
        }
        if i + 1 < vendors.endIndex {
            let key = snapshot.index.vendors.keys[vendors[i + 1]]
            let start = Int(key.caseStart), count = Int(key.caseCount)
            guard count > 0 else { return }
            let first = Int(snapshot.index.vendors.caseList[start]), last = Int(snapshot.index.vendors.caseList[start + count - 1])
            snapshot.index.caseStudies.keys.withUnsafeBufferPointer { keys in
                // A vendor's cases are usually neighbours (four keys a line); if not, the first and last.
                let low = min(first, last), high = max(first, last)
                guard high < keys.count else { return }
                if high - low < 32 {
                    for c in stride(from: low, to: high, by: 4) { vm_prefetch(keys.baseAddress! + c) }
                } else {
                    vm_prefetch(keys.baseAddress! + low)
                }
                vm_prefetch(keys.baseAddress! + high)
            }
            if !context.needSim.isEmpty { context.needSim.withUnsafeBufferPointer { vm_prefetch($0.baseAddress! + first) } }
            if !context.relevantCase.isEmpty { context.relevantCase.withUnsafeBufferPointer { vm_prefetch($0.baseAddress! + first) } }
        }
    }

    /// `top(k)`, then, when the semantic similarities came from the approximate index, every case study
    /// of those `k` vendors gets its exact similarity (`MatchContext.exactSemantic`) and they are scored
    /// again and re-sorted: the candidates are what the approximate retrieval found, their scores, features
    /// and explanations are exact. Without the index, `top(k)` as it is.
    mutating func topExact(_ k: Int) -> (ranked: [TopK.Entry], candidates: Int) {
        let (ranked, candidates) = top(k)
        guard context.semanticApproximate, !ranked.isEmpty else { return (ranked, candidates) }
        context.exactSemantic(forVendors: ranked.map(\.vendor), index: snapshot.index)
        var scratch = makeScratch()
        var exact = TopK(k: ranked.count, ids: snapshot.index.vendors.ids)
        for entry in ranked {
            let (features, score) = evaluate(entry.vendor, scratch: &scratch)
            exact.offer(TopK.Entry(vendor: entry.vendor, score: score, features: features))
        }
        return (exact.sorted(), candidates)
    }

    /// Exact semantic similarities for every case study of `vendors` (`MatchContext.exactSemantic`).
    mutating func exactSemantic(forVendors vendors: [Int]) {
        context.exactSemantic(forVendors: vendors, index: snapshot.index)
    }

    /// How many vendors per kept candidate the first phase scores first, those with the highest bounds
    /// (`top`). On a 125,000-vendor demo market at k 300 (bench seed 7, 40 requests), against scoring in
    /// ordinal order: 1 scored 12% fewer vendors, 2 16%, 4 15%; those whose bound reaches the final
    /// floor, which no order can skip, are 20% fewer.
    static let seedFactor = 2

    /// About the `keeping`-th largest of `values` (not empty; from an evenly spaced sample of them): what
    /// the most promising vendors' bounds reach.
    static func threshold(_ values: [Double], keeping: Int) -> Double {
        let step = max(1, values.count / 4096)
        var sample = Swift.stride(from: 0, to: values.count, by: step).map { values[$0] }
        return largest(min(sample.count - 1, keeping / step), in: &sample)
    }

    /// The value at `rank` (0: the largest) of `values` sorted descending, by selection (Hoare's
    /// quickselect, median-of-three pivots), not by sorting: sorting a part's 5,000 bounds took about a tenth
    /// of its scoring time at k 300 (perf, 125,000 vendors). Reorders `values`; `rank` must be a valid
    /// index; no NaN.
    static func largest(_ rank: Int, in values: inout [Double]) -> Double {
        values.withUnsafeMutableBufferPointer { v in
            var low = 0, high = v.count - 1
            while low < high {
                let mid = low + (high - low) / 2
                // The median of the three as pivot: sorted lists (and lists of equal values) stay linear.
                if v[mid] > v[low] { v.swapAt(mid, low) }
                if v[high] > v[low] { v.swapAt(high, low) }
                if v[high] > v[mid] { v.swapAt(high, mid) }
                let pivot = v[mid]
                var i = low, j = high
                // Descending: larger values to the left.
                while i <= j {
                    while v[i] > pivot { i += 1 }
                    while v[j] < pivot { j -= 1 }
                    if i <= j {
                        v.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                // Now v[low...j] >= pivot >= v[i...high], and every value strictly between j and i is the pivot.
                if rank <= j { high = j } else if rank >= i { low = i } else { return pivot }
            }
            return v[rank]
        }
    }

    /// Candidate pools at least this large are scored on two threads.
    static let parallelThreshold = 20_000

    /// Scores every candidate and returns the best `k`: score descending, then vendor id ascending.
    /// `seedFactor` 0 scores in ordinal order (the answer is the same; tests compare the two).
    func top(_ k: Int, parallelThreshold: Int = Ranker.parallelThreshold,
             seedFactor: Int = Ranker.seedFactor) -> (ranked: [TopK.Entry], candidates: Int) {
        let pool = candidates()
        // Large pools are split over two threads (this machine has two cores); each keeps its own
        // top k and the two are merged, which gives exactly the sequential answer.
        // Vendors with a case matching the work (the need, or a requested service type) first; then those
        // whose cases match it only weakly (a sibling service type, no need words), then those with no
        // matching case at all. Once the top k is full, a vendor whose best possible score could not
        // enter it is skipped. The top k does not depend on the order.
        // Each part partitions and scores its own share of the pool.
        let bound = declaredOnlyBound()
        let prune = bound != nil && casesBoundHolds
        let ids = snapshot.index.vendors.ids
        let partial = RowParts.map(rows: pool.count, minimumRows: parallelThreshold) { range -> TopK in
            var scratch = makeScratch()
            var best = TopK(k: k, ids: ids)
            func score(_ v: Int) {
                let (features, score) = evaluate(v, scratch: &scratch)
                best.offer(TopK.Entry(vendor: v, score: score, features: features))
            }
            func scoreRelevant(_ vendors: ArraySlice<Int>) {
                for i in vendors.indices {
                    let v = vendors[i]
                    if prune, let floor = best.floor, let bound, self.bound(v, declared: bound + casesBound(v)) < floor { continue }
                    prefetch(vendors, at: i)
                    score(v)
                }
            }
            // The strong vendors with the highest bounds first: they fill the top k with high scores, so
            // the floor is high before the rest are reached and more of them are skipped unscored.
            func scoreStrong(_ vendors: [Int]) {
                let seeds = seedFactor * min(k, vendors.count) // k may exceed the vendors (train's --pool)
                guard prune, let bound, seeds > 0, vendors.count > 4 * seeds else {
                    scoreRelevant(vendors[...])
                    return
                }
                var bounds = [Double](repeating: 0, count: vendors.count)
                for i in vendors.indices { bounds[i] = self.bound(vendors[i], declared: bound + casesBound(vendors[i])) }
                let threshold = Ranker.threshold(bounds, keeping: seeds)
                var first: [Int] = [], firstBounds: [Double] = [], rest: [Int] = [], restBounds: [Double] = []
                first.reserveCapacity(2 * seeds)
                firstBounds.reserveCapacity(2 * seeds)
                rest.reserveCapacity(vendors.count)
                restBounds.reserveCapacity(vendors.count)
                for i in vendors.indices {
                    if bounds[i] >= threshold {
                        first.append(vendors[i])
                        firstBounds.append(bounds[i])
                    } else {
                        rest.append(vendors[i])
                        restBounds.append(bounds[i])
                    }
                }
                // Each vendor's bound is computed once, above.
                func scoreBounded(_ vendors: [Int], _ bounds: [Double]) {
                    let list = vendors[...]
                    for i in list.indices {
                        if let floor = best.floor, bounds[i] < floor { continue }
                        prefetch(list, at: i)
                        score(list[i])
                    }
                }
                scoreBounded(first, firstBounds)
                scoreBounded(rest, restBounds)
            }
            let share = pool[range]
            let (strong, weak, others) = bound == nil
                ? (Array(share), [], []) : CandidateRetrieval.partition(share, context: context, prune: prune)
            scoreStrong(strong)
            scoreRelevant(weak[...])
            for v in others {
                if let floor = best.floor, let bound, self.bound(v, declared: bound) < floor { continue }
                score(v)
            }
            return best
        }
        var best = partial[0]
        for other in partial.dropFirst() { for e in other.entries { best.offer(e) } }
        return (best.sorted(), pool.count)
    }
}

/// The best `k` vendors seen so far, by score then vendor id; `O(n log k)`.
struct TopK {
    /// A scored vendor with the unweighted features behind its score.
    struct Entry {
        var vendor: Int
        var score: Double
        var features: SIMD8<Double>
    }

    let k: Int
    /// Vendor ids by ordinal (one array, not the whole index: copying this struct must stay cheap).
    let ids: [String]
    private var heap: [Entry] = []

    init(k: Int, ids: [String]) {
        self.k = k
        self.ids = ids
        heap.reserveCapacity(k)
    }

    /// Whether `a` ranks below `b`.
    @inline(__always)
    private func worse(_ a: Entry, _ b: Entry) -> Bool {
        a.score != b.score ? a.score < b.score : ids[a.vendor] > ids[b.vendor]
    }

    mutating func offer(_ entry: Entry) {
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

    func sorted() -> [Entry] { heap.sorted { worse($1, $0) } }

    /// The lowest score kept, once `k` are kept: a newcomer must beat it (ties go by id).
    var floor: Double? { heap.count == k && k > 0 ? heap[0].score : nil }

    var entries: [Entry] { heap }
}
