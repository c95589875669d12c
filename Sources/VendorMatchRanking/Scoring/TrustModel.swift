import Foundation
import VendorMatchCore

/// Referral trust: who recommends a vendor (the survey's referrer-type weights), how strongly, how
/// recently; saturating per referrer organisation and per vendor, so that many weak referrals from
/// one source do not buy rank; warnings (negative strength) pull trust down.
enum TrustModel {
    /// Signed, saturated referral mass of one vendor for one buyer, with a per-type breakdown.
    struct Tally: Sendable, Equatable {
        var positive = 0.0
        var negative = 0.0
        /// Per `ReferrerType.allCases` index: how many referrals and their signed (pre-saturation) mass.
        var count = SIMD8<Int32>()
        var mass = SIMD8<Double>()
    }

    static let typeIndex: [ReferrerType: Int] = Dictionary(uniqueKeysWithValues: ReferrerType.allCases.enumerated().map { ($1, $0) })

    /// Type weight · strength · age decay: the part that does not depend on the request.
    static func base(of r: Referral, model: RankingModel) -> Double {
        let decay: Double
        if let date = r.date, let year = Double(date.prefix(4)), let month = Double(date.dropFirst(5).prefix(2)) {
            let age = max(0, model.value(.referenceYear) + 0.5 - (year + (month - 0.5) / 12))
            let halfLife = model.value(.referralHalfLife)
            decay = halfLife > 0 ? exp2(-age / halfLife) : 1
        } else {
            decay = model.value(.referralUndated)
        }
        return model.referrerWeight(r.referrerType) * r.strength * decay
    }

    /// Saturates referrals (ordinals into `referrals`) per referrer organisation: the strongest counts
    /// fully, each further one from the same organisation `trust.org_decay` times the one before.
    static func tally(_ ordinals: [Int], in referrals: ReferralStore, model: RankingModel) -> Tally {
        var t = Tally()
        guard !ordinals.isEmpty else { return t }
        let decay = model.value(.referralOrgDecay)
        var groups: [String: [Int]] = [:]
        for r in ordinals {
            let ref = referrals.records[r]
            groups[ref.referrerOrg ?? "#" + ref.id, default: []].append(r)
        }
        // The closure captures the two arrays it reads, not the store (capturing the store copied it,
        // a retain of each of its arrays, for every group of every vendor when a model is loaded).
        let base = referrals.base, records = referrals.records
        for key in groups.keys.sorted() {
            let members = groups[key]!.sorted {
                let a = abs(base[$0]), b = abs(base[$1])
                return a != b ? a > b : records[$0].id < records[$1].id
            }
            var factor = 1.0
            for r in members {
                let m = base[r] * factor
                factor *= decay
                let ti = typeIndex[records[r].referrerType]!
                t.count[ti] += 1
                t.mass[ti] += m
                if m >= 0 { t.positive += m } else { t.negative -= m }
            }
        }
        return t
    }

    /// Trust in −1…1: saturating recommendations minus saturating warnings.
    static func trust(_ t: Tally, model: RankingModel) -> Double {
        trust(positive: t.positive, negative: t.negative, scale: max(1e-9, model.value(.trustScale)),
              negativeScale: model.value(.trustNegative))
    }

    @inline(__always)
    static func trust(positive: Double, negative: Double, scale: Double, negativeScale: Double) -> Double {
        if positive == 0, negative == 0 { return 0 }
        return (1 - exp(-positive / scale)) - (1 - exp(-negative * negativeScale / scale))
    }

    /// Splits `trust(t)` over the referrer types in proportion to their mass (exactly summing to it).
    static func shares(_ t: Tally, model: RankingModel) -> [Double] {
        let scale = max(1e-9, model.value(.trustScale))
        let pos = 1 - exp(-t.positive / scale)
        let neg = 1 - exp(-t.negative * model.value(.trustNegative) / scale)
        var out = [Double](repeating: 0, count: ReferrerType.allCases.count)
        // Per type, positive and negative parts are not separated in `mass`; a type's net mass is
        // attributed to the side of its sign.
        var posMass = 0.0, negMass = 0.0
        for i in out.indices { if t.mass[i] >= 0 { posMass += t.mass[i] } else { negMass -= t.mass[i] } }
        for i in out.indices {
            if t.mass[i] > 0, posMass > 0 { out[i] = pos * t.mass[i] / posMass }
            if t.mass[i] < 0, negMass > 0 { out[i] = -neg * (-t.mass[i]) / negMass }
        }
        // Types whose signed masses cancel within themselves leave a remainder; give it to the largest.
        let residual = (pos - neg) - out.reduce(0, +)
        if abs(residual) > 0, let i = out.indices.max(by: { abs(out[$0]) < abs(out[$1]) }) { out[i] += residual }
        return out
    }
}

/// Quality from client evaluations, shrunk toward the catalogue mean by the number of evaluations.
enum QualityModel {
    /// One evaluation in 0…1: the five dimensions ((x−1)/4) and `would_recommend` (/10) blended.
    static func score(_ e: Evaluation, model: RankingModel) -> Double? {
        score(e, recommendShare: model.value(.qualityRecommendShare))
    }

    static func score(_ e: Evaluation, recommendShare share: Double) -> Double? {
        var sum = 0.0, n = 0.0
        for d in EvaluationDimension.allCases { if let x = e[d] { sum += (x - 1) / 4; n += 1 } }
        let dims = n > 0 ? sum / n : nil
        let rec = e.wouldRecommend.map { $0 / 10 }
        switch (dims, rec) {
        case let (d?, r?):
            return (1 - share) * d + share * r
        case let (d?, nil): return d
        case let (nil, r?): return r
        default: return nil
        }
    }

    /// Bayesian average: `(sum + m·mean) / (count + m)`.
    static func shrunk(sum: Double, count: Int, mean: Double, priorCount: Double) -> Double {
        (sum + priorCount * mean) / (Double(count) + priorCount)
    }
}
