import PostgresNIO
import VendorMatchStore

/// The PostgreSQL change log, written inside the caller's transaction.
///
/// `UPDATE catalogue_version … RETURNING` takes the counter row's lock until commit, so concurrent writers
/// (any number of processes) get consecutive versions that commit in version order: a follower reading
/// `version > N` never misses a version committed later. `pg_notify` is delivered at commit.
enum ChangeLog {
    static func append(_ s: BlockingPostgres.Session, _ rows: [(kind: String, op: String, id: String, json: String?)]) throws -> UInt64 {
        let version = try s.query("UPDATE catalogue_version SET version = version + 1 WHERE id = 1 RETURNING version")[0].decode(Int64.self)
        let text = String(version)
        let stamped: [[String?]] = rows.enumerated().map { seq, row in [text, String(seq), row.kind, row.op, row.id, row.json] }
        try s.insert(prefix: "INSERT INTO catalogue_changes (version, seq, kind, op, record_id, json)", suffix: "",
                     columns: 6, rows: stamped, batch: 1000, casts: ["::bigint", "::integer", "", "", "", ""])
        try s.execute("SELECT pg_notify(\(PostgresCatalogueStore.notificationChannel), \(text))")
        return UInt64(version)
    }

    static func version(_ s: BlockingPostgres.Session) throws -> UInt64 {
        UInt64(try s.query("SELECT version FROM catalogue_version WHERE id = 1")[0].decode(Int64.self))
    }
}
