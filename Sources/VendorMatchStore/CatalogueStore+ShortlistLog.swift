import Foundation
import GRDB
import VendorMatchCore

/// One served shortlist as logged: the request, every candidate the ranking saw (served order, the
/// shortlist's vendors first) with its feature row, and the model that ranked them.
public struct LoggedShortlist: Sendable, Equatable {
    public var requestID: String
    public var servedAt: Date
    public var modelVersion: String
    /// `LoggedShortlist.fingerprint(of:)` of the feature signature (names and versions) of the rows.
    public var featuresHash: String
    /// How many of `vendorIDs` the buyer was shown.
    public var k: Int
    /// The request as validated (canonical JSON).
    public var request: String
    public var vendorIDs: [String]
    /// Row-major, one row per vendor id; empty when read without the matrix.
    public var matrix: [Float]

    public init(requestID: String, servedAt: Date = Date(), modelVersion: String, featuresHash: String, k: Int, request: String,
                vendorIDs: [String], matrix: [Float]) {
        self.requestID = requestID; self.servedAt = servedAt; self.modelVersion = modelVersion; self.featuresHash = featuresHash
        self.k = k; self.request = request; self.vendorIDs = vendorIDs; self.matrix = matrix
    }

    /// A stable 64-bit FNV-1a fingerprint (hex) of a feature signature: rows logged under another
    /// signature are not training data for this binary.
    public static func fingerprint(of signature: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in signature.joined(separator: "\n").utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// How long logged shortlists are kept: the newest `rows`, and none older than `days` (either may be nil).
public struct ShortlistLogRetention: Sendable, Equatable {
    public var rows: Int?
    public var days: Double?

    public init(rows: Int? = 250_000, days: Double? = 180) { self.rows = rows; self.days = days }
}

extension CatalogueStore: ShortlistLogStoring {
    public func appendShortlistLog(_ entries: [LoggedShortlist], columns: Int) throws(VMError) {
        guard !entries.isEmpty else { return }
        let rows = entries.map { StoredShortlistLogRow($0, columns: columns) }
        try write("logging \(entries.count) shortlists") { db in
            let stmt = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO shortlist_log (request_id, served_at, model_version, features_hash, k, request, vendor_ids, matrix)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for r in rows {
                try stmt.execute(arguments: [r.requestID, r.servedAt, r.modelVersion, r.featuresHash, r.k, r.request, r.vendorIDs, r.matrix])
            }
        }
    }

    @discardableResult
    public func pruneShortlistLog(_ retention: ShortlistLogRetention, now: Date) throws(VMError) -> Int {
        try write("pruning the shortlist log") { db in
            var deleted = 0
            if let days = retention.days {
                try db.execute(sql: "DELETE FROM shortlist_log WHERE served_at < ?", arguments: [now.timeIntervalSince1970 - days * 86_400])
                deleted += db.changesCount
            }
            if let rows = retention.rows {
                // The newest `rows` by serving time (then by insertion) stay: everything older than the
                // `rows`-th newest goes (one walk down the served_at index, no set of the rows kept).
                if rows <= 0 {
                    try db.execute(sql: "DELETE FROM shortlist_log")
                } else {
                    try db.execute(sql: """
                        DELETE FROM shortlist_log WHERE (served_at, seq) < (
                            SELECT served_at, seq FROM shortlist_log ORDER BY served_at DESC, seq DESC LIMIT 1 OFFSET ?)
                        """, arguments: [rows - 1])
                }
                deleted += db.changesCount
            }
            return deleted
        }
    }

    public func shortlistLogCount() throws(VMError) -> Int {
        try read("counting logged shortlists") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shortlist_log") ?? 0 }
    }

    public func loggedRequestBuyers(_ requestIDs: [String]) throws(VMError) -> [String: String?] {
        try read("looking up logged shortlists") { db in
            // The logged request is its canonical JSON: SQLite reads the one field, no parse in Swift.
            let stmt = try db.makeStatement(sql: "SELECT json_extract(request, '$.buyer_org') FROM shortlist_log WHERE request_id = ?")
            var out: [String: String?] = [:]
            for id in requestIDs {
                if let row = try Row.fetchOne(stmt, arguments: [id]) { out[id] = row[0] as String? }
            }
            return out
        }
    }

    public func readShortlistLog(outcomesOnly: Bool, buyer: String?, matrices: Bool, columns: Int,
                                 _ body: (LoggedShortlist) throws -> Void) throws(VMError) {
        try read("reading the shortlist log") { db in
            var conditions: [String] = [], arguments: StatementArguments = []
            if outcomesOnly { conditions.append("request_id IN (SELECT request_id FROM outcomes)") }
            if let buyer {
                conditions.append("json_extract(request, '$.buyer_org') = ?")
                arguments += [buyer]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT request_id, served_at, model_version, features_hash, k, request, vendor_ids, \(matrices ? "matrix" : "x''")
                FROM shortlist_log \(filter) ORDER BY served_at, seq
                """, arguments: arguments)
            while let row = try rows.next() {
                try body(try Self.storedLogRow(row).decoded(matrices: matrices, columns: columns))
            }
        }
    }

    /// Every row of the shortlist log as stored, oldest first.
    package func storedShortlistLogRows() throws(VMError) -> [StoredShortlistLogRow] {
        try read("reading the shortlist log") { db in
            try Row.fetchAll(db, sql: """
                SELECT request_id, served_at, model_version, features_hash, k, request, vendor_ids, matrix
                FROM shortlist_log ORDER BY served_at, seq
                """).map(Self.storedLogRow)
        }
    }

    private static func storedLogRow(_ row: Row) -> StoredShortlistLogRow {
        StoredShortlistLogRow(requestID: row[0], servedAt: row[1], modelVersion: row[2], featuresHash: row[3], k: row[4],
                              request: row[5], vendorIDs: row[6], matrix: row[7])
    }
}
