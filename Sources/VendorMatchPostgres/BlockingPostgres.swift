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

    private func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        configuration.options.connectTimeout = connectTimeout
        let fresh = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger).wait()
        connection = fresh
        return fresh
    }

    /// Runs `body` with the connection, opening it first when needed.
    func withSession<T>(_ what: String, _ body: (Session) throws -> T) throws(VMError) -> T {
        do {
            return try lock.withLock {
                let session = Session(connection: try open(), logger: logger)
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
        guard let psql = error as? PSQLError else { return false }
        guard let state = psql.serverInfo?[.sqlState] else { return true }
        return state.hasPrefix("57") || state.hasPrefix("08")
    }

    /// Closes and forgets the connection (the lock is held): the next call opens a new one.
    private func dropConnection() {
        if let old = connection { Self.close(old) }
        connection = nil
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
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// The connection inside one `withSession` call.
    struct Session {
        let connection: PostgresConnection
        let logger: Logger

        @discardableResult
        func query(_ query: PostgresQuery) throws -> [PostgresRow] {
            try connection.query(query, logger: logger).wait().rows
        }

        func execute(_ query: PostgresQuery) throws {
            _ = try connection.query(query, logger: logger).wait()
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
            return promise.futureResult
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
