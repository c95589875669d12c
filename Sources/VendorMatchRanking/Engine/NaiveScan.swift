import VendorMatchCore

/// The reference implementation the benchmark compares against: the same scoring rules computed
/// the obvious way — every vendor, every case study, similarities from the taxonomy and string
/// comparisons each time, need similarity as a sparse dot product per case study — with no lookup
/// tables, posting lists or reused buffers. It must rank exactly like `RankingEngine.shortlist`.
public struct NaiveScan: Sendable {
    private let snapshot: IndexSnapshot
    private let index: RankingIndex
    /// Each case study's need vector, encoded once up front (outside any timing).
    private let caseVectors: [SparseVector]

    public init(engine: RankingEngine) {
        let snapshot = engine.snapshotForBaselines()
        self.snapshot = snapshot
        index = snapshot.index
        caseVectors = snapshot.index.caseStudies.records.map { c in c.need.map { snapshot.index.encodeNeed($0) } ?? SparseVector() }
    }

    /// Vendor ids and scores of the best `request.k` vendors, best first, ties by id.
    public func shortlist(_ request: BuyerRequest) -> [(vendorID: String, score: Double)] {
        let model = index.model
        let t = index.taxonomy
        let queryNeed = request.need.map { index.encodeNeed($0) } ?? SparseVector()
        let maxCases = max(1, min(32, Int(model.value(.evidenceMaxCases))))
        let decay = (0..<maxCases).map { pow(model.value(.evidenceDecay), Double($0)) }
        let normaliser = decay.reduce(0, +)

        func industrySim(_ code: String) -> Double {
            guard let r = request.industry else { return 0 }
            if code == r { return 1 }
            let common = t.industryCommonDepth(r, code)
            if common == t.industryDepth(r) { return 1 }
            return Double(Float(Similarity.industryByCommonDepth[min(common, Similarity.industryByCommonDepth.count - 1)]))
        }
        // Service rules (requested or inferred types, weights) come from the request's context.
        let ranker = Ranker(snapshot: snapshot, request: request)
        let context = ranker.context
        func serviceSim(_ offered: [String]) -> Double {
            guard context.hasService else { return 0 }
            return Double(Float(context.serviceSimilarity(index.services.set(offered))))
        }
        func similarities(_ c: Int) -> SIMD4<Double> {
            let cs = index.caseStudies.records[c]
            var s = SIMD4<Double>.zero
            if request.industry != nil { s[0] = industrySim(cs.clientIndustry) }
            if let size = request.size {
                s[1] = Double(Float(cs.clientSize.map { Similarity.sizeByDistance[abs($0.rawValue - size.rawValue)] } ?? Similarity.unknownSize))
            }
            if !queryNeed.isEmpty {
                let n = queryNeed.dot(caseVectors[c])
                s[2] = n < context.needFloor ? 0 : Double(min(1, n))
            }
            if context.hasService { s[3] = serviceSim(cs.serviceTypes) }
            return s
        }

        let allowed = Set(ranker.candidates())
        // One pass over every case study, then every vendor.
        var byVendor: [Int: [(Double, Int)]] = [:]
        for c in index.caseStudies.records.indices where index.caseStudies.keys[c].alive {
            let v = Int(index.caseStudies.vendor[c])
            guard allowed.contains(v) else { continue }
            let value = Double(index.caseStudies.keys[c].weight) * context.value(similarities(c))
            if value > 0 { byVendor[v, default: []].append((value, c)) }
        }
        var results: [(vendorID: String, score: Double)] = []
        for v in index.vendors.records.indices where allowed.contains(v) {
            var values = byVendor[v] ?? []
            values.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            var experience = SIMD4<Double>.zero
            for (i, entry) in values.prefix(maxCases).enumerated() {
                experience += decay[i] * Double(index.caseStudies.keys[entry.1].weight) * context.parts(similarities(entry.1))
            }
            let vendor = index.vendors.records[v]
            var declared = SIMD4<Double>.zero
            if request.industry != nil { for i in vendor.industries { declared[0] = max(declared[0], industrySim(i)) } }
            if !queryNeed.isEmpty {
                let n = queryNeed.dot(index.vendors.description[v])
                declared[2] = n < context.needFloor ? 0 : Double(min(1, n))
            }
            declared[3] = serviceSim(vendor.serviceTypes)
            experience += model.value(.declaredCredibility) * context.parts(declared)
            experience /= normaliser
            let f = SIMD8<Double>(experience[0], experience[1], experience[2], experience[3],
                                  TrustModel.trust(ranker.trustTallyFromReferrals(v), model: model), ranker.quality(v), 0, 0)
            let wv = model.weightVector
            let weights = SIMD8<Double>(wv[0], wv[1], wv[2], wv[3], wv[4], wv[5], 0, 0)
            results.append((vendor.id, (weights * f).sum()))
        }
        results.sort { $0.score != $1.score ? $0.score > $1.score : $0.vendorID < $1.vendorID }
        return Array(results.prefix(request.k))
    }
}

import Foundation
