import Foundation
import VendorMatchCore

/// How a simulated buyer chooses among vendors (documented in Docs/demo-market.md).
///
/// Only vendors meeting the request's hard constraints are considered. Each has a utility
///
///     U = experience + trust + 0.4·quality + 0.15·responsiveness + 0.25·[serves the buyer's home market] + 0.35·Gumbel
///
/// with experience = 2·S + S·(1.5·I + 0.6·Z) + 0.25·I, computed on the vendor's TRUE competences:
/// S the best match of a competence to the true need (same subcategory 1, same category 0.35, × strength),
/// I the industry closeness of its best focus industry (same 4-digit 1, subsector 0.7, sector 0.35, × strength),
/// Z size closeness (1 inside the true client range, −0.4 per band outside).
/// Trust comes from the referrals as buyers hear them: grouped by referrer organisation, weighted by
/// the CONTRACT's referrer-type weights, decayed with a 5-year half-life, saturating.
/// The buyer picks the top utility (grade 2) and shortlists the next 3–5 (grade 1).
struct BuyerChoice: Sendable {
    // Utility weights.
    static let serviceWeight = 2.0
    static let industryInteraction = 1.5
    static let sizeInteraction = 0.6
    static let industryAlone = 0.25
    static let qualityWeight = 0.4
    static let responsivenessWeight = 0.15
    static let homeMarketBonus = 0.25
    static let noiseScale = 0.35
    // Match levels.
    static let sameCategoryMatch = 0.35
    static let subsectorCloseness = 0.7
    static let sectorCloseness = 0.35
    static let sizePenaltyPerBand = 0.4
    // Trust.
    static let trustPositiveCap = 1.2
    static let trustPositiveScale = 0.35
    static let trustNegativeCap = 1.5
    static let trustNegativeScale = 0.25
    static let referralHalfLifeYears = 5.0
    static let referralReferenceYear = 2026.0

    let shape: MarketShape

    // MARK: Hard constraints (CONTRACT §2), on the catalogue's observable facts

    struct Constraints {
        /// Requested service type: a subcategory index, or a category index.
        var subcategory: Int?
        var category: Int?
        var regions: UInt32 = 0
        var languages: UInt32 = 0
        var certifications: UInt16 = 0
        /// A required certification no vendor of the demo market can hold.
        var impossible = false
        var budget: Double?
    }

    func constraints(of request: BuyerRequest) -> Constraints {
        var c = Constraints()
        if let s = request.serviceTypes.first {
            if let i = shape.subcategoryIndex[s] { c.subcategory = i } else { c.category = shape.categoryIndex[s] }
        }
        for r in request.regions { if let i = Markets.countryIndex[r] { c.regions |= 1 << UInt32(i) } }
        for l in request.languages { if let i = Markets.languageIndex[l] { c.languages |= 1 << UInt32(i) } }
        for raw in request.requiredCertifications {
            let n = Vocabulary.normalizeCertification(raw)
            if let i = Markets.certificationIndex[n] { c.certifications |= 1 << UInt16(i) } else { c.impossible = true }
        }
        c.budget = request.budgetUSD
        return c
    }

    static func satisfies(_ v: VendorFacts, _ c: Constraints, shape: MarketShape) -> Bool {
        if c.impossible { return false }
        if let s = c.subcategory {
            let cat = shape.categoryOfSubcategory[s]
            guard v.offeredSubcategories & (1 << UInt64(s)) != 0 || v.wholeCategories & (1 << UInt16(cat)) != 0 else { return false }
        }
        if let cat = c.category, v.touchedCategories & (1 << UInt16(cat)) == 0 { return false }
        if c.regions != 0, v.regionMask != 0, c.regions & v.regionMask == 0 { return false }
        if c.languages != 0, v.languageMask != 0, c.languages & v.languageMask == 0 { return false }
        if c.certifications & v.certificationMask != c.certifications { return false }
        if let budget = c.budget, !v.minProjectUSD.isNaN, budget < v.minProjectUSD { return false }
        return true
    }

    // MARK: Utility

    /// Deterministic part of the utility of vendor `v` for a buyer with true need `need`.
    static func utility(_ v: VendorTruth, buyer: Buyer, buyerIndex: Int32, need: Int, shape: MarketShape,
                        taste: BuyerTaste = .standard) -> Double {
        let needCategory = shape.categoryOfSubcategory[need]
        var s = 0.0
        for c in v.competences {
            let m = c.subcategory == need ? 1.0 : (shape.categoryOfSubcategory[c.subcategory] == needCategory ? sameCategoryMatch : 0)
            s = max(s, m * c.strength)
        }
        var i = 0.0
        let b = buyer.industry
        for f in v.industries {
            let x = f.industry
            let m = x.code4 == b.code4 ? 1.0 : (x.subsector == b.subsector ? subsectorCloseness : (x.sector == b.sector ? sectorCloseness : 0))
            i = max(i, m * f.strength)
        }
        let z: Double
        if buyer.size < v.sizeLow { z = max(0, 1 - sizePenaltyPerBand * Double(v.sizeLow - buyer.size)) }
        else if buyer.size > v.sizeHigh { z = max(0, 1 - sizePenaltyPerBand * Double(buyer.size - v.sizeHigh)) }
        else { z = 1 }
        let experience = taste.work * serviceWeight * s + s * (taste.industry * industryInteraction * i + taste.size * sizeInteraction * z)
            + taste.industry * industryAlone * i
        let home = v.serves & (1 << UInt32(buyer.home)) != 0 ? homeMarketBonus : 0
        let q = min(2.5, max(-2.5, v.quality))
        return experience + taste.trust * trust(v, buyer: buyerIndex) + taste.quality * (qualityWeight * q + responsivenessWeight * v.responsiveness)
            + home
    }

    /// Saturating trust from grouped referral values: diminishing returns on praise, sharper on warnings.
    static func trust(_ v: VendorTruth, buyer: Int32) -> Double {
        var pos = v.trustPositive, neg = v.trustNegative
        for g in v.buyerTrust where g.buyer == buyer {
            if g.value >= 0 { pos += g.value } else { neg -= g.value }
        }
        return trustPositiveCap * (1 - exp(-pos / trustPositiveScale)) - trustNegativeCap * (1 - exp(-neg / trustNegativeScale))
    }

    /// Value of one referrer organisation's referrals: type weight × mean decayed strength, with a small
    /// bonus for repeated referrals (at most +50%): buyers hear one voice, however many times it speaks.
    static func groupValue(type: ReferrerType, strengths: [Double], years: [Double]) -> Double {
        var sum = 0.0
        for (s, y) in zip(strengths, years) { sum += s * pow(0.5, max(0, referralReferenceYear - y) / referralHalfLifeYears) }
        let mean = sum / Double(strengths.count)
        return type.defaultWeight * mean * min(1.5, 1 + 0.1 * Double(strengths.count - 1))
    }
}
