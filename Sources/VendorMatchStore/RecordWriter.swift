import GRDB
import GRDBSQLite
import VendorMatchCore

/// Prepared upsert statements for the three record kinds, used inside one write transaction.
///
/// Upserts use `ON CONFLICT DO UPDATE` (not `INSERT OR REPLACE`, which would delete the old row and
/// cascade to the vendor's case studies and referrals). Values are bound through the SQLite C API
/// directly: on the import path GRDB's generic argument boxing cost as much as SQLite itself.
struct RecordWriter {
    private let db: Database
    private let vendor: Statement
    private let caseStudy: Statement
    private let referral: Statement
    private var json = CanonicalJSON()

    init(_ db: Database) throws {
        self.db = db
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

    mutating func write(_ v: Vendor) throws {
        json.reset(RecordCodec.json(v))
        try write(.vendor(v), json: json.bytes)
    }

    mutating func write(_ c: CaseStudy) throws {
        json.reset(RecordCodec.json(c))
        try write(.caseStudy(c), json: json.bytes)
    }

    mutating func write(_ r: Referral) throws {
        json.reset(RecordCodec.json(r))
        try write(.referral(r), json: json.bytes)
    }

    /// Stores a record whose canonical JSON (UTF-8) is already made.
    func write(_ record: ParsedRecord, json: [UInt8]) throws {
        switch record {
        case let .vendor(v): try run(vendor, [v.id, v.name], json: json)
        case let .caseStudy(c): try run(caseStudy, [c.id, c.vendorID, c.clientIndustry, c.clientSize?.label], json: json)
        case let .referral(r): try run(referral, [r.id, r.vendorID, r.referrerType.rawValue, r.buyerOrg], json: json)
        }
    }

    /// Binds `values` to the first parameters and `json` to the last, then steps once.
    private func run(_ statement: Statement, _ values: [String?], json: [UInt8]) throws {
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt) }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            guard var text = value else {
                sqlite3_bind_null(stmt, index)
                continue
            }
            text.withUTF8 { _ = sqlite3_bind_text(stmt, index, $0.baseAddress, Int32($0.count), transient) }
        }
        json.withUnsafeBufferPointer {
            _ = sqlite3_bind_text(stmt, Int32(values.count + 1), $0.baseAddress, Int32($0.count), transient)
        }
        let code = sqlite3_step(stmt)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql
            )
        }
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound bytes (a C macro Swift cannot import).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
