import GRDB
import VendorMatchCore

/// Prepared upsert statements for the three record kinds, used inside one write transaction.
///
/// Upserts use `ON CONFLICT DO UPDATE` (not `INSERT OR REPLACE`, which would delete the old row and
/// cascade to the vendor's case studies and referrals).
struct RecordWriter {
    private let vendor: Statement
    private let caseStudy: Statement
    private let referral: Statement

    init(_ db: Database) throws {
        vendor = try db.makeStatement(sql: """
            INSERT INTO vendors (id, name, json) VALUES (?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json
            """)
        caseStudy = try db.makeStatement(sql: """
            INSERT INTO case_studies (id, vendor_id, client_industry, client_size, json) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET vendor_id = excluded.vendor_id, client_industry = excluded.client_industry,
                client_size = excluded.client_size, json = excluded.json
            """)
        referral = try db.makeStatement(sql: """
            INSERT INTO referrals (id, vendor_id, referrer_type, buyer_org, json) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET vendor_id = excluded.vendor_id, referrer_type = excluded.referrer_type,
                buyer_org = excluded.buyer_org, json = excluded.json
            """)
    }

    func write(_ v: Vendor, json: String? = nil) throws {
        try vendor.execute(arguments: [v.id, v.name, json ?? RecordCodec.json(v).serialized()])
    }

    func write(_ c: CaseStudy, json: String? = nil) throws {
        try caseStudy.execute(arguments: [c.id, c.vendorID, c.clientIndustry, c.clientSize?.label, json ?? RecordCodec.json(c).serialized()])
    }

    func write(_ r: Referral, json: String? = nil) throws {
        try referral.execute(arguments: [r.id, r.vendorID, r.referrerType.rawValue, r.buyerOrg, json ?? RecordCodec.json(r).serialized()])
    }
}
