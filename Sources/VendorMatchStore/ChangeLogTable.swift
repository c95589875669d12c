import GRDB
import VendorMatchCore

/// The SQLite change log: advances `catalogue_version` and appends `catalogue_changes` rows inside the
/// caller's write transaction, so a change and its version commit together or not at all.
enum ChangeLogTable {
    /// Advances the version by one, appends `rows` under it and returns it.
    static func append(_ db: Database, _ rows: [(kind: String, op: String, id: String, json: String?)]) throws -> UInt64 {
        try db.execute(sql: "UPDATE catalogue_version SET version = version + 1 WHERE id = 1")
        let version = try Int64.fetchOne(db, sql: "SELECT version FROM catalogue_version WHERE id = 1") ?? 0
        let stmt = try db.cachedStatement(sql: "INSERT INTO catalogue_changes (version, seq, kind, op, record_id, json) VALUES (?, ?, ?, ?, ?, ?)")
        for (seq, row) in rows.enumerated() {
            try stmt.execute(arguments: [version, seq, row.kind, row.op, row.id, row.json])
        }
        return UInt64(version)
    }

    static func version(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT version FROM catalogue_version WHERE id = 1") ?? 0)
    }

    /// Changes of versions in `(after, after + limit]`, in order.
    static func changes(_ db: Database, after: UInt64, limit: Int) throws -> [Row] {
        try Row.fetchAll(db, sql: """
            SELECT version, kind, op, record_id, json FROM catalogue_changes
            WHERE version > ? AND version <= ? ORDER BY version, seq
            """, arguments: [Int64(after), Int64(after) + Int64(max(limit, 1))])
    }
}
