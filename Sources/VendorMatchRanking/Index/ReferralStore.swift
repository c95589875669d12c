import VendorMatchCore

/// The referrals of a `RankingIndex`, indexed by ordinal, with what trust reads of them kept up to date:
/// each referral's request-independent contribution, each vendor's live referrals and its open trust
/// tally, and for each buyer organisation its own referrals and the tallies of the vendors they concern.
///
/// A replaced or deleted referral keeps its slot, marked dead; a replacement gets a new ordinal. The
/// tallies do not depend on ordinals: `TrustModel.tally` groups by organisation and orders by id.
/// Per-vendor lists are indexed by vendor ordinal and grow with `VendorStore` (`appendVendor`).
struct ReferralStore: Sendable {
    private(set) var records: [Referral] = []
    private(set) var ordinal: [String: Int32] = [:]
    private(set) var alive: [Bool] = []
    /// Request-independent part of each referral's contribution (type weight · strength · age decay).
    private(set) var base: [Double] = []
    /// Each vendor's live referrals.
    private(set) var byVendor: [[Int32]] = []
    /// Trust from referrals that count for every buyer, per vendor.
    private(set) var openTrust: [TrustModel.Tally] = []
    /// Buyer-specific referrals by buyer organisation.
    private(set) var buyerReferrals: [String: [Int32]] = [:]
    /// For each buyer organisation, the vendors it has buyer-specific referrals for, with the vendor's
    /// whole trust tally as that buyer sees it (open and buyer-specific referrals saturated together).
    private(set) var buyerVendorTally: [String: [Int32: TrustModel.Tally]] = [:]
    private(set) var live = 0

    /// Makes room for a new vendor ordinal.
    mutating func appendVendor() {
        byVendor.append([])
        openTrust.append(TrustModel.Tally())
    }

    /// Appends referral `r` of vendor `v` in a new slot.
    mutating func append(_ r: Referral, vendor v: Int, model: RankingModel) {
        let o = Int32(records.count)
        ordinal[r.id] = o
        records.append(r)
        alive.append(true)
        base.append(TrustModel.base(of: r, model: model))
        byVendor[v].append(o)
        if let buyer = r.buyerOrg { buyerReferrals[buyer, default: []].append(o) }
        live += 1
    }

    /// Marks referral `r` of vendor `v` dead; the vendor's tallies are recomputed by the caller.
    mutating func kill(_ r: Int, vendor v: Int32) {
        alive[r] = false
        live -= 1
        if let buyer = records[r].buyerOrg {
            buyerReferrals[buyer]?.removeAll { $0 == Int32(r) }
            // Recomputed with the vendor's trust when the buyer has other referrals for it.
            buyerVendorTally[buyer]?[v] = nil
        }
        byVendor[Int(v)].removeAll { $0 == Int32(r) }
    }

    /// Forgets vendor `v`'s referrals (already dead) and its open tally.
    mutating func removeAll(of v: Int) {
        byVendor[v] = []
        openTrust[v] = TrustModel.Tally()
    }

    /// Recomputes vendor `v`'s open tally and the tallies of the buyers with referrals of their own for it.
    mutating func recomputeTallies(_ v: Int, model: RankingModel) {
        let current = byVendor[v].filter { alive[Int($0)] }.map { Int($0) }
        let open = current.filter { records[$0].counts(for: nil) }
        openTrust[v] = TrustModel.tally(open, in: self, model: model)
        var specific: [String: [Int]] = [:]
        for r in current { if let buyer = records[r].buyerOrg { specific[buyer, default: []].append(r) } }
        for (buyer, own) in specific {
            buyerVendorTally[buyer, default: [:]][Int32(v)] = TrustModel.tally(open + own, in: self, model: model)
        }
    }

    /// Recomputes every referral's base contribution under `model` (the tallies are the caller's).
    mutating func rebase(model: RankingModel) {
        for r in records.indices { base[r] = TrustModel.base(of: records[r], model: model) }
    }
}
