import VendorMatchCore
import VendorMatchProto

/// What the server needs from the rest of the system: ranking, case-study search, durable writes.
///
/// The server validates and converts wire messages before calling it (requests and records arrive
/// validated, codes canonical) and maps thrown `VMError`/`FieldError` to gRPC statuses. A write must be
/// durable before it returns and visible to the very next `shortlist` on any connection. Implementations
/// are called concurrently.
///
/// Threads: the synchronous methods may block (ranking, encoding, SQLite reads); the server calls them on
/// its bounded worker pool (`RequestWorkers`), never on an event loop. The async writes are awaited from a
/// task and should do their blocking work on a thread of their own.
public protocol VendorMatchBackend: Sendable {
    /// Validates incoming records and requests exactly like the importer.
    var codec: RecordCodec { get }

    /// Ranks vendors for a validated request; without `explain`, reasons, matched cases and referral
    /// summaries may be left out. Blocking: called on the worker pool.
    /// With `log` false it is not written to the shortlist log.
    func shortlist(_ request: BuyerRequest, explain: Bool, log: Bool) throws -> Vendormatch_V1_ShortlistResponse

    /// Case studies comparable to a prospect profile (industry and size canonical, services valid, k in
    /// range). Blocking, like `shortlist`.
    func findCaseStudies(_ request: Vendormatch_V1_FindCaseStudiesRequest) throws -> Vendormatch_V1_FindCaseStudiesResponse

    /// Inserts or replaces vendors (all or nothing).
    func upsert(vendors: [Vendor]) async throws
    /// Inserts or replaces case studies (all or nothing); their vendors must exist (`VMError.notFound` or `.invalidInput`).
    func upsert(caseStudies: [CaseStudy]) async throws
    /// Inserts or replaces referrals (all or nothing); their vendors must exist.
    func record(referrals: [Referral]) async throws
    /// Records buyer outcomes (all or nothing); request id, vendor id and grade 0–2 are checked by the server.
    func record(outcomes: [Vendormatch_V1_Outcome]) async throws

    /// One vendor, or nil. Blocking (may read SQLite).
    func vendor(id: String) throws -> Vendor?
    /// Deletes a vendor with its case studies and referrals; false if it did not exist.
    func deleteVendor(id: String) async throws -> Bool

    /// Record counts of the catalogue as `buyer` may see them: with a buyer, other buyers' referrals and
    /// outcomes are not counted; nil counts everything. Blocking (may read SQLite).
    func counts(visibleTo buyer: String?) throws -> Vendormatch_V1_CatalogueCounts

    /// The stored `buyer_org` of each referral id that exists (a nil value: a referral for every buyer).
    /// Blocking (may read SQLite).
    func referralBuyers(ids: [String]) throws -> [String: String?]

    /// The online evaluation (`OutcomeReport`) as `buyer` may see it: with a buyer, only its own
    /// shortlists; nil: all. May be a few seconds old. Blocking (reads the shortlist log).
    func outcomeWeeks(visibleTo buyer: String?) throws -> [OutcomeReport.Row]

    /// The catalogue version the index holds (CONTRACT §8): after a write returns, at least that write's
    /// version. Nil when the backend does not track versions.
    var catalogueVersion: UInt64? { get }

    /// How far the index is behind the catalogue of record (nil: it cannot be, one process owns the store).
    var catalogueLag: CatalogueFollower.Lag? { get }

    /// Blocks until the index holds catalogue version `version` or `deadline` passes; true when it does.
    /// Called on the worker pool.
    func waitForCatalogueVersion(_ version: UInt64, deadline: ContinuousClock.Instant) -> Bool

    /// Work going on in the background (e.g. encoding case-study needs after a start without their
    /// vectors), reported by Stats.
    func backgroundTasks() -> [BackgroundTask]
}

extension VendorMatchBackend {
    public func outcomeWeeks(visibleTo buyer: String?) throws -> [OutcomeReport.Row] { [] }
    public func backgroundTasks() -> [BackgroundTask] { [] }
    public var catalogueVersion: UInt64? { nil }
    public var catalogueLag: CatalogueFollower.Lag? { nil }
    public func waitForCatalogueVersion(_ version: UInt64, deadline: ContinuousClock.Instant) -> Bool { true }
}

/// One background task's progress: `done` of `total` items; `finished` once its result is in use.
public struct BackgroundTask: Sendable, Equatable {
    public var name: String
    public var done: Int
    public var total: Int
    public var finished: Bool

    public init(name: String, done: Int, total: Int, finished: Bool) {
        self.name = name
        self.done = done
        self.total = total
        self.finished = finished
    }

    /// How Stats reports it without a field of its own: an entry of `methods` named
    /// `background/<name>` whose `requests` counts the items done and `errors` the items still to do.
    var methodStats: Vendormatch_V1_MethodStats {
        var m = Vendormatch_V1_MethodStats()
        m.method = "background/\(name)"
        m.requests = UInt64(max(0, done))
        m.errors = UInt64(max(0, total - done))
        return m
    }
}
