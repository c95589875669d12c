import NIOCore
import NIOPosix
import Synchronization

/// The bounded pool that runs request work off the event loops: ranking, need encoding, protobuf
/// encoding of responses, SQLite reads (key checks, GetVendor, Stats counts) and the preparation of
/// writes. The event loops only decode frames, route them and write responses.
///
/// Two bounds keep it from queueing without limit: a fixed number of threads (the cores, by default),
/// and `maximumInFlight`, the requests admitted at once across all connections (running, waiting for a
/// thread, or waiting for the writer). A request that finds the pool full is not queued: `tryAcquire`
/// fails and the caller answers RESOURCE_EXHAUSTED at once.
final class RequestWorkers: Sendable {
    /// Requests admitted at once, over all connections.
    let maximumInFlight: Int
    /// Worker threads.
    let threads: Int
    private let admitted = Atomic<Int>(0)
    private let pool: NIOThreadPool

    /// Starts `threads` worker threads.
    init(threads: Int, maximumInFlight: Int) {
        self.threads = max(1, threads)
        self.maximumInFlight = max(1, maximumInFlight)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// Requests admitted now.
    var inFlight: Int { admitted.load(ordering: .relaxed) }

    /// Takes one of the `maximumInFlight` places; false (and nothing taken) when all are taken. Every
    /// successful call must be matched by one `release()`.
    func tryAcquire() -> Bool {
        let now = admitted.wrappingAdd(1, ordering: .acquiring).newValue
        if now > maximumInFlight {
            admitted.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back a place taken by `tryAcquire`.
    func release() {
        admitted.wrappingSubtract(1, ordering: .releasing)
    }

    /// Runs `body` on a worker thread; its result completes the future on `loop`.
    func submit<T: Sendable>(on loop: any EventLoop, _ body: @escaping @Sendable () throws -> T) -> EventLoopFuture<T> {
        pool.runIfActive(eventLoop: loop, body)
    }

    /// Runs `body` on a worker thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
