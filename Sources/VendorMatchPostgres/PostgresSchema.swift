import PostgresNIO
import VendorMatchCore

/// The PostgreSQL catalogue's tables, created and evolved by named migrations (never edit a shipped
/// migration: add one). `schema_migrations` lists those applied; the schema version is their count.
///
/// The tables mirror the SQLite ones: each record table keeps the columns lookups need plus `json`, the
/// record's canonical JSON. `catalogue_version` is a one-row counter that every write advances inside its
/// transaction (the row lock orders writers, so versions commit in order), and `catalogue_changes` is the
/// change log rankers follow.
enum PostgresSchema {
    struct Migration {
        var name: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(name: "1-catalogue", statements: [
            """
            CREATE TABLE vendors (
                id   TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                json TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE case_studies (
                id              TEXT NOT NULL PRIMARY KEY,
                vendor_id       TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
                client_industry TEXT NOT NULL,
                client_size     TEXT,
                json            TEXT NOT NULL
            )
            """,
            "CREATE INDEX case_studies_vendor_id ON case_studies(vendor_id)",
            """
            CREATE TABLE referrals (
                id            TEXT NOT NULL PRIMARY KEY,
                vendor_id     TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
                referrer_type TEXT NOT NULL,
                buyer_org     TEXT,
                json          TEXT NOT NULL
            )
            """,
            "CREATE INDEX referrals_vendor_id ON referrals(vendor_id)",
        ]),
        Migration(name: "2-outcomes", statements: [
            """
            CREATE TABLE outcomes (
                request_id  TEXT NOT NULL,
                buyer_org   TEXT,
                vendor_id   TEXT NOT NULL,
                grade       INTEGER NOT NULL CHECK (grade >= 0),
                recorded_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (request_id, vendor_id)
            )
            """,
        ]),
        Migration(name: "3-api-keys", statements: [
            """
            CREATE TABLE api_keys (
                id            TEXT NOT NULL PRIMARY KEY,
                tenant        TEXT,
                scopes        TEXT NOT NULL,
                secret_sha256 BYTEA NOT NULL CHECK (length(secret_sha256) = 32),
                created_at    DOUBLE PRECISION NOT NULL,
                revoked_at    DOUBLE PRECISION
            )
            """,
        ]),
        Migration(name: "4-change-log", statements: [
            "CREATE TABLE catalogue_version (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
            "INSERT INTO catalogue_version (id, version) VALUES (1, 0)",
            """
            CREATE TABLE catalogue_changes (
                version   BIGINT NOT NULL,
                seq       INTEGER NOT NULL,
                kind      TEXT NOT NULL,
                op        TEXT NOT NULL,
                record_id TEXT NOT NULL,
                json      TEXT,
                PRIMARY KEY (version, seq)
            )
            """,
        ]),
        Migration(name: "5-text-statistics", statements: [
            "CREATE TABLE text_statistics (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), json BYTEA NOT NULL)",
        ]),
        // The SQLite `shortlist_log`, column for column (blobs in `LogBlob`'s formats): `seq` orders rows
        // logged at the same time, and a request id logged again takes a new one (it is the newest).
        Migration(name: "6-shortlist-log", statements: [
            """
            CREATE TABLE shortlist_log (
                seq           BIGSERIAL NOT NULL PRIMARY KEY,
                request_id    TEXT NOT NULL UNIQUE,
                served_at     DOUBLE PRECISION NOT NULL,
                model_version TEXT NOT NULL,
                features_hash TEXT NOT NULL,
                k             INTEGER NOT NULL,
                request       TEXT NOT NULL,
                vendor_ids    BYTEA NOT NULL,
                matrix        BYTEA NOT NULL
            )
            """,
            "CREATE INDEX shortlist_log_served_at ON shortlist_log(served_at, seq)",
        ]),
    ]

    /// The schema version this binary writes: the number of migrations it knows.
    static var version: Int { migrations.count }

    /// Applies the migrations not yet applied, in one transaction under an advisory lock (several rankers
    /// may start at once). A database with a migration this binary does not know was written by a newer
    /// vendormatch: it is refused (`invalidInput`) and nothing changes.
    static func migrate(_ db: BlockingPostgres) throws(VMError) {
        let known = Set(migrations.map(\.name))
        let unknown: [String] = try db.transaction("migrating \(db.url)") { s in
            try s.execute("SELECT pg_advisory_xact_lock(7420)")
            try s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            let applied = Set(try s.query("SELECT name FROM schema_migrations").map { try $0.decode(String.self) })
            let unknown = applied.subtracting(known).sorted()
            guard unknown.isEmpty else { return unknown }
            for m in migrations where !applied.contains(m.name) {
                for statement in m.statements { try s.execute(PostgresQuery(unsafeSQL: statement)) }
                try s.execute("INSERT INTO schema_migrations (name) VALUES (\(m.name))")
            }
            return []
        }
        if !unknown.isEmpty {
            throw VMError(
                .invalidInput,
                "--store \(db.url) has a newer schema than this vendormatch knows (migrations \(unknown.joined(separator: ", ")); this binary knows \(version)): upgrade vendormatch",
                field: "store")
        }
    }
}

extension PostgresCatalogueStore {
    /// Records `migration` as applied without running anything: how a test makes a database look as if a
    /// newer vendormatch had migrated it.
    public func markAppliedForTesting(migration: String) throws(VMError) {
        try db.withSession("marking \(migration) applied") { s in
            try s.execute("INSERT INTO schema_migrations (name) VALUES (\(migration))")
        }
    }
}
