import Foundation
import GRDB
import VendorMatchCore

/// The durable catalogue: vendors, case studies, referrals, recorded outcomes and case-study vectors
/// in one SQLite file (WAL, foreign keys on, named migrations).
///
/// Thread-safe (`Sendable`): reads run concurrently, writes are serialized. Every write is one
/// transaction and is on disk (`synchronous = FULL`) when the call returns. Other processes may use the
/// same file; a writer waits up to `busyTimeout` for another's transaction.
public struct CatalogueStore: Sendable {
    /// The file used when no `--db` is given: `vendormatch.sqlite` in the current directory.
    public static let defaultPath = "./vendormatch.sqlite"

    /// How long a write waits for another process's transaction before failing.
    public static let busyTimeout: TimeInterval = 10

    /// The database file path as given.
    public let path: String
    let pool: DatabasePool

    /// Opens the database at `path`, creating the file and its tables when needed and applying any
    /// migrations that have not run yet.
    public init(path: String = CatalogueStore.defaultPath) throws(VMError) {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(CatalogueStore.busyTimeout)
        config.label = "vendormatch"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent) else {
            throw VMError(.io, "cannot open database \(path): directory \(parent) does not exist")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw VMError(.storage, "cannot open database \(path): \(error)", cause: error)
        }
        let pool = self.pool
        let migrator = CatalogueSchema.migrator
        let newer = try Self.storage("reading the schema of \(path)") { try pool.read { try migrator.hasBeenSuperseded($0) } }
        if newer {
            throw VMError(
                .invalidInput,
                "database \(path) has a newer schema than this vendormatch knows (it was written by a newer version): upgrade vendormatch")
        }
        try Self.storage("migrating \(path)") { try migrator.migrate(pool) }
    }

    /// Runs `body`, turning database errors into `VMError(.storage)`.
    static func storage<T>(_ what: String, _ body: () throws -> T) throws(VMError) -> T {
        do {
            return try body()
        } catch let error as VMError {
            throw error
        } catch {
            throw VMError(.storage, "\(what): \(error)", cause: error)
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(VMError) -> T {
        try Self.storage(what) { try pool.read(body) }
    }

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(VMError) -> T {
        try Self.storage(what) { try pool.write(body) }
    }

    // MARK: Reading

    /// Row counts of every table.
    public struct Counts: Sendable, Equatable, CustomStringConvertible {
        public var vendors = 0
        public var caseStudies = 0
        public var referrals = 0
        public var outcomes = 0
        public var needVectors = 0

        public init(vendors: Int = 0, caseStudies: Int = 0, referrals: Int = 0, outcomes: Int = 0, needVectors: Int = 0) {
            self.vendors = vendors; self.caseStudies = caseStudies; self.referrals = referrals
            self.outcomes = outcomes; self.needVectors = needVectors
        }

        public var description: String {
            "\(vendors) vendors, \(caseStudies) case studies, \(referrals) referrals, \(outcomes) outcomes"
        }
    }

    public func counts() throws(VMError) -> Counts {
        try read("counting records") { db in
            func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
            return Counts(
                vendors: try count("vendors"), caseStudies: try count("case_studies"), referrals: try count("referrals"),
                outcomes: try count("outcomes"), needVectors: try count("need_vectors")
            )
        }
    }

    /// Every record, each kind sorted by id.
    public func loadCatalogue() throws(VMError) -> Catalogue {
        try read("loading the catalogue") { db in
            var catalogue = Catalogue()
            catalogue.vendors = try Self.jsonColumn(db, "vendors").map(StoredRecordDecoder.vendor)
            catalogue.caseStudies = try Self.jsonColumn(db, "case_studies").map(StoredRecordDecoder.caseStudy)
            catalogue.referrals = try Self.jsonColumn(db, "referrals").map(StoredRecordDecoder.referral)
            return catalogue
        }
    }

    static func jsonColumn(_ db: Database, _ table: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT json FROM \(table) ORDER BY id")
    }

    public func vendor(id: String) throws(VMError) -> Vendor? {
        let json = try read("reading vendor \(id)") { db in
            try String.fetchOne(db, sql: "SELECT json FROM vendors WHERE id = ?", arguments: [id])
        }
        return try json.map { (text) throws(VMError) in try StoredRecordDecoder.vendor(text) }
    }

    public func caseStudies(vendorID: String) throws(VMError) -> [CaseStudy] {
        let rows = try read("reading case studies of \(vendorID)") { db in
            try String.fetchAll(db, sql: "SELECT json FROM case_studies WHERE vendor_id = ? ORDER BY id", arguments: [vendorID])
        }
        return try rows.map { (text) throws(VMError) in try StoredRecordDecoder.caseStudy(text) }
    }

    public func referrals(vendorID: String) throws(VMError) -> [Referral] {
        let rows = try read("reading referrals of \(vendorID)") { db in
            try String.fetchAll(db, sql: "SELECT json FROM referrals WHERE vendor_id = ? ORDER BY id", arguments: [vendorID])
        }
        return try rows.map { (text) throws(VMError) in try StoredRecordDecoder.referral(text) }
    }

    /// Bytes on disk: the database file plus its write-ahead log.
    public var fileSize: Int64 {
        let fm = FileManager.default
        func size(_ p: String) -> Int64 { ((try? fm.attributesOfItem(atPath: p))?[.size] as? NSNumber)?.int64Value ?? 0 }
        return size(path) + size(path + "-wal")
    }

    // MARK: Writing

    /// Inserts or replaces every record of `catalogue` by id, in one transaction: vendors first, so
    /// case studies and referrals may name vendors stored before or in the same call (others are an
    /// `invalidInput` error and nothing is written).
    @discardableResult
    public func upsert(_ catalogue: Catalogue) throws(VMError) -> UInt64 {
        try write("storing records") { db in
            let references = Set(catalogue.caseStudies.map(\.vendorID) + catalogue.referrals.map(\.vendorID))
                .subtracting(catalogue.vendors.map(\.id))
            if !references.isEmpty {
                let stmt = try db.makeStatement(sql: "SELECT 1 FROM vendors WHERE id = ?")
                let missing = try references.sorted().filter { try Int.fetchOne(stmt, arguments: [$0]) == nil }
                if let first = missing.first {
                    throw VMError(
                        .invalidInput,
                        "unknown vendor \"\(first)\"" + (missing.count > 1 ? " (and \(missing.count - 1) more)" : "")
                            + ": a case study or referral must name a stored vendor",
                        field: "vendor_id"
                    )
                }
            }
            var writer = try RecordWriter(db)
            for v in catalogue.vendors { try writer.write(v) }
            for c in catalogue.caseStudies { try writer.write(c) }
            for r in catalogue.referrals { try writer.write(r) }
            return try ChangeLogTable.append(db, ChangeRow.rows(for: catalogue))
        }
    }

    /// Deletes a vendor with its case studies and referrals; `false` when there was no such vendor.
    @discardableResult
    public func deleteVendor(id: String) throws(VMError) -> Bool {
        try deleteVendor(returningVersion: id).deleted
    }

    /// Deletes a vendor with its case studies and referrals, returning the catalogue version after it.
    public func deleteVendor(returningVersion id: String) throws(VMError) -> (deleted: Bool, version: UInt64) {
        try write("deleting vendor \(id)") { db in
            try db.execute(sql: "DELETE FROM vendors WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return (false, try ChangeLogTable.version(db)) }
            return (true, try ChangeLogTable.append(db, [(ChangeRow.vendor, ChangeRow.delete, id, nil)]))
        }
    }

    /// Stores outcomes; a second outcome for the same request and vendor replaces the first.
    public func record(outcomes: [Outcome]) throws(VMError) {
        for o in outcomes where o.grade < 0 {
            throw VMError(.invalidInput, "outcome grade must be ≥ 0, got \(o.grade)", field: "grade")
        }
        try write("storing outcomes") { db in
            let stmt = try db.makeStatement(sql: """
                INSERT INTO outcomes (request_id, buyer_org, vendor_id, grade, recorded_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (request_id, vendor_id) DO UPDATE SET
                    buyer_org = excluded.buyer_org, grade = excluded.grade, recorded_at = excluded.recorded_at
                """)
            for o in outcomes {
                try stmt.execute(arguments: [o.requestID, o.buyerOrg, o.vendorID, o.grade, o.recordedAt.timeIntervalSince1970])
            }
        }
    }

    /// Every recorded outcome, by request id then vendor id.
    public func outcomes() throws(VMError) -> [Outcome] {
        try read("reading outcomes") { db in
            try Row.fetchAll(db, sql: "SELECT request_id, buyer_org, vendor_id, grade, recorded_at FROM outcomes ORDER BY request_id, vendor_id").map { row in
                Outcome(
                    requestID: row[0], buyerOrg: row[1], vendorID: row[2], grade: row[3],
                    recordedAt: Date(timeIntervalSince1970: row[4])
                )
            }
        }
    }
}
