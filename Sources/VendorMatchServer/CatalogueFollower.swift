import Foundation
import Logging
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

/// Keeps a ranker's in-memory index in step with the catalogue of record: applies the store's change log
/// in version order (CONTRACT §8).
///
/// One thread of its own reads `changes(after: applied)` and applies each version's changes to the engine,
/// then publishes the version. It reads when the store notifies a commit (`watchChanges`, LISTEN/NOTIFY for
/// PostgreSQL), when poked by this process's own writes, and at least every `pollInterval`, so a lost
/// notification or a reconnect only delays it. A read that fails (the database restarting) is retried from
/// the same version: nothing is skipped or applied twice.
public final class CatalogueFollower: @unchecked Sendable {
    /// Limits and intervals of a follower.
    public struct Configuration: Sendable {
        /// How often the log is read when no notification comes.
        public var pollInterval: Duration
        /// Versions read per query.
        public var batch: Int

        public init(pollInterval: Duration = .seconds(1), batch: Int = 500) {
            self.pollInterval = pollInterval
            self.batch = batch
        }
    }

    /// How far behind the store the index is.
    public struct Lag: Sendable, Equatable {
        /// The newest version applied to the index.
        public var applied: UInt64
        /// Versions known to be committed but not applied yet.
        public var versions: UInt64
        /// Time since the index was last known to hold everything committed (0 while it does).
        public var duration: Duration
    }

    private let store: any CatalogueStoring
    private let engine: RankingEngine
    private let configuration: Configuration
    private let logger: Logger
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var applied: UInt64
    private var latestKnown: UInt64
    private var caughtUpAt: ContinuousClock.Instant
    private var current = true
    private var poked = false
    private var stopped = false
    private var stopWatching: (@Sendable () -> Void)?

    /// A follower of `store` for `engine`, which holds the catalogue as of `version` (a snapshot's).
    public init(store: any CatalogueStoring, engine: RankingEngine, startingAt version: UInt64,
                configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        applied = version
        latestKnown = version
        caughtUpAt = .now
    }

    /// Starts following: the watch on the store and the applying thread.
    public func start() {
        let watch = store.watchChanges { [weak self] version in self?.poke(knownVersion: version) }
        // Read once at once: writes committed between the snapshot and the watch have notified no one.
        condition.withLock { stopWatching = watch; poked = true }
        let thread = Thread { [self] in run() }
        thread.name = "vendormatch-follower"
        thread.start()
    }

    /// Stops the thread and the watch.
    public func stop() {
        let watch = condition.withLock { () -> (@Sendable () -> Void)? in
            stopped = true
            condition.broadcast()
            return stopWatching
        }
        watch?()
    }

    /// Reads the log now (a write of this process committed, or a notification came).
    public func poke(knownVersion: UInt64? = nil) {
        condition.withLock {
            if let knownVersion, knownVersion > latestKnown { latestKnown = knownVersion }
            poked = true
            condition.signal()
        }
    }

    /// The newest version applied to the index.
    public var appliedVersion: UInt64 { condition.withLock { applied } }

    /// How far behind the index is now.
    public var lag: Lag {
        condition.withLock {
            let behind = latestKnown > applied ? latestKnown - applied : 0
            return Lag(applied: applied, versions: behind, duration: current && behind == 0 ? .zero : ContinuousClock.now - caughtUpAt)
        }
    }

    /// Blocks until `version` is applied or `deadline` passes; true when it is applied. Reads the log at
    /// once when the version is not applied yet.
    public func waitUntilApplied(_ version: UInt64, deadline: ContinuousClock.Instant) -> Bool {
        condition.withLock {
            if applied < version { poked = true; condition.broadcast() }
            while applied < version {
                let left = deadline - .now
                if left <= .zero || stopped { return false }
                let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18
                _ = condition.wait(until: Date(timeIntervalSinceNow: min(seconds, 1)))
            }
            return true
        }
    }

    private func run() {
        var failures = 0
        while true {
            let stop = condition.withLock { () -> Bool in
                if !poked && !stopped {
                    let seconds = Double(configuration.pollInterval.components.seconds) + Double(configuration.pollInterval.components.attoseconds) * 1e-18
                    _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                }
                poked = false
                return stopped
            }
            if stop { return }
            do {
                try catchUp()
                if failures > 0 { logger.info("change feed reading again", metadata: ["vm.catalogue.version": "\(appliedVersion)"]) }
                failures = 0
            } catch {
                condition.withLock { current = false }
                if failures == 0 || failures % 30 == 0 {
                    logger.warning("change feed: cannot read the change log; retrying", metadata: ["vm.error": "\(error)"])
                }
                failures += 1
            }
        }
    }

    /// Applies every committed version after `applied`, batch by batch.
    private func catchUp() throws {
        while true {
            let asked = ContinuousClock.now
            let from = appliedVersion
            let changes = try store.changes(after: from, limit: configuration.batch)
            var index = 0
            while index < changes.count {
                let version = changes[index].version
                var end = index
                while end < changes.count, changes[end].version == version { end += 1 }
                try apply(changes[index..<end])
                condition.withLock {
                    applied = version
                    if version > latestKnown { latestKnown = version }
                    condition.broadcast()
                }
                index = end
            }
            let versionsRead = changes.last.map { Int($0.version - from) } ?? 0
            if versionsRead < configuration.batch {
                condition.withLock {
                    current = true
                    caughtUpAt = asked
                    if latestKnown < applied { latestKnown = applied }
                }
                return
            }
        }
    }

    /// One version's changes, in the order they were made.
    private func apply(_ changes: ArraySlice<CatalogueChange>) throws {
        for change in changes {
            switch change.operation {
            case let .upsertVendor(v): engine.upsert(vendors: [v])
            case let .upsertCaseStudy(c): engine.upsert(caseStudies: [c])
            case let .upsertReferral(r): engine.add(referrals: [r])
            case let .deleteVendor(id): _ = engine.deleteVendor(id: id)
            case .reload:
                // An import upserts records without listing them: take every record as the store has it now
                // (later versions replayed after it only repeat what it already holds).
                let catalogue = try store.loadCatalogue()
                engine.upsert(vendors: catalogue.vendors)
                engine.upsert(caseStudies: catalogue.caseStudies)
                engine.add(referrals: catalogue.referrals)
                logger.info("change feed: reloaded the catalogue after an import", metadata: ["vm.catalogue.version": "\(change.version)"])
            }
        }
    }
}
