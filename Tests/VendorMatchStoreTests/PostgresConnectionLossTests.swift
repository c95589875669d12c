import Foundation
import Logging
import NIOCore
import NIOPosix
@testable import PostgresNIO
import Testing
import VendorMatchCore
import VendorMatchStore
@testable import VendorMatchPostgres

/// A connection the server closes under a blocking caller: the call fails (`unavailable`), never waits
/// forever, and the next call opens a new connection. A ranker whose write waited forever after a
/// PostgreSQL restart held the store's lock, and every later write on it queued behind.
@Suite(.timeLimit(.minutes(1))) struct PostgresConnectionLossTests {
    private func connection(_ url: PostgresStoreURL) -> BlockingPostgres {
        BlockingPostgres(url: url, group: MultiThreadedEventLoopGroup.singleton, connectTimeout: .seconds(5), logger: Logger(label: "test"))
    }

    @Test(.enabled(if: testPostgresServer != nil))
    func aSessionWhoseBackendEndsFailsItsNextStatementAtOnceAndTheNextCallReconnects() throws {
        let url = try PostgresAdmin.createDatabase(StoreKind.freshDatabaseName(), on: try #require(testPostgresServer))
        let db = connection(url)
        let first = try db.withSession("pid") { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self) }
        let outcome = try finishing(within: .seconds(10)) { () -> (transaction: VMError?, secondStatement: (any Error)?) in
            var secondStatement: (any Error)?
            do {
                try db.transaction("ending its own backend") { s in
                    do {
                        try s.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                    } catch {
                        // Give the event loop time to tear the channel down: a statement sent into it now
                        // would be dropped by postgres-nio, its future never completed.
                        Thread.sleep(forTimeInterval: 0.3)
                        do { try s.execute("SELECT 1") } catch { secondStatement = error }
                        throw error
                    }
                }
                return (nil, secondStatement)
            } catch {
                return (error as? VMError ?? VMError(.internalError, "\(error)"), secondStatement)
            }
        }
        let error = try #require(outcome.transaction, "a terminated backend's transaction committed")
        #expect(error.code == .unavailable, "\(error)")
        #expect(error.message.contains("57P01"), "the server's reason is kept: \(error.message)")
        #expect(outcome.secondStatement is BlockingPostgres.ConnectionLost, "\(String(describing: outcome.secondStatement))")
        let second = try db.withSession("pid") { try $0.query("SELECT pg_backend_pid()")[0].decode(Int32.self) }
        #expect(second != first)
    }

    @Test(.enabled(if: testPostgresServer != nil))
    func aStatementThePoolNeverAnswersFailsWhenItsConnectionCloses() throws {
        let url = try PostgresAdmin.createDatabase(StoreKind.freshDatabaseName(), on: try #require(testPostgresServer))
        let db = connection(url)
        // A future nothing completes stands for a query postgres-nio dropped; closing the connection
        // must end the wait on it with `ConnectionLost`.
        let (waited, neverAnswered) = try db.withSession("a dropped statement") { s -> (Result<Int, any Error>, EventLoopPromise<Int>) in
            let never = s.connection.eventLoop.makePromise(of: Int.self)
            let guarded = s.ending(never.futureResult)
            s.connection.eventLoop.scheduleTask(in: .milliseconds(100)) { BlockingPostgres.close(s.connection) }
            return (Result { try guarded.wait() }, never)
        }
        #expect(throws: BlockingPostgres.ConnectionLost.self) { try waited.get() }
        #expect(BlockingPostgres.Abandoned.count >= 1)
        neverAnswered.succeed(1)
        // Kept until completed, then released.
        let deadline = ContinuousClock.now + .seconds(2)
        while BlockingPostgres.Abandoned.count > 0 && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(BlockingPostgres.Abandoned.count == 0)
        // The next call notices the closed connection and opens another.
        #expect(try db.withSession("again") { try $0.query("SELECT 1")[0].decode(Int.self) } == 1)
    }

    @Test(.enabled(if: testPostgresServer != nil))
    func answeredStatementsLeaveNothingWaitingOnTheirConnection() throws {
        let url = try PostgresAdmin.createDatabase(StoreKind.freshDatabaseName(), on: try #require(testPostgresServer))
        let db = connection(url)
        let (sum, waiting) = try db.withSession("many statements") { s -> (Int, Int) in
            var sum = 0
            for i in 1...200 { sum += try s.query("SELECT \(i)::int8")[0].decode(Int.self) }
            _ = try? s.execute("SELECT no_such_column")
            return (sum, s.waiters.count)
        }
        #expect(sum == 200 * 201 / 2)
        #expect(waiting == 0, "statements answered long ago still held by the connection")
    }

    @Test(.enabled(if: testPostgresServer != nil))
    func aStoreWritesAgainAfterItsBackendsAreTerminated() throws {
        let server = try #require(testPostgresServer)
        let name = StoreKind.freshDatabaseName()
        let url = try PostgresAdmin.createDatabase(name, on: server)
        let store = try PostgresCatalogueStore(url: url)
        try store.upsert(vendors: [Vendor(id: "before", name: "V")])
        let admin = connection(server)
        let ended = try admin.withSession("terminating") { s in
            try s.query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = \(name)")[0].decode(Int.self)
        }
        #expect(ended >= 1)
        let written = try finishing(within: .seconds(10)) { () -> Int in
            var written = 0
            for i in 0..<3 {
                do {
                    _ = try store.upsert(vendors: [Vendor(id: "after-\(i)", name: "V")])
                    written += 1
                } catch {
                    #expect((error as? VMError)?.code == .unavailable, "\(error)")
                }
            }
            return written
        }
        #expect(written >= 2)
    }

    private struct Hung: Error, CustomStringConvertible {
        let description: String
    }

    /// `body`'s result, run on a thread of its own; a body still blocked after `limit` fails the test
    /// (its thread is left behind) instead of hanging the whole run.
    private func finishing<T>(within limit: Duration, _ body: @escaping @Sendable () -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: T?
        Thread.detachNewThread {
            result = body()
            done.signal()
        }
        guard done.wait(timeout: .now() + .milliseconds(Int(limit.components.seconds) * 1000)) == .success else {
            throw Hung(description: "still waiting after \(limit)")
        }
        return result!
    }
}

/// The store's sockets notice a silent server (see `PostgresConnector`): keepalive probes and a limit on
/// unacknowledged data, read back from the kernel.
@Suite struct PostgresSocketOptionTests {
    @Test(.enabled(if: testPostgresServer != nil))
    func theStoresSocketsProbeAndLimitUnacknowledgedData() throws {
        let url = try #require(testPostgresServer)
        let channel = try PostgresConnector.socket(to: url, on: MultiThreadedEventLoopGroup.singleton.next(), timeout: .seconds(5)).wait()
        defer { channel.close(promise: nil) }
        let tcp = SocketOptionLevel(IPPROTO_TCP)
        func option(_ level: SocketOptionLevel, _ name: Int32) throws -> Int {
            try channel.getOption(ChannelOptions.Types.SocketOption(level: level, name: name)).wait()
        }
        #expect(try option(SocketOptionLevel(SOL_SOCKET), SO_KEEPALIVE) != 0)
        #expect(try option(tcp, TCP_KEEPIDLE) == 10)
        #expect(try option(tcp, TCP_KEEPINTVL) == 5)
        #expect(try option(tcp, TCP_KEEPCNT) == 3)
        #expect(try option(tcp, TCP_USER_TIMEOUT) == 30_000)
    }
}

/// What a user reads when the connection broke under a statement.
@Suite struct PostgresErrorTextTests {
    @Test func aBrokenConnectionNamesTheCauseNotTheSystemCall() {
        let error = PSQLError.connectionError(underlying: IOError(errnoCode: ETIMEDOUT, reason: "read(descriptor:pointer:size:)"))
        let vm = PostgresErrors.vmError("storing records in postgres://vm@h:5432/db", error)
        #expect(vm.code == .unavailable)
        #expect(vm.message == "storing records in postgres://vm@h:5432/db: connection lost: Connection timed out (errno 110)")
    }
}
