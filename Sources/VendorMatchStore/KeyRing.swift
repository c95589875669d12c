import Foundation
import GRDB
import Synchronization
import VendorMatchCore

/// Where a server finds the API keys in force: the SQLite `KeyRing`, or a PostgreSQL store's key watch.
public protocol KeyChecking: Sendable {
    /// The keys in force now (cheap: called for every request but Health).
    func current() throws(VMError) -> KeyRing.Keys
    /// Stops watching the store (a checker with nothing running does nothing).
    func stop()
}

extension KeyChecking {
    public func stop() {}
}

/// Checks bearer tokens against the keys stored in the database, seeing every change at once.
///
/// It keeps the keys in memory and, on each check, asks SQLite on its own connection for
/// `PRAGMA data_version`, which changes whenever another connection or process commits: a key
/// created or revoked by `vendormatch keys` in another process is seen by the very next request, at
/// the cost of one pragma (a few microseconds) instead of a query and a parse. The keys are read again
/// only when the database changed.
public final class KeyRing: KeyChecking {
    /// The keys in force at one moment.
    public struct Keys: Sendable {
        fileprivate var byID: [String: (key: APIKey, digest: [UInt8])] = [:]

        /// No keys.
        public init() {}

        /// `keys` with the SHA-256 digests of their secrets, as stored (another store's key checker).
        package init(_ keys: [(key: APIKey, digest: [UInt8])]) {
            for k in keys { byID[k.key.id] = k }
        }

        /// Whether any key was ever created (revoked ones count): then every method but Health needs a key.
        public var areRequired: Bool { !byID.isEmpty }

        /// The live key `token` belongs to: nil for a malformed token, an unknown id, a wrong secret or a
        /// revoked key. The secret's digest is compared in constant time.
        public func verify(_ token: String) -> APIKey? {
            guard let parsed = APIKeyToken(parsing: token), let stored = byID[parsed.id] else { return nil }
            guard ConstantTime.equals(KeyDigest.of(secret: parsed.secret), stored.digest) else { return nil }
            return stored.key.isRevoked ? nil : stored.key
        }
    }

    private struct Cache {
        var dataVersion: Int64 = -1
        var keys = Keys()
    }

    private let queue: DatabaseQueue
    private let cache = Mutex(Cache())

    init(path: String) throws(VMError) {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(CatalogueStore.busyTimeout)
        config.label = "vendormatch.keys"
        queue = try CatalogueStore.storage("opening \(path) for key checks") { try DatabaseQueue(path: path, configuration: config) }
    }

    /// The keys as they are in the database now.
    public func current() throws(VMError) -> Keys {
        try CatalogueStore.storage("reading API keys") {
            try queue.inDatabase { db in
                let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
                if let keys = cache.withLock({ $0.dataVersion == version ? $0.keys : nil }) { return keys }
                var keys = Keys()
                for row in try Row.fetchAll(db, sql: "SELECT id, tenant, scopes, secret_sha256, created_at, revoked_at FROM api_keys") {
                    let digest: Data = row["secret_sha256"]
                    keys.byID[row["id"]] = (try CatalogueStore.key(from: row), Array(digest))
                }
                cache.withLock { $0 = Cache(dataVersion: version, keys: keys) }
                return keys
            }
        }
    }
}
