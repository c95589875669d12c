import Foundation
import Logging
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchRanking
import VendorMatchServer
import VendorMatchStore

/// Issue 14 item 3: a ranker that falls behind its catalogue of record by more than `--max-lag` answers
/// Health NOT_SERVING (a load balancer then drops it), and SERVING again once it has caught up.
@Suite("Health of a ranker behind its catalogue")
struct CatalogueLagTests {
    @Test func aRankerBehindItsStorePastTheMaximumLagIsNotServingUntilItCatchesUp() async throws {
        let directory = try makeTemporaryDirectory("vm-lag")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CatalogueStore(path: directory.appendingPathComponent("catalogue.sqlite").path)
        try store.upsert(smallCatalogue())
        let engine = RankingEngine(taxonomy: taxonomy, catalogue: try store.loadCatalogue())
        // Not started yet: it applies nothing, so the ranker falls behind once another writer moves the store on.
        let follower = CatalogueFollower(store: store, engine: engine, startingAt: try store.catalogueVersion(),
                                         configuration: .init(pollInterval: .milliseconds(20)), logger: Logger(label: "test.lag"))
        defer { follower.stop() }
        let server = try await TestServer.start(ServerConfiguration(maximumCatalogueLag: .milliseconds(300))) { _ in
            CatalogueBackend(engine: engine, store: store, codec: RecordCodec(taxonomy: taxonomy), follower: follower)
        }
        let client = try await server.client()
        #expect(try await client.health().status == "SERVING")

        let version = try store.upsert(vendors: [Vendor(id: "written-elsewhere", name: "Written Elsewhere")])
        follower.poke(knownVersion: version)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await client.health().status == "NOT_SERVING")
        #expect(engine.vendor(id: "written-elsewhere") == nil)

        follower.start()
        #expect(follower.waitUntilApplied(version, deadline: .now + .seconds(20)))
        #expect(try await client.health().status == "SERVING")
        #expect(engine.vendor(id: "written-elsewhere") != nil)
        await client.close()
        try await server.stop()
    }
}
