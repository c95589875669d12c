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
    /// Per interned industry id; empty when the request names no industry.
    var industrySim: [Float] = []
    /// Per size band 0…5, then unknown at index 6; empty when the request names no size.
    var sizeSim: [Float] = []
    /// For each requested service code, the similarity of every service bit.
    var serviceSim: [[Float]] = []
    /// Service similarity of every interned service set (`RankingIndex.serviceSignatures`).
    var signatureSim: [Float] = []
    /// Need similarity per case ordinal; empty when the request has no usable need text.
    var needSim: [Float] = []
    var needVector = SparseVector()
    /// Inner weight per dimension (industry, size, need, service); 0 for dimensions not given.
    var a: SIMD4<Double> = .zero
    /// Outer model weight per dimension (industry, size, need, service).
    var w: SIMD4<Double> = .zero
    /// Share of a case's match earned by the work alone (need, service), whatever its context.
    var workAlone = 0.3

    var hasIndustry: Bool { !industrySim.isEmpty }
    var hasSize: Bool { !sizeSim.isEmpty }
    var hasNeed: Bool { !needSim.isEmpty }
    var hasService: Bool { !serviceSim.isEmpty }

    init(index: RankingIndex, industry: String?, size: SizeBand?, need: String?, serviceTypes: [String]) {
        let model = index.model
        var base = SIMD4<Double>(
            model.value(.caseIndustry), model.value(.caseSize), model.value(.caseNeed), model.value(.caseService))
        w = SIMD4<Double>(model.weight("industry"), model.weight("size"), model.weight("need"), model.weight("service"))
        workAlone = min(1, max(0, model.value(.caseWorkAlone)))

        if let industry {
            industrySim = MatchContext.industryTable(index: index, request: industry)
        } else { base[0] = 0 }

        if let size {
            sizeSim = (0..<6).map { Float(Similarity.sizeByDistance[abs($0 - size.rawValue)]) } + [Float(Similarity.unknownSize)]
        } else { base[1] = 0 }

        if let need, !need.isEmpty {
            needVector = index.encodeNeed(need)
        }
        if !needVector.isEmpty {
            var scores = [Float](repeating: 0, count: index.cases.count)
            for (id, qw) in zip(needVector.ids, needVector.weights) where Int(id) < index.needPostings.count {
                for p in index.needPostings[Int(id)] { scores[Int(p.caseOrdinal)] += qw * p.weight }
            }
            needSim = scores
        } else { base[2] = 0 }

        let requested = serviceTypes.compactMap { index.services.bit[$0] }
        if !requested.isEmpty {
            let codes = index.services
            serviceSim = requested.map { r in
                let ok = codes.acceptable(for: r)
                return codes.codes.indices.map { b -> Float in
                    if ok.contains(b) { return 1 }
                    return codes.categoryBit[b] == codes.categoryBit[r] ? Float(Similarity.serviceSibling) : 0
                }
            }
            signatureSim = index.serviceSignatures.map { Float(serviceSimilarity($0)) }
        } else { base[3] = 0 }

        let total = base.sum()
        a = total > 0 ? base / total : .zero
    }

    static func industryTable(index: RankingIndex, request: String) -> [Float] {
        let t = index.taxonomy
        // The request's path as (code, depth); codes the catalogue has never seen cannot match by id,
        // so compare by code string along the request path instead (few entries).
        let requestPath = t.industryPath(request)
        let requestDepth = t.industryDepth(request)
        let requestIDs: [(id: Int32, depth: Int)] = requestPath.compactMap { code in
            index.industryID[code].map { ($0, t.industryDepth(code)) }
        }
        let table = Similarity.industryByCommonDepth
        return index.industryPaths.map { path -> Float in
            for id in path {
                if let hit = requestIDs.first(where: { $0.id == id }) {
                    // The whole request code lies on the case's path: the case is inside the requested industry.
                    if hit.depth == requestDepth { return 1 }
                    return Float(table[min(hit.depth, table.count - 1)])
                }
            }
            return 0
        }
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

    /// Similarities of one case: industry, size, need, service (0 where not given).
    @inline(__always)
    func similarities(case c: Int, index: RankingIndex) -> SIMD4<Double> {
        var s = SIMD4<Double>.zero
        if hasIndustry { s[0] = Double(industrySim[Int(index.caseIndustry[c])]) }
        if hasSize {
            let band = Int(index.caseSize[c])
            s[1] = Double(sizeSim[band < 0 ? 6 : band])
        }
        if hasNeed { s[2] = Double(min(1, needSim[c])) }
        if hasService { s[3] = Double(signatureSim[Int(index.caseServiceSignature[c])]) }
        return s
    }

    /// Mean over requested codes of the best-matching offered code.
    @inline(__always)
    func serviceSimilarity(_ offered: ServiceSet) -> Double {
        guard !offered.isEmpty else { return 0 }
        var total: Float = 0
        for table in serviceSim {
            var best: Float = 0
            offered.forEach { best = max(best, table[$0]) }
            total += best
        }
        return Double(total) / Double(serviceSim.count)
    }

    /// Similarities of what the vendor declares about itself: focus industries, service types and its
    /// description against the need (size does not apply: a vendor's own size says nothing of its clients).
    func declaredSimilarities(vendor v: Int, index: RankingIndex) -> SIMD4<Double> {
        var s = SIMD4<Double>.zero
        if hasIndustry {
            for i in index.vendorDeclaredIndustries[v] { s[0] = max(s[0], Double(industrySim[Int(i)])) }
        }
        if !needVector.isEmpty { s[2] = Double(min(1, needVector.dot(index.vendorDescription[v]))) }
        if hasService { s[3] = serviceSimilarity(index.vendorDeclaredServices[v]) }
        return s
    }
}
