import Foundation
import Logging
import NIOPosix
import Synchronization
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

/// Logs every served shortlist (its candidates' feature rows as the second phase saw them, and the model
/// version) to the catalogue's `shortlist_log` (SQLite or PostgreSQL, any `ShortlistLogStoring`), off the
/// request path: `enqueue` only appends to a queue under a short lock; one background thread waits
/// `batchDelay`, then encodes and writes everything queued in one transaction, and applies the retention.
///
/// The queue is bounded (`maximumQueued`): when the disk cannot keep up, further shortlists are served but
/// not logged, and counted in `dropped` (a shortlist is never slowed or refused for its log).
public final class ShortlistLogger: Sendable {
    public struct Configuration: Sendable {
        /// Which logged shortlists to keep.
        public var retention: ShortlistLogRetention
        /// How long the writer waits after the first queued shortlist, to write a batch at once.
        public var batchDelay: Duration
        /// Shortlists queued at most (then dropped, counted).
        public var maximumQueued: Int
        /// Retention runs after a write when this much time has passed since the last run.
        public var pruneInterval: Duration

        public init(retention: ShortlistLogRetention = ShortlistLogRetention(), batchDelay: Duration = .milliseconds(100),
                    maximumQueued: Int = 20_000, pruneInterval: Duration = .seconds(10)) {
            self.retention = retention; self.batchDelay = batchDelay; self.maximumQueued = maximumQueued
            self.pruneInterval = pruneInterval
        }
    }

    private struct Entry {
        var request: BuyerRequest
        var served: ServedCandidates
        var at: Date
    }

    private struct State {
        var queued: [Entry] = []
        var scheduled = false
        var dropped = 0
        var written = 0
        var lastPrune: ContinuousClock.Instant?
    }

    public let configuration: Configuration
    private let store: any ShortlistLogStoring
    private let logger: Logger
    private let state = Mutex(State())
    private let thread: NIOThreadPool

    public init(store: any ShortlistLogStoring, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "vendormatch.shortlist-log")) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    deinit {
        thread.shutdownGracefully { _ in }
    }

    /// The buyer each logged request id was served to (ids never logged are absent). Blocking.
    public func loggedRequestBuyers(_ requestIDs: [String]) throws(VMError) -> [String: String?] {
        try store.loggedRequestBuyers(requestIDs)
    }

    /// Shortlists not logged because the queue was full; shortlists written.
    public var counters: (dropped: Int, written: Int) { state.withLock { ($0.dropped, $0.written) } }

    /// Queues a served shortlist for the log. Cheap: safe on an event loop.
    public func enqueue(_ request: BuyerRequest, served: ServedCandidates) {
        let schedule = state.withLock { s -> Bool in
            guard s.queued.count < configuration.maximumQueued else {
                s.dropped += 1
                return false
            }
            s.queued.append(Entry(request: request, served: served, at: Date()))
            if s.scheduled { return false }
            s.scheduled = true
            return true
        }
        if schedule {
            let delay = configuration.batchDelay
            thread.submit { [self] work in
                guard case .active = work else { return }
                Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                try? writeQueued()
            }
        }
    }

    /// Writes everything queued before the call; returns when it is in the database.
    public func flush() async throws {
        try await thread.runIfActive { [self] in try writeQueued(throwing: true) }
    }

    /// Takes the queue and writes it (on the log thread only).
    private func writeQueued(throwing: Bool = false) throws {
        let entries = state.withLock { s -> [Entry] in
            s.scheduled = false
            defer { s.queued.removeAll(keepingCapacity: true) }
            return s.queued
        }
        do {
            if !entries.isEmpty {
                var fingerprints: [[String]: String] = [:]
                let logged = entries.map { e in
                    let hash = fingerprints[e.served.features] ?? LoggedShortlist.fingerprint(of: e.served.features)
                    fingerprints[e.served.features] = hash
                    return LoggedShortlist(requestID: e.request.id, servedAt: e.at, modelVersion: e.served.modelVersion,
                                           featuresHash: hash, k: e.request.k, request: RecordCodec.json(e.request).serialized(),
                                           vendorIDs: e.served.vendorIDs, matrix: e.served.matrix)
                }
                try store.appendShortlistLog(logged, columns: Feature.allCases.count)
                state.withLock { $0.written += entries.count }
            }
            let now = ContinuousClock.now
            let due = state.withLock { s -> Bool in
                guard s.lastPrune.map({ now - $0 >= configuration.pruneInterval }) ?? true else { return false }
                s.lastPrune = now
                return true
            }
            if due {
                let deleted = try store.pruneShortlistLog(configuration.retention)
                if deleted > 0 { logger.debug("shortlist log retention", metadata: ["vm.log.deleted": "\(deleted)"]) }
            }
        } catch {
            logger.error("shortlist log: \(entries.count) shortlists not logged: \(error)")
            if throwing { throw error }
        }
    }
}
