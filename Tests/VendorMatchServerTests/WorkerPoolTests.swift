import Foundation
import NIOConcurrencyHelpers
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchWire

/// A backend whose shortlists wait at a gate the test opens: it stands for ranking that takes long
/// (a huge catalogue, the sentence encoder), and tells which thread the work ran on.
final class GatedBackend: VendorMatchBackend {
    let inner: CatalogueBackend
    private let gate = ConditionLock(value: 0)   // 0 closed, 1 open
    private let started = NIOLockedValueBox(0)

    init(_ inner: CatalogueBackend) { self.inner = inner }

    /// Lets every waiting and future shortlist through.
    func open() {
        gate.lock()
        gate.unlock(withValue: 1)
    }

    /// Shortlists that reached the backend.
    var shortlistsStarted: Int { started.withLockedValue { $0 } }

    var codec: RecordCodec { inner.codec }

    func shortlist(_ request: BuyerRequest, explain: Bool, log: Bool) throws -> Vendormatch_V1_ShortlistResponse {
        started.withLockedValue { $0 += 1 }
        gate.lock(whenValue: 1)
        gate.unlock()
        return try inner.shortlist(request, explain: explain, log: log)
    }

    func findCaseStudies(_ request: Vendormatch_V1_FindCaseStudiesRequest) throws -> Vendormatch_V1_FindCaseStudiesResponse {
        try inner.findCaseStudies(request)
    }
    func upsert(vendors: [Vendor]) async throws { try await inner.upsert(vendors: vendors) }
    func upsert(caseStudies: [CaseStudy]) async throws { try await inner.upsert(caseStudies: caseStudies) }
    func record(referrals: [Referral]) async throws { try await inner.record(referrals: referrals) }
    func record(outcomes: [Vendormatch_V1_Outcome]) async throws { try await inner.record(outcomes: outcomes) }
    func vendor(id: String) throws -> Vendor? { try inner.vendor(id: id) }
    func deleteVendor(id: String) async throws -> Bool { try await inner.deleteVendor(id: id) }
    func counts(visibleTo buyer: String?) throws -> Vendormatch_V1_CatalogueCounts { try inner.counts(visibleTo: buyer) }
    func referralBuyers(ids: [String]) throws -> [String: String?] { try inner.referralBuyers(ids: ids) }
    func outcomeWeeks(visibleTo buyer: String?) throws -> [OutcomeReport.Row] { try inner.outcomeWeeks(visibleTo: buyer) }
}

struct TimedOut: Error { var what: String }

/// Waits (polling, bounded) until `condition` holds.
func eventually(_ what: String, within: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let end = ContinuousClock.now + within
    while !condition() {
        guard ContinuousClock.now < end else { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

@Suite("Worker pool: the event loop never waits for request work")
struct WorkerPoolTests {
    @Test func healthIsAnsweredWhileEveryWorkerIsBusy() async throws {
        var gated: GatedBackend?
        let server = try await TestServer.start(ServerConfiguration(workerThreads: 2), wrap: { let g = GatedBackend($0); gated = g; return g })
        let backend = try #require(gated)
        try await RawConnection.with(port: server.port) { raw in
            // Two shortlists occupy both workers; a Health pipelined behind them on the same connection,
            // and one on another connection, must still be answered while they wait.
            var bytes: [UInt8] = []
            for id in UInt64(1)...2 {
                bytes += try FrameEncoder.bytes(.request(id: id, method: .shortlist, message: shortlistRequest(id: "busy\(id)")))
            }
            bytes += try FrameEncoder.bytes(.request(id: 3, method: .health, message: Vendormatch_V1_HealthRequest()))
            try await raw.write(bytes)
            try await eventually("both shortlists on the workers") { backend.shortlistsStarted == 2 }
            let (first, _) = try await raw.read(count: 1)
            #expect(first.map(\.id) == [3], "Health waited behind the shortlists")
            let other = try await server.client()
            #expect(try await other.health().status == "SERVING")
            #expect(backend.shortlistsStarted == 2)
            await other.close()
            backend.open()
            let (rest, _) = try await raw.read(count: 2)
            #expect(Set(rest.map(\.id)) == [1, 2])
            #expect(rest.allSatisfy { $0.statusCode == .ok })
        }
        try await server.stop()
    }

    @Test func refusesWithResourceExhaustedWhenTheGlobalLimitIsReached() async throws {
        var gated: GatedBackend?
        let server = try await TestServer.start(ServerConfiguration(maximumInFlight: 2, workerThreads: 1),
                                                wrap: { let g = GatedBackend($0); gated = g; return g })
        let backend = try #require(gated)
        let a = try await server.client(), b = try await server.client(), c = try await server.client()
        async let first = a.shortlist(shortlistRequest(id: "a"))
        async let second = b.shortlist(shortlistRequest(id: "b"))
        try await eventually("two shortlists admitted") { backend.shortlistsStarted >= 1 }
        try await Task.sleep(for: .milliseconds(50))
        // The third finds both places taken: refused at once, not queued.
        var refused: RPCError?
        do { _ = try await c.shortlist(shortlistRequest(id: "c")) } catch { refused = error }
        #expect(refused?.code == .resourceExhausted)
        #expect(refused?.message.contains("in flight") == true)
        // Health is not counted against the limit.
        #expect(try await c.health().status == "SERVING")
        backend.open()
        #expect(try await first.requestID == "a")
        #expect(try await second.requestID == "b")
        // Places are given back: the pool takes requests again.
        #expect(try await c.shortlist(shortlistRequest(id: "c2")).requestID == "c2")
        await a.close(); await b.close(); await c.close()
        try await server.stop()
    }

    @Test func refusesFramesBeyondTheConnectionsQueue() async throws {
        var gated: GatedBackend?
        let server = try await TestServer.start(
            ServerConfiguration(maximumInFlightPerConnection: 1, maximumQueuedPerConnection: 2),
            wrap: { let g = GatedBackend($0); gated = g; return g })
        let backend = try #require(gated)
        try await RawConnection.with(port: server.port) { raw in
            var bytes: [UInt8] = []
            for id in UInt64(1)...10 {
                bytes += try FrameEncoder.bytes(.request(id: id, method: .shortlist, message: shortlistRequest(id: "q\(id)", k: 1)))
            }
            try await raw.write(bytes)
            try await eventually("the first shortlist on a worker") { backend.shortlistsStarted == 1 }
            try await Task.sleep(for: .milliseconds(100))
            #expect(backend.shortlistsStarted == 1, "one in flight per connection")
            backend.open()
            let (frames, closed) = try await raw.read(count: 10)
            #expect(!closed)
            #expect(Set(frames.map(\.id)) == Set(1...10))
            let refused = frames.filter { $0.statusCode == .resourceExhausted }
            let ok = frames.filter { $0.statusCode == .ok }
            #expect(ok.count + refused.count == 10)
            #expect(ok.count >= 3, "the one in flight and the two queued are answered")
            #expect(!refused.isEmpty, "frames past the queue are refused")
            #expect(refused.allSatisfy { $0.status.message.contains("queued on this connection") })
        }
        try await server.stop()
    }

    @Test func everyMethodRunsThroughTheOnePath() async throws {
        // Reads, writes and Health on one connection, pipelined, all answered with their ids.
        let server = try await TestServer.start()
        let client = try await server.client()
        var vendor = Vendormatch_V1_Vendor()
        vendor.id = "pooled"
        vendor.name = "Pooled Ltd"
        vendor.serviceTypes = ["data"]
        async let write = client.upsertVendors([vendor])
        async let read = client.shortlist(shortlistRequest(id: "p1"))
        async let health = client.health()
        async let stats = client.stats()
        #expect(try await write.written == 1)
        #expect(try await read.requestID == "p1")
        #expect(try await health.status == "SERVING")
        #expect(try await stats.counts.vendors >= 3)
        #expect(try await client.vendor(id: "pooled").name == "Pooled Ltd")
        await client.close()
        try await server.stop()
    }
}
