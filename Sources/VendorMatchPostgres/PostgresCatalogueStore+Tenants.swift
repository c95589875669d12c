import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// What one buyer organisation may see of other buyers' private records, as in the SQLite store.
extension PostgresCatalogueStore {
    public func privateRecordCounts(visibleTo buyer: String) throws(VMError) -> (referrals: Int, outcomes: Int) {
        try reader.withSession("counting records of \(buyer)") { s in
            let (r, o) = try s.query("""
                SELECT (SELECT count(*) FROM referrals WHERE buyer_org IS NULL OR buyer_org = \(buyer)),
                       (SELECT count(*) FROM outcomes WHERE buyer_org IS NULL OR buyer_org = \(buyer))
                """)[0].decode((Int64, Int64).self)
            return (Int(r), Int(o))
        }
    }

    public func referralBuyers(ids: [String]) throws(VMError) -> [String: String?] {
        let unique = Array(Set(ids))
        return try reader.withSession("reading referral owners") { s in
            var owners: [String: String?] = [:]
            for row in try s.query("SELECT id, buyer_org FROM referrals WHERE id = ANY(\(unique))") {
                let (id, buyer) = try row.decode((String, String?).self)
                owners[id] = .some(buyer)
            }
            return owners
        }
    }
}
