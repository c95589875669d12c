import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking

/// Ranks a request set with the engine (or a baseline) and labels requests for segments.
struct EvalRanking {
    let engine: RankingEngine
    let catalogue: Catalogue
    let taxonomy: Taxonomy
    /// Every request is ranked this deep (the largest cut-off), whatever its own `k`.
    let depth: Int

    /// A run from the engine's shortlists, in the engine's order.
    func run(_ requests: [BuyerRequest], model: RankingModel, tag: String) throws -> Run {
        engine.replaceModel(model)
        var rankings: [String: [(vendorID: String, score: Double)]] = [:]
        for var r in requests {
            r.k = depth
            let list = try engine.shortlist(r)
            rankings[r.id] = list.vendors.map { ($0.vendorID, $0.score) }
        }
        return Run.fromRankings(rankings, tag: tag)
    }

    /// A run of one of the engine's baselines (random, popularity, lexical; same hard constraints).
    func baseline(_ baseline: Baseline, _ requests: [BuyerRequest]) throws -> Run {
        var rankings: [String: [(vendorID: String, score: Double)]] = [:]
        for var r in requests {
            r.k = depth
            rankings[r.id] = try engine.rank(r, baseline: baseline)
        }
        return Run.fromRankings(rankings, tag: baseline.rawValue)
    }

    /// Segment labels of each request: industry sector, size band, service category, with/without service
    /// types, with/without buyer-specific referrals, and how many of its relevant vendors are cold-start
    /// (no case study).
    func labels(_ requests: [BuyerRequest], qrels: Qrels) -> [String: [(dimension: String, value: String)]] {
        let buyersWithReferrals = Set(catalogue.referrals.compactMap(\.buyerOrg))
        let vendorsWithCases = Set(catalogue.caseStudies.map(\.vendorID))
        var out: [String: [(dimension: String, value: String)]] = [:]
        for r in requests {
            var l: [(dimension: String, value: String)] = []
            l.append(("industry sector", r.industry.map { taxonomy.industrySector($0) } ?? "(none)"))
            l.append(("size band", r.size?.label ?? "(none)"))
            if r.serviceTypes.isEmpty {
                l.append(("service category", "(none)"))
            } else {
                for s in Set(r.serviceTypes.map { taxonomy.serviceCategory($0) }).sorted() { l.append(("service category", s)) }
            }
            l.append(("service types", r.serviceTypes.isEmpty ? "without" : "with"))
            let buyerSpecific = r.buyerOrg.map { buyersWithReferrals.contains($0) } ?? false
            l.append(("buyer-specific referrals", buyerSpecific ? "with" : "without"))
            let relevant = (qrels.grades[r.id] ?? [:]).filter { $0.value >= 1 }.map(\.key)
            let cold = relevant.filter { !vendorsWithCases.contains($0) }.count
            l.append(("cold-start relevant vendors", cold == 0 ? "none" : cold == relevant.count ? "all" : "some"))
            out[r.id] = l
        }
        return out
    }
}
