import VendorMatchCore

/// Per-dimension similarity rules, graded rather than binary.
enum Similarity {
    /// Industry: a case inside the requested code counts fully; otherwise by the depth of the deepest
    /// common ancestor (same sector 0.35, same subsector 0.7, same 4-digit group 0.85, deeper 0.92).
    static let industryByCommonDepth: [Double] = [0, 0.35, 0.7, 0.85, 0.92, 0.96]
    /// Size: by distance between ordered bands; an unknown client size counts 0.3.
    static let sizeByDistance: [Double] = [1.0, 0.6, 0.25, 0.1, 0, 0]
    static let unknownSize = 0.3
    /// Service: a code that meets the requested one (CONTRACT §2 hierarchy) 1, a sibling in the same
    /// category 0.4, anything else 0.
    static let serviceSibling = 0.4
}

/// Everything about one request that the scoring loop looks up instead of recomputing: similarity
/// tables per interned industry, per size band and per service bit, the need vector's scores for
/// every case, and the dimension weights renormalised over the dimensions the request gives.
struct MatchContext {
    /// Per interned industry id, the request's similarity level (an index into `industryLevels`): one
    /// byte per code, so the table the scoring loop reads at random stays in cache; empty when the
    /// request names no industry.
    var industryLevel: [UInt8] = []
    /// The industry similarity of each level: `Similarity.industryByCommonDepth` by the depth of the
    /// deepest common ancestor (as `Float`, like the other tables), then 1 for a code inside the request's.
    let industryLevels = MatchContext.industryLevelValues
    private static let industryLevelValues: [Double] = Similarity.industryByCommonDepth.map { Double(Float($0)) } + [1]
    /// Per size band 0…5, then unknown at index 6; empty when the request names no size.
    var sizeSim: [Float] = []
    /// For each requested service code, the similarity of every service bit.
    var serviceSim: [[Float]] = []
    /// Weight of each entry of `serviceSim` (1 each for requested types; shares for inferred ones).
    var serviceWeights: [Float] = []
    /// Service types read from the need when the request names none: (bit, share of the vote).
    var inferredServices: [(bit: Int, share: Double)] = []
    /// Service similarity of every interned service set (`RankingIndex.serviceSignatures`).
    var signatureSim: [Float] = []
    /// Need similarity per case ordinal; empty when the request has no usable need text. With the
    /// semantic channel on, the blend of the two below (`blend`).
    var needSim: [Float] = []
    /// The two need channels apart, per case ordinal, for learned features: the lexical (TF-IDF cosine)
    /// similarity, and the semantic one (MiniLM cosine rescaled from `need.semantic_floor`…1 to 0…1; -1
    /// for a case without a vector). Both empty when the channel is off: `needSim` is then the lexical one.
    var needLexicalSim: [Float] = []
    var needSemanticSim: [Float] = []
    /// Whether `needSemanticSim` came from the approximate index (`CaseStudyStore.neighbours`): then it is
    /// exact for the index's hits and for the cases `exactSemantic(forVendors:index:)` was given, and 0 (a
    /// lower bound) for the other cases with a vector. The request's vector, kept for that.
    private(set) var semanticApproximate = false
    private(set) var semanticQuery: [Float] = []
    var needVector = SparseVector()
    /// Need similarities below this are noise (a shared common word) and count as 0 (`need.floor`).
    var needFloor: Float = 0.05
    /// Cases whose work (need or service) matches at all, and the vendors that have one; empty when the
    /// request gives neither need nor service (then every case can match on context).
    var relevantCase: [Bool] = []
    var relevantVendor: [Bool] = []
    /// Per vendor, the best need similarity of its cases (0 when none reaches the floor), and whether one
    /// of its cases lists a code that meets a requested (or inferred) service type; the other cases'
    /// service similarity is at most a sibling's (`Similarity.serviceSibling`). What bounds a vendor's
    /// case evidence before it is scored; empty with `relevantVendor`.
    var vendorBestNeed: [Float] = []
    var vendorMeetsService: [Bool] = []
    /// Per industry group (`RankingIndex.industryGroup`), the best industry similarity of an interned
    /// industry in it; empty when the request names no industry. With `sizeSim`, what bounds the
    /// context of a vendor's cases from its `CaseContext`.
    var industryGroupBest: [Double] = []
    /// Need similarity of every vendor's description; empty with `needSim`.
    var descriptionSim: [Float] = []
    /// Inner weight per dimension (industry, size, need, service); 0 for dimensions not given.
    var a: SIMD4<Double> = .zero
    /// Outer model weight per dimension (industry, size, need, service).
    var w: SIMD4<Double> = .zero
    /// Share of a case's match earned by the work alone (need, service), whatever its context.
    var workAlone = 0.3
    /// `value(s)` rewritten without divisions: with W = Σ_work w·a·s / aw, K = Σ_work a·s / aw,
    /// C = Σ_ctx a·s / ac and Cw = Σ_ctx w·a·s / ac, `value = α·W + β·(W·C + K·Cw) + γ·Cw`.
    private var valueW: SIMD4<Double> = .zero, valueK: SIMD4<Double> = .zero
    private var valueC: SIMD4<Double> = .zero, valueCw: SIMD4<Double> = .zero
    private var alpha = 0.0, beta = 0.0, gamma = 0.0

    var hasIndustry: Bool { !industryLevel.isEmpty }
    var hasSize: Bool { !sizeSim.isEmpty }
    var hasNeed: Bool { !needSim.isEmpty }
    var hasService: Bool { !serviceSim.isEmpty }

    /// `index` is borrowed (`__shared`): an initializer's parameters are otherwise owned, and handing
    /// over an owned copy of the index retains each of its arrays.
    /// `lexical`: the request's lexical need scores (`NeedScores`), computed before (`Ranker.init`).
    init(index: __shared RankingIndex, industry: String?, size: SizeBand?, need: String?, serviceTypes: [String],
         needScores lexical: NeedScores) {
        let model = index.model
        var base = SIMD4<Double>(
            model.value(.caseIndustry), model.value(.caseSize), model.value(.caseNeed), model.value(.caseService))
        w = SIMD4<Double>(model.weight("industry"), model.weight("size"), model.weight("need"), model.weight("service"))
        workAlone = min(1, max(0, model.value(.caseWorkAlone)))
        needFloor = Float(model.value(.needFloor))

        if let industry {
            industryLevel = index.industryTables.table(industry, count: index.industryCodes.count) {
                MatchContext.industryTable(index: index, request: industry)
            }
        } else { base[0] = 0 }

        if !industryLevel.isEmpty {
            var best = [Double](repeating: 0, count: 56)
            for (i, group) in index.industryGroup.enumerated() where i < industryLevel.count {
                best[Int(group)] = max(best[Int(group)], industryLevels[Int(industryLevel[i])])
            }
            industryGroupBest = best
        }

        if let size {
            sizeSim = (0..<6).map { Float(Similarity.sizeByDistance[abs($0 - size.rawValue)]) } + [Float(Similarity.unknownSize)]
        } else { base[1] = 0 }

        needVector = lexical.vector
        var touched: [Int32] = []
        let dense: [Float] = {
            guard let need, !need.isEmpty, index.caseStudies.denseActive, let e = index.caseStudies.denseEncoder else { return [] }
            let q = e.embed(need)
            return q.count == index.caseStudies.denseDimensions ? q : []
        }()
        if !needVector.isEmpty || !dense.isEmpty {
            var scores = lexical.scores.isEmpty ? [Float](repeating: 0, count: index.caseStudies.count) : lexical.scores
            if !dense.isEmpty {
                needLexicalSim = scores
                if let neighbours = index.caseStudies.neighbours {
                    needSemanticSim = MatchContext.semanticHits(query: dense, index: index, neighbours: neighbours)
                    semanticApproximate = true
                    semanticQuery = dense
                } else {
                    needSemanticSim = MatchContext.semanticSimilarities(query: dense, index: index)
                }
                MatchContext.blend(into: &scores, semantic: needSemanticSim, model: index.model)
            }
            // The cases whose need matches at all, ascending (`NeedScores.touched`); with the semantic
            // channel, those of the blended scores.
            touched = dense.isEmpty ? lexical.touched : scores.withUnsafeBufferPointer {
                MatchContext.casesScoring(atLeast: max(needFloor, .leastNonzeroMagnitude), in: $0, offset: 0, capacity: $0.count)
            }
            needSim = scores
            var described = [Float](repeating: 0, count: index.vendors.count)
            described.withUnsafeMutableBufferPointer { out in
                for (id, qw) in zip(needVector.ids, needVector.weights) where Int(id) < index.vendors.descriptionPostings.count {
                    index.vendors.descriptionPostings[Int(id)].withUnsafeBufferPointer { postings in
                        for p in postings { out[Int(p.ordinal)] += qw * p.weight }
                    }
                }
            }
            descriptionSim = described
        } else { base[2] = 0 }

        var requested = serviceTypes.compactMap { index.services.bit[$0] }
        serviceWeights = requested.map { _ in 1 }
        if requested.isEmpty, !touched.isEmpty {
            inferredServices = MatchContext.inferServices(index: index, needSim: needSim, touched: touched)
            requested = inferredServices.map(\.bit)
            let total = inferredServices.reduce(0) { $0 + $1.share }
            serviceWeights = inferredServices.map { Float($0.share / total) }
            // Soft evidence: the service dimension counts as much as the vote was sure.
            base[3] *= total
        }
        if !requested.isEmpty {
            let codes = index.services
            serviceSim = requested.map { r in
                let ok = codes.acceptable(for: r)
                return codes.codes.indices.map { b -> Float in
                    if ok.contains(b) { return 1 }
                    return codes.categoryBit[b] == codes.categoryBit[r] ? Float(Similarity.serviceSibling) : 0
                }
            }
            // Per code, the best similarity of every interned service set to it (cached: it depends on
            // the code alone), then their weighted mean, as `serviceSimilarity` computes it.
            let perCode = zip(requested, serviceSim).map { code, table in
                index.serviceTables.table(codes.codes[code], count: index.serviceSignatures.count) {
                    index.serviceSignatures.map { MatchContext.serviceSimilarity($0, tables: [table], weights: [1]) }
                }
            }
            signatureSim = MatchContext.weightedMean(perCode, weights: serviceWeights, count: index.serviceSignatures.count)
        } else { base[3] = 0 }

        let total = base.sum()
        a = total > 0 ? base / total : .zero
        let aw = a[2] + a[3], ac = a[0] + a[1]
        let workMask = SIMD4<Double>(0, 0, 1, 1), contextMask = SIMD4<Double>(1, 1, 0, 0)
        if aw > 0 {
            valueK = workMask * a / aw
            valueW = valueK * w
        }
        if ac > 0 {
            valueC = contextMask * a / ac
            valueCw = valueC * w
        }
        switch (aw > 0, ac > 0) {
        case (true, true): (alpha, beta, gamma) = (workAlone, 0.5 * (1 - workAlone), 0)
        case (true, false): (alpha, beta, gamma) = (1, 0, 0)
        case (false, true): (alpha, beta, gamma) = (0, 0, 1)
        case (false, false): (alpha, beta, gamma) = (0, 0, 0)
        }

        if hasNeed || hasService {
            var cases = [Bool](repeating: false, count: index.caseStudies.count)
            var vendors = [Bool](repeating: false, count: index.vendors.count)
            let categories = hasService ? Set(requested.map { index.services.categoryBit[$0] }).sorted() : []
            let caseVendor = index.caseStudies.vendor, categoryCases = index.caseStudies.categoryCases
            let serviceCases = index.caseStudies.serviceCases
            cases.withUnsafeMutableBufferPointer { caseOut in
                vendors.withUnsafeMutableBufferPointer { vendorOut in
                    caseVendor.withUnsafeBufferPointer { owner in
                        func mark(_ list: UnsafeBufferPointer<Int32>) {
                            for c in list {
                                caseOut[Int(c)] = true
                                vendorOut[Int(owner[Int(c)])] = true
                            }
                        }
                        touched.withUnsafeBufferPointer(mark)
                        for cat in categories where cat < categoryCases.count {
                            categoryCases[cat].withUnsafeBufferPointer(mark)
                        }
                    }
                }
            }
            relevantCase = cases
            relevantVendor = vendors
            var bestNeed = [Float](repeating: 0, count: index.vendors.count)
            var meets = [Bool](repeating: false, count: index.vendors.count)
            let services = index.services
            let wanted = requested.reduce(ServiceSet()) { $0 | services.acceptable(for: $1) }
            caseVendor.withUnsafeBufferPointer { owner in
                bestNeed.withUnsafeMutableBufferPointer { out in
                    for c in touched {
                        let v = Int(owner[Int(c)])
                        out[v] = max(out[v], min(1, needSim[Int(c)]))
                    }
                }
                meets.withUnsafeMutableBufferPointer { out in
                    wanted.forEach { bit in
                        guard bit < serviceCases.count else { return }
                        for c in serviceCases[bit] { out[Int(owner[Int(c)])] = true }
                    }
                }
            }
            vendorBestNeed = bestNeed
            vendorMeetsService = meets
        }
    }

    /// The indices of `scores` at or above `floor`, ascending (`capacity`: at most how many there can
    /// be, to reserve). Eight at a time: most cases share no word with the need, so most blocks are
    /// passed over with one vector compare.
    /// `offset` is added to every index (the ordinal of `scores[0]`).
    static func casesScoring(atLeast floor: Float, in all: UnsafeBufferPointer<Float>, offset: Int, capacity: Int = 0) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(min(capacity, all.count))
        guard let base = all.baseAddress else { return out }
        let n = all.count, threshold = SIMD8<Float>(repeating: floor)
        var c = 0
        while c + 8 <= n {
            let block = UnsafeRawPointer(base + c).loadUnaligned(as: SIMD8<Float>.self)
            if any(block .>= threshold) {
                for j in c..<(c + 8) where all[j] >= floor { out.append(Int32(offset + j)) }
            }
            c += 8
        }
        for j in c..<n where all[j] >= floor { out.append(Int32(offset + j)) }
        return out
    }

    /// Per case, the MiniLM cosine to the query rescaled from `need.semantic_floor … 1` to `0 … 1`
    /// (below the floor 0); -1 for a case without a vector.
    /// The dot products come from the same kernel as the approximate index's exact rescoring
    /// (`ExactDots`), so both give a case the same value to the bit.
    static func semanticSimilarities(query: [Float], index: RankingIndex) -> [Float] {
        let floor = Float(index.model.value(.needSemanticFloor))
        let dots = ExactDots.all(query, vectors: index.caseStudies.dense, dims: index.caseStudies.denseDimensions)
        var out = [Float](repeating: -1, count: index.caseStudies.count)
        for c in 0..<min(out.count, dots.count) where index.caseStudies.hasDense[c] { out[c] = rescaled(dots[c], floor: floor) }
        return out
    }

    /// A MiniLM cosine rescaled from `floor … 1` to `0 … 1` (below the floor 0).
    @inline(__always)
    static func rescaled(_ cosine: Float, floor: Float) -> Float { max(0, (cosine - floor) / (1 - floor)) }

    /// Hybrid need similarity: `(1 − s) · lexical + s · semantic` with `s` = `need.semantic_share`.
    /// Cases without a vector keep their lexical score.
    static func blend(into scores: inout [Float], semantic: [Float], model: RankingModel) {
        let share = Float(min(1, max(0, model.value(.needSemanticShare))))
        for c in scores.indices where semantic[c] >= 0 {
            scores[c] = (1 - share) * scores[c] + share * semantic[c]
        }
    }

    /// Per interned industry, its similarity level to the requested industry (see `industryLevels`).
    static func industryTable(index: RankingIndex, request: String) -> [UInt8] {
        let t = index.taxonomy
        // The request's path as (code, depth); codes the catalogue has never seen cannot match by id,
        // so compare by code string along the request path instead (few entries).
        let requestPath = t.industryPath(request)
        let requestDepth = t.industryDepth(request)
        let requestIDs: [(id: Int32, depth: Int)] = requestPath.compactMap { code in
            index.industryID[code].map { ($0, t.industryDepth(code)) }
        }
        let inside = UInt8(Similarity.industryByCommonDepth.count), deepest = Similarity.industryByCommonDepth.count - 1
        let slots = RankingIndex.pathSlots
        let count = index.industryCodes.count
        var out = [UInt8](repeating: 0, count: count)
        index.industryPathsFlat.withUnsafeBufferPointer { paths in
            for code in 0..<count {
                search: for slot in 0..<slots {
                    let id = paths[code * slots + slot]
                    if id < 0 { break }
                    for hit in requestIDs where hit.id == id {
                        // The whole request code lies on the case's path: the case is inside the requested industry.
                        out[code] = hit.depth == requestDepth ? inside : UInt8(min(hit.depth, deepest))
                        break search
                    }
                }
            }
        }
        return out
    }

    /// How well one case matches, split over the four dimensions (the parts add up to the match).
    ///
    /// Buyers trust a case study when it matches on all of industry, size, need and service, so the
    /// work (need, service) and its context (industry, size) multiply: a case of the right work for
    /// a client like the buyer counts fully, the right work elsewhere counts `workAlone`, and the
    /// buyer's industry with unrelated work counts nothing. The interaction is attributed half to
    /// each side, and within a side in proportion to each dimension's weighted similarity.
    @inline(__always)
    func parts(_ s: SIMD4<Double>) -> SIMD4<Double> {
        let ws = SIMD4<Double>(0, 0, a[2] * s[2], a[3] * s[3])
        let cs = SIMD4<Double>(a[0] * s[0], a[1] * s[1], 0, 0)
        let aw = a[2] + a[3], ac = a[0] + a[1]
        if ac == 0 { return aw > 0 ? ws / aw : .zero }
        if aw == 0 { return cs / ac }
        let work = ws.sum() / aw, context = cs.sum() / ac
        guard work > 0 else { return .zero }
        let interaction = (1 - workAlone) * work * context
        var p = ws / ws.sum() * (workAlone * work + 0.5 * interaction)
        if context > 0 { p += cs / cs.sum() * (0.5 * interaction) }
        return p
    }

    /// Whether `value(s)` never decreases when a similarity grows (no negative weight anywhere), so the
    /// value of the best possible similarities bounds every case's.
    var valueIsMonotone: Bool {
        (0..<4).allSatisfy { a[$0] >= 0 && w[$0] >= 0 } && alpha >= 0 && beta >= 0 && gamma >= 0
    }

    /// `Σ w_d · parts(s)_d` without building the parts: the sorting key of a case in the hot loop.
    @inline(__always)
    func value(_ s: SIMD4<Double>) -> Double {
        // The work vectors are 0 on the context lanes and the context vectors on the work lanes, so each
        // dot product is two terms (summed in lane order: the same bits as the four-lane sums).
        let work = valueW[2] * s[2] + valueW[3] * s[3], workShare = valueK[2] * s[2] + valueK[3] * s[3]
        let context = valueC[0] * s[0] + valueC[1] * s[1], weightedContext = valueCw[0] * s[0] + valueCw[1] * s[1]
        return alpha * work + beta * (work * context + workShare * weightedContext) + gamma * weightedContext
    }

    /// The most industry and size similarity any case of a vendor with these case contexts can have
    /// (0 for a dimension the request does not give): the same table values the cases are scored with.
    @inline(__always)
    func contextBound(_ contexts: CaseContext) -> (industry: Double, size: Double) {
        var industry = 0.0, size = 0.0
        if hasIndustry {
            var m = contexts.bits & CaseContext.industryMask
            while m != 0 {
                industry = max(industry, industryGroupBest[m.trailingZeroBitCount])
                m &= m - 1
            }
        }
        if hasSize {
            var m = contexts.bits >> UInt64(CaseContext.sizeShift)
            while m != 0 {
                size = max(size, Double(sizeSim[m.trailingZeroBitCount]))
                m &= m - 1
            }
        }
        return (industry, size)
    }

    /// Similarities of case `c` from its packed key (the scoring loop's form of `similarities(case:index:)`).
    @inline(__always)
    func similarities(_ key: CaseStudyStore.Key, case c: Int) -> SIMD4<Double> {
        var s = SIMD4<Double>.zero
        if hasIndustry { s[0] = industryLevels[Int(industryLevel[Int(key.industry)])] }
        if hasSize { s[1] = Double(sizeSim[key.size < 0 ? 6 : Int(key.size)]) }
        if hasNeed {
            let n = needSim[c]
            s[2] = n < needFloor ? 0 : Double(min(1, n))
        }
        if hasService { s[3] = Double(signatureSim[Int(key.signature)]) }
        return s
    }

    /// Similarities of one case: industry, size, need, service (0 where not given).
    @inline(__always)
    func similarities(case c: Int, index: RankingIndex) -> SIMD4<Double> {
        similarities(index.caseStudies.keys[c], case: c)
    }

    /// `Σ wᵢ·tableᵢ / Σ wᵢ` entry by entry, summed in the order `serviceSimilarity` sums, so the result is
    /// the same to the bit.
    static func weightedMean(_ tables: [[Float]], weights: [Float], count: Int) -> [Float] {
        var total = [Float](repeating: 0, count: count)
        var sum: Float = 0
        for (table, weight) in zip(tables, weights) {
            for i in 0..<count { total[i] += weight * table[i] }
            sum += weight
        }
        guard sum > 0 else { return [Float](repeating: 0, count: count) }
        for i in 0..<count { total[i] /= sum }
        return total
    }

    /// Weighted mean over requested (or inferred) codes of the best-matching offered code.
    func serviceSimilarity(_ offered: ServiceSet) -> Double {
        Double(MatchContext.serviceSimilarity(offered, tables: serviceSim, weights: serviceWeights))
    }

    static func serviceSimilarity(_ offered: ServiceSet, tables: [[Float]], weights serviceWeights: [Float]) -> Float {
        guard !offered.isEmpty else { return 0 }
        var total: Float = 0, weights: Float = 0
        for (table, weight) in zip(tables, serviceWeights) {
            var best: Float = 0
            offered.forEach { best = max(best, table[$0]) }
            total += weight * best
            weights += weight
        }
        return weights > 0 ? total / weights : 0
    }

    /// Reads the likely service types of a need from the case studies whose needs are most like it:
    /// each of the nearest live case studies votes for its labelled service types with its similarity.
    /// Keeps the codes with at least `infer.min_share` of the vote, at most three.
    ///
    /// `touched` may hold dead cases (replaced or deleted: their postings stay); they do not vote. Ties
    /// go by case id, not ordinal (a replaced case gets a new ordinal): a live index and one rebuilt from
    /// the database read the same services.
    static func inferServices(index: RankingIndex, needSim: [Float], touched: [Int32]) -> [(bit: Int, share: Double)] {
        let neighbours = max(1, Int(index.model.value(.inferNeighbours)))
        let minShare = index.model.value(.inferMinShare)
        // The `neighbours` most similar cases (ties: lower case id), kept in a small sorted buffer.
        var nearest: [Int32] = []
        nearest.reserveCapacity(neighbours + 1)
        func before(_ a: Int32, _ b: Int32) -> Bool {
            needSim[Int(a)] != needSim[Int(b)]
                ? needSim[Int(a)] > needSim[Int(b)] : index.caseStudies.records[Int(a)].id < index.caseStudies.records[Int(b)].id
        }
        for c in touched {
            // A case below the last kept one cannot enter (a tie may, by id): that float compare first,
            // before the liveness reads (most of a long need's matches fail it).
            if nearest.count == neighbours, needSim[Int(c)] < needSim[Int(nearest[neighbours - 1])] { continue }
            guard index.caseStudies.keys[Int(c)].alive, index.vendors.alive[Int(index.caseStudies.vendor[Int(c)])] else { continue }
            if nearest.count == neighbours, !before(c, nearest[neighbours - 1]) { continue }
            var i = nearest.count
            nearest.append(c)
            while i > 0, before(c, nearest[i - 1]) { nearest[i] = nearest[i - 1]; i -= 1 }
            nearest[i] = c
            if nearest.count > neighbours { nearest.removeLast() }
        }
        var votes = [Double](repeating: 0, count: index.services.codes.count)
        var total = 0.0
        for c in nearest {
            let sim = Double(needSim[Int(c)])
            index.caseStudies.services[Int(c)].forEach { votes[$0] += sim }
            total += sim
        }
        guard total > 0 else { return [] }
        let ranked = votes.indices.filter { votes[$0] > 0 }.sorted { votes[$0] != votes[$1] ? votes[$0] > votes[$1] : $0 < $1 }
        return ranked.prefix(3).map { ($0, votes[$0] / total) }.filter { $0.share >= minShare }
    }

    /// Similarities of what the vendor declares about itself: focus industries, service types and its
    /// description against the need (size does not apply: a vendor's own size says nothing of its clients).
    @inline(__always)
    func declaredSimilarities(vendor v: Int, key: VendorStore.Key, index: RankingIndex) -> SIMD4<Double> {
        var s = SIMD4<Double>.zero
        if hasIndustry {
            let start = Int(key.industryStart)
            for j in start..<(start + Int(key.industryCount)) {
                s[0] = max(s[0], industryLevels[Int(industryLevel[Int(index.vendors.declaredIndustryIDs[j])])])
            }
        }
        if hasNeed {
            let n = descriptionSim[v]
            s[2] = n < needFloor ? 0 : Double(min(1, n))
        }
        if hasService { s[3] = Double(signatureSim[Int(key.declaredSignature)]) }
        return s
    }
}

/// The lexical (TF-IDF cosine) need similarity of every case study to one request's need, and the cases
/// reaching the need floor: the first and largest of a request's tables, computed on its own so that a
/// request can compute it on both cores before the rest of its tables (`Ranker.init`).
struct NeedScores {
    /// The need's term vector (empty without need text or known terms).
    var vector = SparseVector()
    /// Per case ordinal; empty when `vector` is.
    var scores: [Float] = []
    /// The cases scoring at least the floor, ascending.
    var touched: [Int32] = []

    /// `splitAt`: catalogues with at least this many case studies are computed in two parts (tests lower it).
    init(index: __shared RankingIndex, need: String?, floor needFloor: Float, splitAt: Int = NeedScores.splitAt) {
        guard let need, !need.isEmpty else { return }
        vector = index.encodeNeed(need)
        guard !vector.isEmpty else { return }
        let postingLists = index.caseStudies.needPostings
        // Every term's posting count first: independent loads that overlap; their sum bounds the number
        // of matching cases.
        var postingCount = 0
        for id in vector.ids where Int(id) < postingLists.count { postingCount += postingLists[Int(id)].count }
        let floor = max(needFloor, .leastNonzeroMagnitude)
        let vector = vector
        // On a large catalogue the cases are split in two ordinal ranges, one per core: each part zeroes
        // its range, adds the postings that fall in it (one branch-free scatter) and lists its cases
        // reaching the floor (one sequential scan, cheaper than remembering first touches). A case's sum
        // is made in the same term order either way, so the scores are the sequential ones to the bit.
        var parts: [[Int32]] = []
        scores = [Float](unsafeUninitializedCapacity: index.caseStudies.count) { buffer, initialized in
            nonisolated(unsafe) let out = buffer
            parts = RowParts.map(rows: buffer.count, minimumRows: splitAt) { range in
                guard let base = out.baseAddress else { return [] }
                base.advanced(by: range.lowerBound).initialize(repeating: 0, count: range.count)
                for (id, qw) in zip(vector.ids, vector.weights) where Int(id) < postingLists.count {
                    postingLists[Int(id)].withUnsafeBufferPointer { postings in
                        var i = NeedScores.firstPosting(atLeast: range.lowerBound, in: postings)
                        while i < postings.count, Int(postings[i].ordinal) < range.upperBound {
                            out[Int(postings[i].ordinal)] += qw * postings[i].weight
                            i += 1
                        }
                    }
                }
                return MatchContext.casesScoring(atLeast: floor, in: UnsafeBufferPointer(rebasing: out[range]),
                                                 offset: range.lowerBound, capacity: postingCount)
            }
            initialized = buffer.count
        }
        touched = parts.count == 1 ? parts[0] : Array(parts.joined())
    }

    /// Catalogues with at least this many case studies have their need scores computed in two parts.
    static let splitAt = 100_000

    /// The index of the first posting whose ordinal is at least `ordinal` (postings are ascending by
    /// ordinal: a case study's postings are appended when it gets its ordinal, the highest yet).
    @inline(__always)
    static func firstPosting(atLeast ordinal: Int, in postings: UnsafeBufferPointer<NeedPosting>) -> Int {
        guard ordinal > 0 else { return 0 }
        var low = 0, high = postings.count
        while low < high {
            let mid = (low + high) / 2
            if Int(postings[mid].ordinal) < ordinal { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
