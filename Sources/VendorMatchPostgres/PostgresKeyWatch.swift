import Foundation
import Logging
import PostgresNIO
import Synchronization
import VendorMatchCore
import VendorMatchStore

/// API keys of a PostgreSQL store as a ranker checks them: kept in memory, so a check never waits for the
/// server (checks run on the request path), and read again whenever a key changes.
///
/// `createKey` and `revokeKey` notify `keyChannel` when they commit; the watch listens on it (the same
/// reconnecting listener as the change feed) and re-reads the keys on a thread of its own as soon as a
/// notification arrives, so a key revoked by `vendormatch keys revoke` in another process is refused by
/// every ranker within the notification's delivery (milliseconds on loopback). The keys are also re-read every
/// `refreshInterval`, which bounds the delay while the listening connection is down (a PostgreSQL restart)
/// or for a key changed by a binary that did not notify. A failed re-read keeps the keys last read and
/// retries at the next interval: a revocation is never forgotten, at worst seen one interval late.
public final class PostgresKeyWatch: KeyChecking, @unchecked Sendable {
    private let store: PostgresCatalogueStore
    private let refreshInterval: Duration
    private let logger: Logger
    private let keys: Mutex<KeyRing.Keys>
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var poked = false
    private var stopped = false
    private var reads = 0
    private var stopListening: (@Sendable () -> Void)?

    /// Reads the keys now (a failure is thrown: a ranker must not start without knowing them), then
    /// starts the listener and the re-reading thread.
    public init(store: PostgresCatalogueStore, refreshInterval: Duration = .seconds(1),
                logger: Logger = Logger(label: "vendormatch.postgres.keys")) throws(VMError) {
        self.store = store
        self.refreshInterval = refreshInterval
        self.logger = logger
        keys = Mutex(try store.keyDigests())
        let listen = store.watch(channel: PostgresCatalogueStore.keyChannel) { [weak self] _ in self?.poke() }
        condition.withLock { stopListening = listen }
        let thread = Thread { [self] in run() }
        thread.name = "vendormatch-keys"
        thread.start()
    }

    public func current() throws(VMError) -> KeyRing.Keys {
        keys.withLock { $0 }
    }

    /// How many times the keys were read from the store since the start (tests wait on it).
    public var readCount: Int { condition.withLock { reads } }

    public func stop() {
        let listen: (@Sendable () -> Void)? = condition.withLock {
            stopped = true
            condition.broadcast()
            defer { stopListening = nil }
            return stopListening
        }
        listen?()
    }

    private func poke() {
        condition.withLock {
            poked = true
            condition.signal()
        }
    }

    private func run() {
        while true {
            let go: Bool = condition.withLock {
                let deadline = Date().addingTimeInterval(Double(refreshInterval.components.seconds) + Double(refreshInterval.components.attoseconds) * 1e-18)
                while !poked && !stopped {
                    if !condition.wait(until: deadline) { break }
                }
                poked = false
                return !stopped
            }
            guard go else { return }
            do {
                let fresh = try store.keyDigests()
                keys.withLock { $0 = fresh }
                condition.withLock { reads += 1 }
            } catch {
                logger.warning("cannot re-read API keys; keeping those last read", metadata: ["vm.error": "\(error.message)"])
            }
        }
    }
}

extension PostgresCatalogueStore {
    /// The channel `createKey` and `revokeKey` notify when they commit.
    public static let keyChannel = "vendormatch_keys"

    public func keyChecker() throws(VMError) -> any KeyChecking {
        try PostgresKeyWatch(store: self)
    }

    /// Every key with its secret's digest, as `KeyRing.Keys`.
    func keyDigests() throws(VMError) -> KeyRing.Keys {
        try reader.withSession("reading API keys in \(url)") { s in
            KeyRing.Keys(try s.query("SELECT id, tenant, scopes, created_at, revoked_at, secret_sha256 FROM api_keys").map { row in
                let (id, tenant, scopes, created, revoked, digest) = try row.decode((String, String?, String, Double, Double?, ByteBuffer).self)
                let key = APIKey(id: id, tenant: tenant, scopes: try KeyScopes(parsing: scopes), createdAt: Date(timeIntervalSince1970: created),
                                 revokedAt: revoked.map(Date.init(timeIntervalSince1970:)))
                return (key, Array(digest.readableBytesView))
            })
        }
    }
}
