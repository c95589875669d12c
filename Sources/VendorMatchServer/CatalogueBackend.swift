import NIOConcurrencyHelpers
import NIOPosix
import VendorMatchCore
import VendorMatchProto
import VendorMatchRanking
import VendorMatchStore

/// The production backend: the SQLite catalogue is the truth, the ranking engine its in-memory index.
///
/// Writes run one at a time on a dedicated thread (SQLite blocks; the cooperative pool must not): each
/// is committed to SQLite (`synchronous = FULL`) first, then applied to the engine, and only then
/// acknowledged — so an OK write survives a crash and is seen by the very next Shortlist on any
/// connection. Serializing writes keeps the engine in the same order as the database.
public final class CatalogueBackend: VendorMatchBackend {
    public let codec: RecordCodec
    private let engine: RankingEngine
    private let store: CatalogueStore
    private let writer: NIOThreadPool
    /// Where served shortlists are logged (nil: not logged, and outcomes are not checked against the log).
    public let shortlistLog: ShortlistLogger?
    /// How long Stats reuses an online evaluation it computed.
    public let outcomeReportLifetime: Duration
    private let outcomeCache = NIOLockedValueBox<[String: (at: ContinuousClock.Instant, rows: [OutcomeReport.Row])]>([:])

    public init(engine: RankingEngine, store: CatalogueStore, codec: RecordCodec, shortlistLog: ShortlistLogger? = nil,
                outcomeReportLifetime: Duration = .seconds(10)) {
        self.outcomeReportLifetime = outcomeReportLifetime
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

    public func shortlist(_ request: BuyerRequest, explain: Bool) throws -> Vendormatch_V1_ShortlistResponse {
        let list = try engine.shortlist(request, explain: explain, logCandidates: shortlistLog != nil)
        if let shortlistLog, let served = list.served { shortlistLog.enqueue(request, served: served) }
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
        try await write {
            try store.upsert(vendors: vendors)
            engine.upsert(vendors: vendors)
        }
    }

    public func upsert(caseStudies: [CaseStudy]) async throws {
        let (store, engine) = (self.store, self.engine)
        try await write {
            try store.upsert(caseStudies: caseStudies)
            engine.upsert(caseStudies: caseStudies)
        }
    }

    public func record(referrals: [Referral]) async throws {
        let (store, engine) = (self.store, self.engine)
        try await write {
            try store.insert(referrals: referrals)
            engine.add(referrals: referrals)
        }
    }

    public func record(outcomes: [Vendormatch_V1_Outcome]) async throws {
        let store = self.store
        let records = outcomes.map {
            Outcome(requestID: $0.requestID, buyerOrg: $0.hasBuyerOrg ? $0.buyerOrg : nil, vendorID: $0.vendorID, grade: Int($0.grade))
        }
        // Outcomes join the log: with one, every request id must name a logged shortlist (queued ones included).
        let checked = shortlistLog != nil
        try await shortlistLog?.flush()
        try await write {
            if checked {
                let logged = try store.loggedRequestBuyers(Array(Set(records.map(\.requestID))))
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
        return try await write {
            let deleted = try store.deleteVendor(id: id)
            _ = engine.deleteVendor(id: id)
            return deleted
        }
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
