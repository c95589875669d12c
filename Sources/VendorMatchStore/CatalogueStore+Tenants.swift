import GRDB
import VendorMatchCore

/// What one buyer organisation may see of other buyers' private records: nothing, not even how many.
extension CatalogueStore {
    /// Referrals and outcomes visible to `buyer`: those without a buyer organisation plus its own.
    public func privateRecordCounts(visibleTo buyer: String) throws(VMError) -> (referrals: Int, outcomes: Int) {
        try read("counting records of \(buyer)") { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE buyer_org IS NULL OR buyer_org = ?", arguments: [buyer]) ?? 0
            }
            return (try count("referrals"), try count("outcomes"))
        }
    }

    /// The stored `buyer_org` of each referral id that exists (nil value: a referral for every buyer).
    public func referralBuyers(ids: [String]) throws(VMError) -> [String: String?] {
        try read("reading referral owners") { db in
            let stmt = try db.makeStatement(sql: "SELECT buyer_org FROM referrals WHERE id = ?")
            var owners: [String: String?] = [:]
            for id in Set(ids) {
                if let row = try Row.fetchOne(stmt, arguments: [id]) { owners[id] = .some(row[0]) }
            }
            return owners
        }
    }
}
