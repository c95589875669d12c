import Foundation
import VendorMatchCore
import VendorMatchPostgres
import VendorMatchStore

/// The server the PostgreSQL store tests use: `$VENDORMATCH_TEST_POSTGRES`
/// (`postgres://vm@127.0.0.1:PORT/postgres`; `Tests/ci.d/postgres-rankers.sh` starts one). Unset: those
/// tests are not run (the SQLite ones always are).
let testPostgresServer: PostgresStoreURL? = ProcessInfo.processInfo.environment["VENDORMATCH_TEST_POSTGRES"]
    .flatMap { $0.isEmpty ? nil : try? PostgresStoreURL(parsing: $0) }

/// The two `CatalogueStoring` implementations the shared suite runs against.
enum StoreKind: String, Sendable, CustomStringConvertible, CaseIterable {
    case sqlite, postgres

    var description: String { rawValue }

    /// SQLite always; PostgreSQL when a test server is given.
    static var available: [StoreKind] { testPostgresServer == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// An empty store of this kind: a new file in `dir`, or a new database on the test server.
    func makeStore(in dir: TempDir) throws -> any ShortlistLogStoring {
        switch self {
        case .sqlite:
            return try dir.store()
        case .postgres:
            let url = try PostgresAdmin.createDatabase(Self.freshDatabaseName(), on: testPostgresServer!)
            return try PostgresCatalogueStore(url: url)
        }
    }

    /// A second handle on the same catalogue (another process, say).
    func reopen(_ store: any CatalogueStoring) throws -> any CatalogueStoring {
        switch store {
        case let s as CatalogueStore: return try CatalogueStore(path: s.path)
        case let s as PostgresCatalogueStore: return try PostgresCatalogueStore(url: s.url)
        default: fatalError("unknown store \(type(of: store))")
        }
    }

    static func freshDatabaseName() -> String {
        "vmtest_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }
}
