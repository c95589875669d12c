import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// The catalogue in PostgreSQL (CONTRACT §8, `--store postgres://USER@HOST:PORT/DB`).
///
/// The same `CatalogueStoring` contract as the SQLite `CatalogueStore`: every write is one transaction
/// that also advances the catalogue version and appends its changes to the change log, then notifies
/// `vendormatch_catalogue` (delivered at commit) so rankers following the feed wake at once. Calls block
/// the calling thread; run them on worker threads, never on an event loop.
public final class PostgresCatalogueStore: CatalogueStoring, @unchecked Sendable {
    /// The channel every write notifies with its version.
    public static let notificationChannel = "vendormatch_catalogue"

    /// The database, without password.
    public let url: PostgresStoreURL
    let db: BlockingPostgres
    /// A second connection for readers, so a long snapshot does not hold up writes.
    let reader: BlockingPostgres
    /// A third connection, opened on first use, for the shortlist log's appends and retention.
    let logWriter: BlockingPostgres

    public var location: String { url.description }

    /// Connects (waiting at most `connectTimeout`), applies any migrations not yet applied and refuses
    /// a database at a newer schema version. An unreachable server, a wrong user or database name is
    /// `invalidInput` naming the URL.
    public init(url: PostgresStoreURL, connectTimeout: Duration = .seconds(5), logger: Logger = Logger(label: "vendormatch.postgres")) throws(VMError) {
        self.url = url
        let timeout = TimeAmount.nanoseconds(connectTimeout.wholeNanoseconds)
        let group = MultiThreadedEventLoopGroup.singleton
        db = BlockingPostgres(url: url, group: group, connectTimeout: timeout, logger: logger)
        reader = BlockingPostgres(url: url, group: group, connectTimeout: timeout, logger: logger)
        logWriter = BlockingPostgres(url: url, group: group, connectTimeout: timeout, logger: logger)
        try db.connectNow()
        try PostgresSchema.migrate(db)
    }

    /// Parses `text` and opens the store.
    public convenience init(parsing text: String, connectTimeout: Duration = .seconds(5)) throws(VMError) {
        try self.init(url: try PostgresStoreURL(parsing: text), connectTimeout: connectTimeout)
    }

    // MARK: Reading

    public func counts() throws(VMError) -> CatalogueStore.Counts {
        try reader.withSession("counting records in \(url)") { s in
            let row = try s.query("""
                SELECT (SELECT count(*) FROM vendors), (SELECT count(*) FROM case_studies),
                       (SELECT count(*) FROM referrals), (SELECT count(*) FROM outcomes)
                """)
            let (v, c, r, o) = try row[0].decode((Int64, Int64, Int64, Int64).self)
            return CatalogueStore.Counts(vendors: Int(v), caseStudies: Int(c), referrals: Int(r), outcomes: Int(o))
        }
    }

    public func loadCatalogue() throws(VMError) -> Catalogue {
        try loadSnapshot().catalogue
    }

    /// Every record and the version they are at, read in one `REPEATABLE READ` transaction. Each table is
    /// one query whose rows are decoded as they arrive (`forEachText`), not collected first.
    public func loadSnapshot() throws(VMError) -> CatalogueSnapshot {
        try reader.transaction("loading the catalogue from \(url)", isolation: "ISOLATION LEVEL REPEATABLE READ READ ONLY") { s in
            let version = try s.query("SELECT version FROM catalogue_version WHERE id = 1")[0].decode(Int64.self)
            func rows(_ table: String, _ body: (String) throws -> Void) throws {
                try s.forEachText(PostgresQuery(unsafeSQL: "SELECT json FROM \(table) ORDER BY id COLLATE \"C\""), body)
            }
            var catalogue = Catalogue()
            try rows("vendors") { catalogue.vendors.append(try StoredRecordDecoder.vendor($0)) }
            try rows("case_studies") { catalogue.caseStudies.append(try StoredRecordDecoder.caseStudy($0)) }
            try rows("referrals") { catalogue.referrals.append(try StoredRecordDecoder.referral($0)) }
            return CatalogueSnapshot(catalogue: catalogue, version: UInt64(version))
        }
    }

    public func vendor(id: String) throws(VMError) -> Vendor? {
        let text = try reader.withSession("reading vendor \(id)") { s in
            try s.query("SELECT json FROM vendors WHERE id = \(id)").first.map { try $0.decode(String.self) }
        }
        return try text.map { (t) throws(VMError) in try StoredRecordDecoder.vendor(t) }
    }

    public func caseStudies(vendorID: String) throws(VMError) -> [CaseStudy] {
        let texts = try reader.withSession("reading case studies of \(vendorID)") { s in
            try s.query("SELECT json FROM case_studies WHERE vendor_id = \(vendorID) ORDER BY id COLLATE \"C\"").map { try $0.decode(String.self) }
        }
        return try texts.map { (t) throws(VMError) in try StoredRecordDecoder.caseStudy(t) }
    }

    public func referrals(vendorID: String) throws(VMError) -> [Referral] {
        let texts = try reader.withSession("reading referrals of \(vendorID)") { s in
            try s.query("SELECT json FROM referrals WHERE vendor_id = \(vendorID) ORDER BY id COLLATE \"C\"").map { try $0.decode(String.self) }
        }
        return try texts.map { (t) throws(VMError) in try StoredRecordDecoder.referral(t) }
    }

    // MARK: Writing

    @discardableResult
    public func upsert(_ catalogue: Catalogue) throws(VMError) -> UInt64 {
        let changes = ChangeRow.rows(for: catalogue)
        return try db.transaction("storing records in \(url)") { s in
            let references = Set(catalogue.caseStudies.map(\.vendorID) + catalogue.referrals.map(\.vendorID))
                .subtracting(catalogue.vendors.map(\.id))
            if !references.isEmpty {
                let wanted = references.sorted()
                let found = Set(try s.query("SELECT id FROM vendors WHERE id = ANY(\(wanted))").map { try $0.decode(String.self) })
                let missing = wanted.filter { !found.contains($0) }
                if let first = missing.first {
                    throw VMError(
                        .invalidInput,
                        "unknown vendor \"\(first)\"" + (missing.count > 1 ? " (and \(missing.count - 1) more)" : "")
                            + ": a case study or referral must name a stored vendor",
                        field: "vendor_id")
                }
            }
            var sink = RecordRows()
            for (i, v) in catalogue.vendors.enumerated() { sink.add(.vendor(v), json: changes[i].json!) }
            let offset = catalogue.vendors.count
            for (i, c) in catalogue.caseStudies.enumerated() { sink.add(.caseStudy(c), json: changes[offset + i].json!) }
            let offset2 = offset + catalogue.caseStudies.count
            for (i, r) in catalogue.referrals.enumerated() { sink.add(.referral(r), json: changes[offset2 + i].json!) }
            try sink.flush(s)
            return try ChangeLog.append(s, changes)
        }
    }

    public func deleteVendor(returningVersion id: String) throws(VMError) -> (deleted: Bool, version: UInt64) {
        try db.transaction("deleting vendor \(id)") { s in
            let deleted = try s.query("DELETE FROM vendors WHERE id = \(id) RETURNING id")
            guard !deleted.isEmpty else { return (false, try ChangeLog.version(s)) }
            return (true, try ChangeLog.append(s, [(ChangeRow.vendor, ChangeRow.delete, id, nil)]))
        }
    }

    /// Deletes a vendor with its case studies and referrals; `false` when there was no such vendor.
    @discardableResult
    public func deleteVendor(id: String) throws(VMError) -> Bool {
        try deleteVendor(returningVersion: id).deleted
    }

    public func record(outcomes: [Outcome]) throws(VMError) {
        for o in outcomes where o.grade < 0 {
            throw VMError(.invalidInput, "outcome grade must be ≥ 0, got \(o.grade)", field: "grade")
        }
        try db.transaction("storing outcomes in \(url)") { s in
            for o in outcomes {
                try s.execute("""
                    INSERT INTO outcomes (request_id, buyer_org, vendor_id, grade, recorded_at)
                    VALUES (\(o.requestID), \(o.buyerOrg), \(o.vendorID), \(Int32(clamping: o.grade)), \(o.recordedAt.timeIntervalSince1970))
                    ON CONFLICT (request_id, vendor_id) DO UPDATE SET
                        buyer_org = excluded.buyer_org, grade = excluded.grade, recorded_at = excluded.recorded_at
                    """)
            }
        }
    }

    public func outcomes() throws(VMError) -> [Outcome] {
        try reader.withSession("reading outcomes from \(url)") { s in
            try s.query("SELECT request_id, buyer_org, vendor_id, grade, recorded_at FROM outcomes ORDER BY request_id, vendor_id").map { row in
                let (request, buyer, vendor, grade, at) = try row.decode((String, String?, String, Int32, Double).self)
                return Outcome(requestID: request, buyerOrg: buyer, vendorID: vendor, grade: Int(grade), recordedAt: Date(timeIntervalSince1970: at))
            }
        }
    }

    // MARK: Change log

    public func catalogueVersion() throws(VMError) -> UInt64 {
        try reader.withSession("reading the catalogue version of \(url)") { s in try ChangeLog.version(s) }
    }

    public func changes(after version: UInt64, limit: Int) throws(VMError) -> [CatalogueChange] {
        let rows = try reader.withSession("reading the change log of \(url) after version \(version)") { s in
            let upper = Int64(version) + Int64(max(limit, 1))
            return try s.query("""
                SELECT version, kind, op, record_id, json FROM catalogue_changes
                WHERE version > \(Int64(version)) AND version <= \(upper) ORDER BY version, seq
                """).map { try $0.decode((Int64, String, String, String, String?).self) }
        }
        return try rows.map { (r) throws(VMError) in
            try ChangeRow.change(version: UInt64(r.0), kind: r.1, op: r.2, id: r.3, json: r.4)
        }
    }
}
