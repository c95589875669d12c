import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import VendorMatchCore

/// One PostgreSQL connection used from blocking threads: every call waits for postgres-nio's future.
///
/// Calls are serialized (one statement or transaction at a time on the connection). A connection the
/// server or network closed is dropped and opened again on the next call, so a store outlives a
/// PostgreSQL restart. Never call it from an event loop: it blocks until the server answers.
final class BlockingPostgres: @unchecked Sendable {
    let url: PostgresStoreURL
    private let group: any EventLoopGroup
    private let logger: Logger
    private let connectTimeout: TimeAmount
    private let lock = NIOLock()
    private var connection: PostgresConnection?
    /// The statements waiting on `connection`.
    private var waiters: Waiters?

    init(url: PostgresStoreURL, group: any EventLoopGroup, connectTimeout: TimeAmount, logger: Logger) {
        self.url = url
        self.group = group
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    deinit {
        if let connection { Self.close(connection) }
    }

    /// Closes `connection` without waiting (the last reference may go away on an event loop), keeping it
    /// alive until it is closed (postgres-nio insists a connection is closed before it goes away).
    static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Opens the connection now: a server that does not answer or refuses is `invalidInput` naming the URL.
    func connectNow() throws(VMError) {
        do {
            try lock.withLock { _ = try open() }
        } catch {
            throw VMError(.invalidInput, "cannot use --store \(url): \(PostgresErrors.describe(error))", field: "store")
        }
    }

    private func open() throws -> Session {
        if let connection, let waiters, !connection.isClosed { return Session(connection: connection, logger: logger, waiters: waiters) }
        let fresh = try PostgresConnector.connect(url, on: group.next(), timeout: connectTimeout, id: 1, logger: logger).wait()
        let freshWaiters = Waiters(fresh)
        connection = fresh
        waiters = freshWaiters
        return Session(connection: fresh, logger: logger, waiters: freshWaiters)
    }

    /// Runs `body` with the connection, opening it first when needed.
    func withSession<T>(_ what: String, _ body: (Session) throws -> T) throws(VMError) -> T {
        do {
            return try lock.withLock {
                let session = try open()
                do {
                    return try body(session)
                } catch {
                    if Self.breaksConnection(error) { dropConnection() }
                    throw error
                }
            }
        } catch {
            throw PostgresErrors.vmError(what, error)
        }
    }

    /// Whether `error` leaves the connection unusable: anything but an error the server reported on a
    /// working session (a constraint violation, say), and the server's own shutdown (SQLSTATE class 57).
    static func breaksConnection(_ error: any Error) -> Bool {
        if error is ConnectionLost || error is PostgresConnector.CannotConnect { return true }
        guard let psql = error as? PSQLError else { return false }
        guard let state = psql.serverInfo?[.sqlState] else { return true }
        return state.hasPrefix("57") || state.hasPrefix("08")
    }

    /// Closes and forgets the connection (the lock is held): the next call opens a new one.
    private func dropConnection() {
        if let old = connection { Self.close(old) }
        connection = nil
        waiters = nil
    }

    /// Runs `body` in one transaction (`BEGIN` … `COMMIT`, rolled back when it throws).
    func transaction<T>(_ what: String, isolation: String = "", _ body: (Session) throws -> T) throws(VMError) -> T {
        try withSession(what) { session in
            try session.execute(PostgresQuery(unsafeSQL: "BEGIN" + (isolation.isEmpty ? "" : " " + isolation)))
            do {
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                // A lost connection has no transaction left to roll back (and is dropped by `withSession`).
                if !Self.breaksConnection(error) { _ = try? session.execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// The connection closed before the server answered a statement.
    struct ConnectionLost: Error, CustomStringConvertible {
        var description: String { "the connection to the server closed before it answered" }
    }

    /// The statements waiting on one connection, failed with `ConnectionLost` when it closes.
    ///
    /// postgres-nio writes a statement to its channel without a promise: one that reaches the channel after
    /// it closed is dropped and its future never completes, so a blocking caller would wait forever,
    /// holding the session's lock (seen after a PostgreSQL restart). Statements in flight when the channel
    /// closes are failed by postgres-nio before `closeFuture` completes, keeping their own error; whatever
    /// still waits then is failed here. One `closeFuture` callback per connection; a statement leaves the
    /// table when it completes.
    final class Waiters: @unchecked Sendable {
        private let lock = NIOLock()
        // Guarded by `lock`.
        private var next = 0
        private var pending: [Int: () -> Void] = [:]
        private var closed = false

        init(_ connection: PostgresConnection) {
            connection.closeFuture.whenComplete { _ in self.closeAll() }
        }

        /// `future`, or `ConnectionLost` once the connection has closed without completing it.
        func ending<T>(_ future: EventLoopFuture<T>) -> EventLoopFuture<T> {
            let promise = future.eventLoop.makePromise(of: T.self)
            // An abandoned future is kept: NIO traps when an unfulfilled one is freed (debug builds).
            let fail = {
                Abandoned.keep(future)
                promise.fail(ConnectionLost())
            }
            let token: Int? = lock.withLock {
                guard !closed else { return nil }
                next += 1
                pending[next] = fail
                return next
            }
            guard let token else {
                fail()
                return promise.futureResult
            }
            future.whenComplete { result in
                _ = self.lock.withLock { self.pending.removeValue(forKey: token) }
                promise.completeWith(result)
            }
            return promise.futureResult
        }

        var count: Int { lock.withLock { pending.count } }

        private func closeAll() {
            let waiting = lock.withLock {
                closed = true
                defer { pending = [:] }
                return Array(pending.values)
            }
            for fail in waiting { fail() }
        }
    }

    /// Futures postgres-nio will never complete, kept alive (see `Waiters`).
    enum Abandoned {
        /// Only held, never used.
        private struct Held: @unchecked Sendable { let object: AnyObject }
        private static let kept = NIOLockedValueBox<[ObjectIdentifier: Held]>([:])

        /// Keeps `future` until it completes (at once when it already has).
        static func keep<T>(_ future: EventLoopFuture<T>) {
            let id = ObjectIdentifier(future)
            kept.withLockedValue { $0[id] = Held(object: future) }
            future.whenComplete { _ in _ = kept.withLockedValue { $0.removeValue(forKey: id) } }
        }

        static var count: Int { kept.withLockedValue { $0.count } }
    }

    /// The connection inside one `withSession` call.
    struct Session {
        let connection: PostgresConnection
        let logger: Logger
        let waiters: Waiters

        @discardableResult
        func query(_ query: PostgresQuery) throws -> [PostgresRow] {
            try send(query).wait().rows
        }

        func execute(_ query: PostgresQuery) throws {
            _ = try send(query).wait()
        }

        /// Sends `query`, or fails at once when the connection has closed.
        private func send(_ query: PostgresQuery) -> EventLoopFuture<PostgresQueryResult> {
            sending { connection.query(query, logger: logger) }
        }

        /// The statement `start` sends, waited for through `ending`; not sent when the connection has closed.
        func sending<T>(_ start: () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(ConnectionLost()) }
            return ending(start())
        }

        /// `future`, failed with `ConnectionLost` once the connection has closed without completing it (`Waiters`).
        func ending<T>(_ future: EventLoopFuture<T>) -> EventLoopFuture<T> {
            waiters.ending(future)
        }

        /// Starts `COPY table (columns) FROM STDIN` of `data` (rows already in COPY's text format) without
        /// waiting for it: the caller may prepare the next rows meanwhile, and must wait for the returned
        /// future before its next statement on this session.
        func startCopy(into table: String, columns: [String], data: ByteBuffer, on executor: CopyThread) -> EventLoopFuture<Void> {
            let connection = self.connection
            let logger = self.logger
            let promise = connection.eventLoop.makePromise(of: Void.self)
            Task(executorPreference: executor) {
                do {
                    try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                        try await writer.write(data)
                    }
                    promise.succeed(())
                } catch {
                    promise.fail(error)
                }
            }
            return ending(promise.futureResult)
        }

        /// Multi-row `INSERT`s of `rows` (each `columns` values), `batch` rows per statement:
        /// `prefix` is `INSERT INTO t (a, b)`, `suffix` the `ON CONFLICT` clause.
        func insert(prefix: String, suffix: String, columns: Int, rows: [[String?]], batch: Int = 1000, casts: [String]? = nil) throws {
            var start = 0
            while start < rows.count {
                let end = min(start + batch, rows.count)
                var sql = prefix + " VALUES "
                var binds = PostgresBindings(capacity: (end - start) * columns)
                var n = 0
                for i in start..<end {
                    sql += i == start ? "(" : ",("
                    for c in 0..<columns {
                        n += 1
                        sql += (c == 0 ? "$\(n)" : ",$\(n)") + (casts?[c] ?? "")
                        binds.append(rows[i][c])
                    }
                    sql += ")"
                }
                try execute(PostgresQuery(unsafeSQL: sql + " " + suffix, binds: binds))
                start = end
            }
        }
    }
}
