import VendorMatchCore
import VendorMatchWire

/// Who sent a request, as far as authorization goes: the tenant (buyer organisation) its key acts
/// for and the scopes the key grants (CONTRACT §6).
struct Caller: Sendable {
    /// The key's id; nil for the `--auth-token` token and for a server without keys.
    var keyID: String?
    /// The buyer organisation the key acts for; nil means any buyer (admin token, or no keys at all).
    var tenant: String?
    var scopes: KeyScopes

    /// Every scope, any buyer: the `--auth-token` token (one admin key with no tenant), and everyone on
    /// a server with neither keys nor a token.
    static let unrestricted = Caller(keyID: nil, tenant: nil, scopes: .all)

    init(keyID: String?, tenant: String?, scopes: KeyScopes) {
        self.keyID = keyID
        self.tenant = tenant
        self.scopes = scopes
    }

    init(_ key: APIKey) {
        self.init(keyID: key.id, tenant: key.tenant, scopes: key.scopes)
    }

    private var name: String { keyID.map { "key \($0)" } ?? "this token" }

    /// The scope a method needs before its payload is looked at; RecordReferrals and RecordOutcomes are
    /// then checked record by record (`referrals(_:)`, `outcomes(_:)`).
    static func scope(for method: VendorMatchMethod) -> KeyScopes {
        switch method {
        case .health: return []
        case .shortlist, .findCaseStudies, .getVendor, .stats: return .read
        case .recordReferrals, .recordOutcomes: return .write
        case .upsertVendors, .upsertCaseStudies, .deleteVendor: return .admin
        }
    }

    func authorize(_ method: VendorMatchMethod) throws(VMError) {
        let needed = Self.scope(for: method)
        guard scopes.grants(needed) else {
            throw VMError(.permissionDenied, "\(name) (scopes \(scopes)) may not call \(method.name): it needs the \(needed) scope")
        }
    }

    /// The buyer a Shortlist runs for: the key's tenant when the request names none or the same one;
    /// another organisation is refused. A caller without a tenant runs for whichever buyer it names.
    func buyer(requested: String?, field: String = "buyer_org") throws(VMError) -> String? {
        let requested = requested.flatMap { $0.isEmpty ? nil : $0 }
        guard let tenant else { return requested }
        if let requested, requested != tenant {
            throw VMError(.permissionDenied, "\(name) acts for buyer \"\(tenant)\", not \"\(requested)\"", field: field)
        }
        return tenant
    }

    /// Whether the caller may write records that belong to `buyer` (nil: records for every buyer,
    /// which are catalogue-wide and need admin).
    func mayWrite(forBuyer buyer: String?) -> Bool {
        if scopes.contains(.admin) { return true }
        guard scopes.contains(.write), let buyer, let tenant else { return false }
        return buyer == tenant
    }

    /// Refuses referrals the caller may not record: a write key records buyer-specific referrals for
    /// its own tenant only; referrals without `buyer_org`, and replacing a referral that belongs to
    /// someone else (`existing` maps stored ids to their buyer), need admin.
    func checkReferrals(_ referrals: [Referral], existing: [String: String?]) throws(VMError) {
        for (i, r) in referrals.enumerated() {
            guard mayWrite(forBuyer: r.buyerOrg) else {
                let why = r.buyerOrg == nil
                    ? "a referral without buyer_org counts for every buyer: recording it needs the admin scope"
                    : "\(name) records referrals for buyer \"\(tenant ?? "")\" only"
                throw VMError(.permissionDenied, why, field: "referrals[\(i)].buyer_org")
            }
            if let stored = existing[r.id], !mayWrite(forBuyer: stored) {
                throw VMError(.permissionDenied, "referral \"\(r.id)\" exists and belongs to another owner: replacing it needs the admin scope", field: "referrals[\(i)].id")
            }
        }
    }

    /// Outcomes as recorded for the caller: a write key's go to its own tenant (an empty `buyer_org`
    /// means the tenant; another organisation is refused).
    func outcomeBuyers(_ buyers: [String?]) throws(VMError) -> [String?] {
        try buyers.enumerated().map { (i, b) throws(VMError) in
            let b = b.flatMap { $0.isEmpty ? nil : $0 }
            if scopes.contains(.admin) { return b ?? tenant }
            return try buyer(requested: b, field: "outcomes[\(i)].buyer_org")
        }
    }
}
