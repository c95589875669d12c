import Foundation
import NIOCore
import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// The shortlist log in PostgreSQL: one table shared by every ranker on the store, rows identical to the
/// SQLite ones (`StoredShortlistLogRow`). Appends go over a connection of their own, so a batch of logged
/// shortlists never waits behind a catalogue write or a snapshot read (nor holds one up).
extension PostgresCatalogueStore: ShortlistLogStoring {
    /// Rows fetched per query when reading the whole log (keyset pages, so the log is never held at once).
    static let logPageRows = 1000

    public func appendShortlistLog(_ entries: [LoggedShortlist], columns: Int) throws(VMError) {
        guard !entries.isEmpty else { return }
        // In the order served, as SQLite (rows served at the same time keep that order). Two rankers logging
        // the same request ids at once in opposite orders can deadlock: PostgreSQL then aborts one, and
        // that batch is written again.
        let rows = entries.map { StoredShortlistLogRow($0, columns: columns) }
        var attempt = 1
        while true {
            do {
                try insertLogRows(rows)
                return
            } catch where attempt < 3 && error.message.contains("SQLSTATE 40") {
                attempt += 1
            }
        }
    }

    private func insertLogRows(_ rows: [StoredShortlistLogRow]) throws(VMError) {
        try logWriter.transaction("logging \(rows.count) shortlists in \(url)") { s in
            for r in rows {
                try s.execute("""
                    INSERT INTO shortlist_log (request_id, served_at, model_version, features_hash, k, request, vendor_ids, matrix)
                    VALUES (\(r.requestID), \(r.servedAt), \(r.modelVersion), \(r.featuresHash), \(Int32(clamping: r.k)), \(r.request),
                            \(ByteBuffer(bytes: r.vendorIDs)), \(ByteBuffer(bytes: r.matrix)))
                    ON CONFLICT (request_id) DO UPDATE SET
                        seq = excluded.seq, served_at = excluded.served_at, model_version = excluded.model_version,
                        features_hash = excluded.features_hash, k = excluded.k, request = excluded.request,
                        vendor_ids = excluded.vendor_ids, matrix = excluded.matrix
                    """)
            }
        }
    }

    @discardableResult
    public func pruneShortlistLog(_ retention: ShortlistLogRetention, now: Date) throws(VMError) -> Int {
        try logWriter.transaction("pruning the shortlist log in \(url)") { s in
            func deleted(_ query: PostgresQuery) throws -> Int {
                Int(try s.query(query)[0].decode(Int64.self))
            }
            var count = 0
            if let days = retention.days {
                let cutoff = now.timeIntervalSince1970 - days * 86_400
                count += try deleted("WITH d AS (DELETE FROM shortlist_log WHERE served_at < \(cutoff) RETURNING 1) SELECT count(*) FROM d")
            }
            if let rows = retention.rows {
                // The newest `rows` by serving time (then by logging order) stay, as in SQLite.
                if rows <= 0 {
                    count += try deleted("WITH d AS (DELETE FROM shortlist_log RETURNING 1) SELECT count(*) FROM d")
                } else {
                    count += try deleted("""
                        WITH d AS (DELETE FROM shortlist_log WHERE (served_at, seq) < (
                            SELECT served_at, seq FROM shortlist_log ORDER BY served_at DESC, seq DESC LIMIT 1 OFFSET \(Int64(rows - 1)))
                            RETURNING 1)
                        SELECT count(*) FROM d
                        """)
                }
            }
            return count
        }
    }

    public func shortlistLogCount() throws(VMError) -> Int {
        try reader.withSession("counting logged shortlists in \(url)") { s in
            Int(try s.query("SELECT count(*) FROM shortlist_log")[0].decode(Int64.self))
        }
    }

    public func loggedRequestBuyers(_ requestIDs: [String]) throws(VMError) -> [String: String?] {
        guard !requestIDs.isEmpty else { return [:] }
        return try reader.withSession("looking up logged shortlists in \(url)") { s in
            // The logged request is its canonical JSON: the server reads the one field.
            var out: [String: String?] = [:]
            for row in try s.query("SELECT request_id, request::json ->> 'buyer_org' FROM shortlist_log WHERE request_id = ANY(\(requestIDs))") {
                let (id, buyer) = try row.decode((String, String?).self)
                out[id] = buyer
            }
            return out
        }
    }

    public func readShortlistLog(outcomesOnly: Bool, buyer: String?, matrices: Bool, columns: Int,
                                 _ body: (LoggedShortlist) throws -> Void) throws(VMError) {
        var after: (servedAt: Double, seq: Int64)?
        while true {
            let page = try logPage(after: after, outcomesOnly: outcomesOnly, buyer: buyer, matrices: matrices)
            for (_, row) in page {
                do {
                    try body(try row.decoded(matrices: matrices, columns: columns))
                } catch let error as VMError {
                    throw error
                } catch {
                    throw VMError(.storage, "reading the shortlist log of \(url): \(error)")
                }
            }
            guard page.count == Self.logPageRows, let last = page.last else { return }
            after = (last.row.servedAt, last.seq)
        }
    }

    /// Every row of the shortlist log as stored, oldest first.
    package func storedShortlistLogRows() throws(VMError) -> [StoredShortlistLogRow] {
        var rows: [StoredShortlistLogRow] = []
        var after: (servedAt: Double, seq: Int64)?
        while true {
            let page = try logPage(after: after, outcomesOnly: false, buyer: nil, matrices: true)
            rows += page.map(\.row)
            guard page.count == Self.logPageRows, let last = page.last else { return rows }
            after = (last.row.servedAt, last.seq)
        }
    }

    /// Up to `logPageRows` rows after `after` in log order (`matrix` empty unless `matrices`).
    private func logPage(after: (servedAt: Double, seq: Int64)?, outcomesOnly: Bool, buyer: String?,
                         matrices: Bool) throws(VMError) -> [(seq: Int64, row: StoredShortlistLogRow)] {
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let after {
            binds.append(after.servedAt)
            binds.append(after.seq)
            conditions.append("(served_at, seq) > ($1, $2)")
        }
        if outcomesOnly { conditions.append("request_id IN (SELECT request_id FROM outcomes)") }
        if let buyer {
            binds.append(buyer)
            conditions.append("request::json ->> 'buyer_org' = $\(binds.count)")
        }
        let sql = """
            SELECT seq, request_id, served_at, model_version, features_hash, k, request, vendor_ids, \(matrices ? "matrix" : "''::bytea")
            FROM shortlist_log \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY served_at, seq LIMIT \(Self.logPageRows)
            """
        return try reader.withSession("reading the shortlist log of \(url)") { s in
            try s.query(PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in
                let (seq, id, at, model, hash, k, request, ids, matrix) =
                    try row.decode((Int64, String, Double, String, String, Int32, String, ByteBuffer, ByteBuffer).self)
                return (seq, StoredShortlistLogRow(requestID: id, servedAt: at, modelVersion: model, featuresHash: hash, k: Int(k),
                                                   request: request, vendorIDs: Data(ids.readableBytesView), matrix: Data(matrix.readableBytesView)))
            }
        }
    }
}
