import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import VendorMatchCore
import VendorMatchProto
import VendorMatchRanking
import VendorMatchStore

/// The production backend: the catalogue store is the truth, the ranking engine its in-memory index.
///
/// Writes run one at a time on a dedicated thread (the store blocks; the cooperative pool must not): each
/// is committed to the store first, then reaches the engine, and only then is acknowledged with its
/// catalogue version — so an OK write survives a crash and is seen by the very next Shortlist on any
/// connection. Alone on a SQLite file, the writer applies it to the engine itself. With a `follower`
/// (several rankers on one PostgreSQL store), the engine changes only through the follower, in version
/// order: the writer waits until the follower has applied the write's version, so a write that fails in
/// the store changes no ranker and every ranker applies every write in the same order.
public final class CatalogueBackend: VendorMatchBackend {
    public let codec: RecordCodec
    private let engine: RankingEngine
    private let store: any CatalogueStoring
    private let writer: NIOThreadPool
    /// Applies the store's change log to the engine (nil: this process is the only writer).
    public let follower: CatalogueFollower?
    /// The catalogue version the engine holds when there is no follower.
    private let localVersion: NIOLockedValueBox<UInt64>
    /// How long a write waits for the follower to apply it before answering UNAVAILABLE.
    public let applyTimeout: Duration
    /// Where served shortlists are logged (nil: not logged, and outcomes are not checked against the log).
    public let shortlistLog: ShortlistLogger?
    /// How long Stats reuses an online evaluation it computed.
    public let outcomeReportLifetime: Duration
    private let outcomeCache = NIOLockedValueBox<[String: (at: ContinuousClock.Instant, rows: [OutcomeReport.Row])]>([:])

    /// - Parameters:
    ///   - version: the catalogue version `engine` was built at (a snapshot's), without a follower.
    ///   - follower: the change-log follower feeding `engine` (started by the caller), for a shared store.
    public init(engine: RankingEngine, store: any CatalogueStoring, codec: RecordCodec, shortlistLog: ShortlistLogger? = nil,
                outcomeReportLifetime: Duration = .seconds(10), version: UInt64 = 0, follower: CatalogueFollower? = nil,
                applyTimeout: Duration = .seconds(30)) {
        self.outcomeReportLifetime = outcomeReportLifetime
        self.follower = follower
        self.localVersion = NIOLockedValueBox(version)
        self.applyTimeout = applyTimeout
        self.engine = engine
        self.store = store
        self.codec = codec
        self.shortlistLog = shortlistLog
        writer = NIOThreadPool(numberOfThreads: 1)
        writer.start()
    }

    deinit {
        writer.shutdownGracefully { _ in }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await writer.runIfActive(body)
    }

    /// Commits a catalogue write and brings the engine to its version: through the follower when there is
    /// one, else by `applyLocally`. Returns the version. Runs on the writer thread.
    private func commit(_ store: @escaping @Sendable () throws -> UInt64, applyLocally: @escaping @Sendable () -> Void) async throws -> UInt64 {
        let (follower, localVersion, timeout) = (self.follower, self.localVersion, self.applyTimeout)
        return try await write {
            let version = try store()
            if let follower {
                follower.poke(knownVersion: version)
                guard follower.waitUntilApplied(version, deadline: .now + timeout) else {
                    throw VMError(.unavailable, "the write is committed as catalogue version \(version) but this ranker has not applied it yet (the change feed is behind); read with min-catalogue-version \(version)")
                }
            } else {
                applyLocally()
                localVersion.withLockedValue { $0 = max($0, version) }
            }
            return version
        }
    }

    public var catalogueVersion: UInt64? {
        follower?.appliedVersion ?? localVersion.withLockedValue { $0 }
    }

    public var catalogueLag: CatalogueFollower.Lag? { follower?.lag }

    public func waitForCatalogueVersion(_ version: UInt64, deadline: ContinuousClock.Instant) -> Bool {
        if let follower { return follower.waitUntilApplied(version, deadline: deadline) }
        // Alone on the store, only this process's writes (in flight now) can bring the version.
        while localVersion.withLockedValue({ $0 }) < version {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return true
    }

    public func shortlist(_ request: BuyerRequest, explain: Bool, log: Bool = true) throws -> Vendormatch_V1_ShortlistResponse {
        let list = try engine.shortlist(request, explain: explain, logCandidates: log && shortlistLog != nil)
        if log, let shortlistLog, let served = list.served { shortlistLog.enqueue(request, served: served) }
        var r = Vendormatch_V1_ShortlistResponse()
        r.requestID = list.requestID
        r.candidateCount = Int32(clamping: list.candidateCount)
        r.vendors = list.vendors.map { Vendormatch_V1_RankedVendor($0, explain: explain) }
        return r
    }

    /// The semantic channel's vectors, while `serve` computes those a database lacked
    /// (`semantic-vectors`: case studies with a need whose vector is in; finished when the channel is on).
    public func backgroundTasks() -> [BackgroundTask] {
        guard let p = engine.semanticProgress else { return [] }
        return [BackgroundTask(name: "semantic-vectors", done: p.encoded, total: p.needs, finished: p.active)]
    }

    public func findCaseStudies(_ request: Vendormatch_V1_FindCaseStudiesRequest) throws -> Vendormatch_V1_FindCaseStudiesResponse {
        let query = CaseQuery(
            industry: request.hasIndustry ? request.industry : nil,
            size: request.hasSize ? SizeBand(label: request.size) : nil,
            need: request.hasNeed ? request.need : nil,
            serviceTypes: request.serviceTypes,
            vendorID: request.hasVendorID ? request.vendorID : nil,
            k: request.hasK ? Int(request.k) : 10
        )
        var r = Vendormatch_V1_FindCaseStudiesResponse()
        r.cases = try engine.findCaseStudies(query).map(Vendormatch_V1_CaseMatch.init)
        return r
    }

    public func upsert(vendors: [Vendor]) async throws {
        let (store, engine) = (self.store, self.engine)
        _ = try await commit({ try store.upsert(vendors: vendors) }, applyLocally: { engine.upsert(vendors: vendors) })
    }

    public func upsert(caseStudies: [CaseStudy]) async throws {
        let (store, engine) = (self.store, self.engine)
        _ = try await commit({ try store.upsert(caseStudies: caseStudies) }, applyLocally: { engine.upsert(caseStudies: caseStudies) })
    }

    public func record(referrals: [Referral]) async throws {
        let (store, engine) = (self.store, self.engine)
        _ = try await commit({ try store.insert(referrals: referrals) }, applyLocally: { engine.add(referrals: referrals) })
    }

    public func record(outcomes: [Vendormatch_V1_Outcome]) async throws {
        let store = self.store
        let records = outcomes.map {
            Outcome(requestID: $0.requestID, buyerOrg: $0.hasBuyerOrg ? $0.buyerOrg : nil, vendorID: $0.vendorID, grade: Int($0.grade))
        }
        // Outcomes join the log: with one, every request id must name a logged shortlist (queued ones included).
        let log = shortlistLog
        try await shortlistLog?.flush()
        try await write {
            if let log {
                let logged = try log.loggedRequestBuyers(Array(Set(records.map(\.requestID))))
                for (i, o) in records.enumerated() {
                    guard let servedTo = logged[o.requestID] else {
                        throw FieldError(field: "outcomes[\(i)].request_id",
                                         reason: "no served shortlist is logged under request id \"\(o.requestID)\" (never served here, or older than the log's retention)")
                    }
                    // A buyer's outcomes are about its own shortlists: another organisation's are not its to grade.
                    if let servedTo, let buyer = o.buyerOrg, servedTo != buyer {
                        throw VMError(.permissionDenied, "the shortlist \"\(o.requestID)\" was served to another buyer organisation",
                                      field: "outcomes[\(i)].request_id")
                    }
                }
            }
            try store.record(outcomes: records)
        }
    }

    public func vendor(id: String) throws -> Vendor? {
        try store.vendor(id: id)
    }

    public func deleteVendor(id: String) async throws -> Bool {
        let (store, engine) = (self.store, self.engine)
        let deleted = NIOLockedValueBox(false)
        _ = try await commit({
            let result = try store.deleteVendor(returningVersion: id)
            deleted.withLockedValue { $0 = result.deleted }
            return result.version
        }, applyLocally: { _ = engine.deleteVendor(id: id) })
        return deleted.withLockedValue { $0 }
    }

    public func counts(visibleTo buyer: String?) throws -> Vendormatch_V1_CatalogueCounts {
        let live = engine.counts
        var c = Vendormatch_V1_CatalogueCounts()
        c.vendors = UInt64(live.vendors)
        c.caseStudies = UInt64(live.caseStudies)
        if let buyer {
            let visible = try store.privateRecordCounts(visibleTo: buyer)
            c.referrals = UInt64(visible.referrals)
            c.outcomes = UInt64(visible.outcomes)
        } else {
            c.referrals = UInt64(live.referrals)
            c.outcomes = UInt64(try store.counts().outcomes)
        }
        return c
    }

    public func referralBuyers(ids: [String]) throws -> [String: String?] {
        try store.referralBuyers(ids: ids)
    }

    /// Reads the whole shortlist log, so a result is kept for `outcomeReportLifetime` per buyer (the
    /// server calls it on its worker pool, never on an event loop).
    public func outcomeWeeks(visibleTo buyer: String?) throws -> [OutcomeReport.Row] {
        let key = buyer ?? ""
        if let cached = outcomeCache.withLockedValue({ $0[key] }), ContinuousClock.now - cached.at < outcomeReportLifetime {
            return cached.rows
        }
        guard let store = store as? any ShortlistLogStoring else { return [] }
        let rows = try OutcomeReport.compute(store: store, buyer: buyer)
        outcomeCache.withLockedValue { $0[key] = (ContinuousClock.now, rows) }
        return rows
    }
}

extension Vendormatch_V1_CaseMatch {
    init(_ m: CaseMatch) {
        self.init()
        caseStudyID = m.caseStudyID
        vendorID = m.vendorID
        score = m.score
        if let v = m.industry { industry = v }
        if let v = m.size { size = v }
        if let v = m.need { need = v }
        if let v = m.service { service = v }
        credibility = m.credibility
        caseStudy = Vendormatch_V1_CaseStudy(m.caseStudy)
    }
}

extension Vendormatch_V1_RankedVendor {
    init(_ v: RankedVendor, explain: Bool) {
        self.init()
        vendorID = v.vendorID
        name = v.name
        score = v.score
        breakdown.industry = v.components.industry
        breakdown.size = v.components.size
        breakdown.need = v.components.need
        breakdown.service = v.components.service
        breakdown.trust = v.components.trust
        breakdown.quality = v.components.quality
        breakdown.other = v.components.other
        quality = v.quality
        evaluationCount = Int32(clamping: v.evaluationCount)
        if explain {
            matchedCases = v.matchedCases.map(Vendormatch_V1_CaseMatch.init)
            referrals = v.referrals.map { s in
                var r = Vendormatch_V1_ReferralSummary()
                r.referrerType = s.referrerType.rawValue
                r.count = Int32(clamping: s.count)
                r.contribution = s.contribution
                return r
            }
            reasons = v.reasons
        }
    }
}
