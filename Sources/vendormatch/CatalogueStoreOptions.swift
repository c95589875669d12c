import Foundation
import VendorMatchCore
import VendorMatchPostgres
import VendorMatchStore

extension GlobalOptions {
    /// The database file: `--db`, or `./vendormatch.sqlite`.
    var databasePath: String { db ?? CatalogueStore.defaultPath }

    /// The PostgreSQL store asked for: `--store`, else `$VENDORMATCH_STORE` unless `--db` is given.
    var storeURL: String? {
        if let store { return store }
        if db != nil { return nil }
        guard let env = ProcessInfo.processInfo.environment["VENDORMATCH_STORE"], !env.isEmpty else { return nil }
        return env
    }

    /// Opens the catalogue of record: PostgreSQL when `--store` (or `$VENDORMATCH_STORE`) names one,
    /// else the SQLite file of `--db`. An unreachable or malformed `--store` is `invalidInput` naming it.
    /// Both keep the shortlist log.
    func openStore() throws -> any ShortlistLogStoring {
        guard let url = storeURL else { return try CatalogueStore(path: databasePath) }
        if store != nil, db != nil {
            throw VMError(.invalidInput, "give either --store or --db, not both", field: "store")
        }
        return try PostgresCatalogueStore(url: try PostgresStoreURL(parsing: url))
    }

    /// Opens (creating and migrating when needed) the SQLite catalogue named by `--db`. Verbs that need
    /// what only the SQLite store keeps (model promotions, vectors) refuse `--store`.
    func openCatalogueStore() throws -> CatalogueStore {
        if let url = storeURL {
            throw VMError(
                .invalidInput,
                "--store \(url): this verb keeps SQLite-only data (model promotions, need vectors) and needs --db PATH",
                field: "store")
        }
        return try CatalogueStore(path: databasePath)
    }
}

/// Writes one line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `12,345` — counts in summaries.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

/// `12.3 MB` — file sizes in summaries.
func byteSize(_ n: Int64) -> String {
    if n < 1024 { return "\(n) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(n) / 1024
    var unit = 0
    while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
    return String(format: "%.1f %@", value, units[unit])
}
