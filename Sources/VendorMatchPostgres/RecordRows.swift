import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// Records waiting to be written, grouped by table and sent as multi-row upserts
/// (`INSERT … VALUES (…),(…) ON CONFLICT (id) DO UPDATE`): one round trip per `batch` records.
struct RecordRows {
    var vendors: [[String?]] = []
    var caseStudies: [[String?]] = []
    var referrals: [[String?]] = []
    /// Rows buffered before `flushIfFull` writes them.
    var batch = 1000

    var count: Int { vendors.count + caseStudies.count + referrals.count }

    mutating func add(_ record: ParsedRecord, json: String) {
        switch record {
        case let .vendor(v): vendors.append([v.id, v.name, json])
        case let .caseStudy(c): caseStudies.append([c.id, c.vendorID, c.clientIndustry, c.clientSize?.label, json])
        case let .referral(r): referrals.append([r.id, r.vendorID, r.referrerType.rawValue, r.buyerOrg, json])
        }
    }

    mutating func flushIfFull(_ s: BlockingPostgres.Session) throws {
        if count >= batch { try flush(s) }
    }

    /// Writes every buffered row: vendors first, so case studies and referrals find theirs.
    mutating func flush(_ s: BlockingPostgres.Session) throws {
        if !vendors.isEmpty {
            try s.insert(prefix: "INSERT INTO vendors (id, name, json)",
                         suffix: "ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json",
                         columns: 3, rows: vendors, batch: batch)
            vendors.removeAll(keepingCapacity: true)
        }
        if !caseStudies.isEmpty {
            try s.insert(prefix: "INSERT INTO case_studies (id, vendor_id, client_industry, client_size, json)",
                         suffix: """
                             ON CONFLICT (id) DO UPDATE SET vendor_id = excluded.vendor_id, client_industry = excluded.client_industry,
                                 client_size = excluded.client_size, json = excluded.json
                             """,
                         columns: 5, rows: caseStudies, batch: batch)
            caseStudies.removeAll(keepingCapacity: true)
        }
        if !referrals.isEmpty {
            try s.insert(prefix: "INSERT INTO referrals (id, vendor_id, referrer_type, buyer_org, json)",
                         suffix: """
                             ON CONFLICT (id) DO UPDATE SET vendor_id = excluded.vendor_id, referrer_type = excluded.referrer_type,
                                 buyer_org = excluded.buyer_org, json = excluded.json
                             """,
                         columns: 5, rows: referrals, batch: batch)
            referrals.removeAll(keepingCapacity: true)
        }
    }
}
