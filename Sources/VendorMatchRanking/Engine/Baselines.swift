import VendorMatchCore

/// Reference rankers to measure the full model against. All apply the same hard constraints.
public enum Baseline: String, Sendable, CaseIterable {
    /// Constrained vendors in a random order (seeded by the request id, so reproducible).
    case random
    /// Most case studies plus referrals first: what a directory sorted by "most reviewed" shows.
    case popularity
    /// Text only: the best TF-IDF similarity of the need to any of the vendor's case studies or description.
    case lexical
}

extension RankingEngine {
    /// Ranks with a baseline instead of the model: vendor ids and scores, best first.
    public func rank(_ request: BuyerRequest, baseline: Baseline) throws(VMError) -> [(vendorID: String, score: Double)] {
        let snapshot = snapshotForBaselines()
        let index = snapshot.index
        let ranker = Ranker(snapshot: snapshot, request: request)
        let pool = ranker.candidates()
        var scored: [(vendorID: String, score: Double)] = []
        scored.reserveCapacity(pool.count)
        for v in pool {
            let id = index.vendors.records[v].id
            let score: Double
            switch baseline {
            case .random:
                score = Double(Baseline.hash(request.id + "\u{1F}" + id) % 1_000_000) / 1_000_000
            case .popularity:
                let cases = index.vendors.cases[v].filter { index.caseStudies.keys[Int($0)].alive }.count
                let refs = index.referrals.byVendor[v].filter { index.referrals.alive[Int($0)] }.count
                score = Double(cases + refs)
            case .lexical:
                var best = 0.0
                if ranker.context.hasNeed {
                    for c in index.vendors.cases[v] where index.caseStudies.keys[Int(c)].alive {
                        best = max(best, Double(ranker.context.needSim[Int(c)]))
                    }
                    best = max(best, Double(ranker.context.needVector.dot(index.vendors.description[v])))
                }
                score = best
            }
            scored.append((id, score))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.vendorID < $1.vendorID }
        return Array(scored.prefix(request.k))
    }
}

extension Baseline {
    /// FNV-1a: a stable hash (Swift's `Hasher` is seeded per process).
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }
}
