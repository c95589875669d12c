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
    /// Need similarity per case ordinal; empty when the request has no usable need text.
    var needSim: [Float] = []
    var needVector = SparseVector()
    /// Inner weight per dimension (industry, size, need, service); 0 for dimensions not given.
    var a: SIMD4<Double> = .zero
    /// Outer model weight per dimension (industry, size, need, service).
    var w: SIMD4<Double> = .zero

    var hasIndustry: Bool { !industrySim.isEmpty }
    var hasSize: Bool { !sizeSim.isEmpty }
    var hasNeed: Bool { !needSim.isEmpty }
    var hasService: Bool { !serviceSim.isEmpty }

    init(index: RankingIndex, industry: String?, size: SizeBand?, need: String?, serviceTypes: [String]) {
        let model = index.model
        var base = SIMD4<Double>(
            model.value(.caseIndustry), model.value(.caseSize), model.value(.caseNeed), model.value(.caseService))
        w = SIMD4<Double>(model.weight("industry"), model.weight("size"), model.weight("need"), model.weight("service"))

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
        } else { base[3] = 0 }

        let total = base.sum()
        a = total > 0 ? base / total : .zero
    }

    static func industryTable(index: RankingIndex, request: String) -> [Float] {
        let t = index.taxonomy
        let requestDepth = t.industryDepth(request)
        return index.industryCodes.map { code -> Float in
            if code == request { return 1 }
            let common = t.industryCommonDepth(request, code)
            if common == requestDepth { return 1 } // the case lies inside the requested industry
            return Float(Similarity.industryByCommonDepth[min(common, Similarity.industryByCommonDepth.count - 1)])
        }
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
        if hasService { s[3] = serviceSimilarity(index.caseServices[c]) }
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
