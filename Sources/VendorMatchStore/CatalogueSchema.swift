import GRDB

/// The catalogue's tables, created and evolved by named migrations (never edit a shipped migration:
/// add a new one).
///
/// Each record table keeps the columns lookups need plus `json`, the record's canonical JSON
/// (`RecordCodec.json(_:).serialized()`), so a record can be rebuilt and exported exactly as validated.
/// Deleting a vendor deletes its case studies and referrals (`ON DELETE CASCADE`); embedding vectors are
/// kept by need text (`need_vectors`), so they outlive the case studies that said it. `text_statistics` holds
/// the ranking's frozen text statistics, which an import clears; `api_keys` the API keys, hashed.
enum CatalogueSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalogue") { db in
            try db.execute(sql: """
                CREATE TABLE vendors (
                    id   TEXT NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    json TEXT NOT NULL
                );
                CREATE TABLE case_studies (
                    id              TEXT NOT NULL PRIMARY KEY,
                    vendor_id       TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
                    client_industry TEXT NOT NULL,
                    client_size     TEXT,
                    json            TEXT NOT NULL
                );
                CREATE INDEX case_studies_vendor_id ON case_studies(vendor_id);
                CREATE TABLE referrals (
                    id            TEXT NOT NULL PRIMARY KEY,
                    vendor_id     TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
                    referrer_type TEXT NOT NULL,
                    buyer_org     TEXT,
                    json          TEXT NOT NULL
                );
                CREATE INDEX referrals_vendor_id ON referrals(vendor_id);
                CREATE INDEX referrals_buyer_org ON referrals(buyer_org) WHERE buyer_org IS NOT NULL;
                """)
        }
        migrator.registerMigration("v1-outcomes") { db in
            // No foreign key: an outcome stays training data after its vendor is deleted.
            try db.execute(sql: """
                CREATE TABLE outcomes (
                    request_id  TEXT NOT NULL,
                    buyer_org   TEXT,
                    vendor_id   TEXT NOT NULL,
                    grade       INTEGER NOT NULL CHECK (grade >= 0),
                    recorded_at REAL NOT NULL,
                    PRIMARY KEY (request_id, vendor_id)
                );
                CREATE INDEX outcomes_vendor_id ON outcomes(vendor_id);
                """)
        }
        migrator.registerMigration("v1-case-study-vectors") { db in
            try db.execute(sql: """
                CREATE TABLE case_study_vectors (
                    case_study_id TEXT NOT NULL PRIMARY KEY REFERENCES case_studies(id) ON DELETE CASCADE,
                    model         TEXT NOT NULL,
                    dims          INTEGER NOT NULL CHECK (dims > 0),
                    vector        BLOB NOT NULL CHECK (length(vector) = 4 * dims)
                );
                CREATE TRIGGER case_study_changed AFTER UPDATE OF json, vendor_id ON case_studies
                WHEN old.json IS NOT new.json
                BEGIN
                    DELETE FROM case_study_vectors WHERE case_study_id = new.id;
                END;
                """)
        }
        migrator.registerMigration("v2-text-statistics") { db in
            // One row: the lexical encoder's corpus statistics as JSON (`CatalogueStore.loadTextStatistics`).
            // An import clears it; live writes leave it alone.
            try db.execute(sql: """
                CREATE TABLE text_statistics (
                    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                    json BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-api-keys") { db in
            // API keys (CONTRACT §6): the secret is never stored, only its SHA-256 digest. A revoked key
            // keeps its row, so `keys list` still shows it and the server keeps requiring keys.
            try db.execute(sql: """
                CREATE TABLE api_keys (
                    id            TEXT NOT NULL PRIMARY KEY,
                    tenant        TEXT,
                    scopes        TEXT NOT NULL,
                    secret_sha256 BLOB NOT NULL CHECK (length(secret_sha256) = 32),
                    created_at    REAL NOT NULL,
                    revoked_at    REAL
                );
                """)
        }
        migrator.registerMigration("v3-shortlist-log") { db in
            // Every served shortlist: the request, its candidates in served order with their feature rows as
            // the second phase saw them (`FeatureMatrixCoding`), and the model version. Outcomes join it by
            // request id; retention deletes the oldest rows (`CatalogueStore.pruneShortlistLog`).
            try db.execute(sql: """
                CREATE TABLE shortlist_log (
                    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id    TEXT NOT NULL UNIQUE,
                    served_at     REAL NOT NULL,
                    model_version TEXT NOT NULL,
                    features_hash TEXT NOT NULL,
                    k             INTEGER NOT NULL,
                    request       TEXT NOT NULL,
                    vendor_ids    BLOB NOT NULL,
                    matrix        BLOB NOT NULL
                );
                CREATE INDEX shortlist_log_served_at ON shortlist_log(served_at);
                """)
            // The model promotions (`train --from-outcomes --promote`, `model promote`): the newest row is the
            // serving model; `model rollback` deletes it, so the one before serves again (none: the configured one).
            try db.execute(sql: """
                CREATE TABLE model_promotions (
                    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                    path        TEXT NOT NULL,
                    promoted_at REAL NOT NULL,
                    note        TEXT NOT NULL DEFAULT ''
                );
                """)
        }
        migrator.registerMigration("v4-need-vectors") { db in
            // Sentence-encoder vectors keyed by need text (`CatalogueStore.saveNeedVectors`), float16: a
            // text is encoded once, and survives re-imports and edits that keep it. Replaces the vectors
            // kept per case study (they are computed again, in the background by `serve`).
            try db.execute(sql: """
                CREATE TABLE need_vectors (
                    model     TEXT NOT NULL,
                    text_hash BLOB NOT NULL CHECK (length(text_hash) = 16),
                    dims      INTEGER NOT NULL CHECK (dims > 0),
                    vector    BLOB NOT NULL CHECK (length(vector) = 2 * dims),
                    PRIMARY KEY (model, text_hash)
                ) WITHOUT ROWID;
                DROP TRIGGER case_study_changed;
                DROP TABLE case_study_vectors;
                """)
        }
        migrator.registerMigration("v5-change-log") { db in
            // The catalogue version and the change log (CONTRACT §8): every write advances the one-row
            // counter and appends what it changed, in the same transaction (`ChangeLogTable`).
            try db.execute(sql: """
                CREATE TABLE catalogue_version (
                    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL
                );
                INSERT INTO catalogue_version (id, version) VALUES (1, 0);
                CREATE TABLE catalogue_changes (
                    version   INTEGER NOT NULL,
                    seq       INTEGER NOT NULL,
                    kind      TEXT NOT NULL,
                    op        TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    json      TEXT,
                    PRIMARY KEY (version, seq)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
