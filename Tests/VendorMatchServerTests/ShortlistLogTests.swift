import Foundation
import SwiftProtobuf
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchDemo
import VendorMatchProto
import VendorMatchRanking
import VendorMatchServer
import VendorMatchStore
import VendorMatchWire

/// The feedback loop's serving half: every served shortlist logged with its candidates' features as the
/// second phase saw them, and outcomes joined to those logs.
@Suite("Shortlist log and outcomes")
struct ShortlistLogTests {
    static let market = DemoMarket.generate(vendors: 120, seed: 7, requests: 12, taxonomy: taxonomy)

    /// The shipped model (a second phase over 300 candidates), with a version as `serve` stamps it.
    static func shippedModel() throws -> RankingModel {
        var model = try RankingModel.load(from: repositoryModels.appendingPathComponent("ranking-model.json"))
        model.metadata[ServedCandidates.modelVersionKey] = "shipped@test"
        return model
    }

    static func proto(_ r: BuyerRequest) throws -> Vendormatch_V1_ShortlistRequest {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        return try Vendormatch_V1_ShortlistRequest(jsonString: RecordCodec.json(r).serialized(), options: options)
    }

    static func logged(_ path: String) throws -> [String: LoggedShortlist] {
        var rows: [String: LoggedShortlist] = [:]
        try CatalogueStore(path: path).forEachLoggedShortlist(columns: Feature.allCases.count) { rows[$0.requestID] = $0 }
        return rows
    }

    /// An engine built afresh from the server's database: the offline extractor `train` uses, on the same catalogue.
    static func offlineEngine(_ server: TestServer) throws -> RankingEngine {
        let store = try CatalogueStore(path: server.databasePath)
        return RankingEngine(taxonomy: taxonomy, model: try shippedModel(), analyzer: LexicalAnalyzer.load(modelsDirectory: repositoryModels),
                             catalogue: try store.loadCatalogue(), textStatistics: server.engine.textStatistics)
    }

    /// Rows by vendor id, as bit patterns (NaN = NaN).
    static func rows(ids: [String], matrix: [Float]) -> [String: [UInt32]] {
        let n = Feature.allCases.count
        var out: [String: [UInt32]] = [:]
        for (i, id) in ids.enumerated() { out[id] = matrix[(i * n)..<((i + 1) * n)].map(\.bitPattern) }
        return out
    }

    /// `shortlist-log: off` (the console's vendor profile sends it) keeps a Shortlist out of the log.
    @Test func aShortlistAskedNotToBeLoggedIsNot() async throws {
        let server = try await TestServer.start(catalogue: Self.market.catalogue, model: try Self.shippedModel(), shortlistLog: .init())
        let client = try await server.client()
        let requests = Array(Self.market.requests.prefix(4))
        for (i, r) in requests.enumerated() {
            let metadata = i % 2 == 0 ? [MetadataKey.shortlistLog: "off"] : [:]
            let answer: Vendormatch_V1_ShortlistResponse = try await client.call(.shortlist, try Self.proto(r), metadata: metadata)
            #expect(!answer.vendors.isEmpty)
        }
        try await server.backend.shortlistLog!.flush()
        let logged = try Self.logged(server.databasePath)
        #expect(Set(logged.keys) == [requests[1].id, requests[3].id])
    }

    @Test func loggedFeaturesEqualTheOfflineExtractorsForTheSameCatalogue() async throws {
        let server = try await TestServer.start(catalogue: Self.market.catalogue, model: try Self.shippedModel(), shortlistLog: .init())
        let client = try await server.client()
        var served: [String: [String]] = [:]
        for r in Self.market.requests.prefix(8) {
            served[r.id] = try await client.shortlist(try Self.proto(r)).vendors.map(\.vendorID)
        }
        try await server.backend.shortlistLog!.flush()
        let logged = try Self.logged(server.databasePath)
        #expect(logged.count == 8)
        let offline = try Self.offlineEngine(server)
        var beyondTheShortlist = 0
        for r in Self.market.requests.prefix(8) {
            let log = try #require(logged[r.id])
            #expect(log.modelVersion == "shipped@test")
            #expect(log.featuresHash == LoggedShortlist.fingerprint(of: Feature.signature))
            // The logged order is the served order: the shortlist first.
            #expect(Array(log.vendorIDs.prefix(r.k)) == served[r.id])
            let (ids, matrix) = try offline.featureRows(for: r, limit: 300)
            #expect(ids.count == log.vendorIDs.count)
            beyondTheShortlist += max(0, ids.count - r.k)
            #expect(Self.rows(ids: log.vendorIDs, matrix: log.matrix) == Self.rows(ids: ids, matrix: matrix))
        }
        // Candidates the buyer was not shown are logged too.
        #expect(beyondTheShortlist > 0)
        await client.close()
        try await server.stop()
    }

    @Test func aCatalogueChangeAfterServingLeavesTheLoggedTrainingFeaturesAlone() async throws {
        let server = try await TestServer.start(catalogue: Self.market.catalogue, model: try Self.shippedModel(), shortlistLog: .init())
        let client = try await server.client()
        let request = Self.market.requests[0]
        let list = try await client.shortlist(try Self.proto(request))
        let top = try #require(list.vendors.first).vendorID
        let before = try Self.offlineEngine(server).featureRows(for: request, limit: 300)
        var o = Vendormatch_V1_Outcome()
        o.requestID = request.id
        o.vendorID = top
        o.grade = 2
        _ = try await client.recordOutcomes([o])

        // The top vendor gains two verified case studies exactly like the request, and a referral.
        let cases = (1...2).map { i in
            Vendormatch_V1_CaseStudy(CaseStudy(id: "late-\(i)", vendorID: top, clientIndustry: request.industry ?? "52",
                                               serviceTypes: request.serviceTypes.isEmpty ? ["data"] : request.serviceTypes,
                                               clientSize: request.size, need: request.need, year: 2026, verified: true))
        }
        _ = try await client.upsertCaseStudies(cases)
        let after = try Self.offlineEngine(server).featureRows(for: request, limit: 300)
        // The change shows in features computed now (so the comparison below can fail)…
        #expect(Self.rows(ids: after.vendorIDs, matrix: after.matrix)[top] != Self.rows(ids: before.vendorIDs, matrix: before.matrix)[top])
        // …but training reads the features as served.
        let training = try CatalogueStore(path: server.databasePath).loggedOutcomes(columns: Feature.allCases.count)
        #expect(training.count == 1)
        let (log, grades) = try #require(training.first)
        #expect(grades == [top: 2])
        #expect(Self.rows(ids: log.vendorIDs, matrix: log.matrix) == Self.rows(ids: before.vendorIDs, matrix: before.matrix))
        await client.close()
        try await server.stop()
    }

    @Test func outcomesForAnUnknownRequestIDAreRefusedNamingTheField() async throws {
        let server = try await TestServer.start(catalogue: Self.market.catalogue, model: try Self.shippedModel(), shortlistLog: .init())
        let client = try await server.client()
        let request = Self.market.requests[1]
        let list = try await client.shortlist(try Self.proto(request))
        // A request without an id gets one, returned in the response and logged under it.
        var anonymous = try Self.proto(request)
        anonymous.id = ""
        let generated = try await client.shortlist(anonymous).requestID
        #expect(!generated.isEmpty)

        func outcome(_ id: String) -> Vendormatch_V1_Outcome {
            var o = Vendormatch_V1_Outcome()
            o.requestID = id
            o.vendorID = list.vendors[0].vendorID
            o.grade = 1
            return o
        }
        do {
            _ = try await client.recordOutcomes([outcome(request.id), outcome("never-served")])
            Issue.record("an outcome for a request never served was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field == "outcomes[1].request_id")
            #expect(error.message.contains("never-served"))
        }
        // All or nothing: the known one was not written either.
        #expect(try await client.stats().counts.outcomes == 0)
        #expect(try await client.recordOutcomes([outcome(request.id), outcome(generated)]).written == 2)
        await client.close()
        try await server.stop()
    }

    /// Stats' online evaluation against a hand-worked expectation: four shortlists served, outcomes for three.
    @Test func statsReportsTheOnlineEvaluationPerModelVersionAndWeek() async throws {
        let server = try await TestServer.start(catalogue: Self.market.catalogue, model: try Self.shippedModel(), shortlistLog: .init())
        let client = try await server.client()
        var lists: [[String]] = []
        for (i, r) in Self.market.requests.prefix(4).enumerated() {
            var q = try Self.proto(r)
            q.id = "r\(i + 1)"
            q.buyerOrg = i < 3 ? "buyer-x" : "buyer-y"
            lists.append(try await client.shortlist(q).vendors.map(\.vendorID))
        }
        try await server.backend.shortlistLog!.flush()
        func outcome(_ request: String, _ vendor: String, _ grade: Int32, _ buyer: String) -> Vendormatch_V1_Outcome {
            var o = Vendormatch_V1_Outcome()
            o.requestID = request; o.vendorID = vendor; o.grade = grade; o.buyerOrg = buyer
            return o
        }
        _ = try await client.recordOutcomes([
            outcome("r1", lists[0][0], 2, "buyer-x"),  // chosen at rank 1: NDCG@10 1
            outcome("r2", lists[1][1], 1, "buyer-x"),  // shortlisted at rank 2: NDCG@10 1/log2(3)
            outcome("r4", lists[3][0], 0, "buyer-y"),  // seen, not wanted: no NDCG
        ])
        let weeks = try await client.stats().outcomeWeeks
        #expect(weeks.count == 1)
        let w = try #require(weeks.first)
        #expect(w.modelVersion == "shipped@test")
        #expect(w.week == OutcomeReport.week(Date()))
        #expect([w.served, w.withOutcomes, w.outcomes, w.shortlisted, w.chosen, w.judged] == [4, 3, 3, 2, 1, 2])
        #expect(abs(w.ndcgAt10 - (1 + 1 / log2(3.0)) / 2) < 1e-9)
        // One buyer's view: its own shortlists only.
        let y = try OutcomeReport.compute(store: CatalogueStore(path: server.databasePath), buyer: "buyer-y")
        #expect(y.map { [$0.served, $0.withOutcomes, $0.shortlisted, $0.judged] } == [[1, 1, 0, 0]])
        await client.close()
        try await server.stop()
    }

    /// A tenant grades its own shortlists only, and its Stats show its own online evaluation only.
    @Test func aTenantCannotGradeAnotherBuyersShortlist() async throws {
        let server = try await TestServer.start(catalogue: Self.market.catalogue, model: try Self.shippedModel(), shortlistLog: .init(), keys: true)
        let (_, acmeToken) = try server.store.createKey(tenant: "acme", scopes: [.read, .write])
        let (_, boltToken) = try server.store.createKey(tenant: "bolt", scopes: [.read, .write])
        let acme = try await server.client(token: acmeToken.text), bolt = try await server.client(token: boltToken.text)
        var q = try Self.proto(Self.market.requests[0])
        q.id = "acme-1"
        q.clearBuyerOrg()
        let served = try await acme.shortlist(q)
        var o = Vendormatch_V1_Outcome()
        o.requestID = "acme-1"; o.vendorID = served.vendors[0].vendorID; o.grade = 2
        do {
            _ = try await bolt.recordOutcomes([o])
            Issue.record("bolt graded acme's shortlist")
        } catch {
            #expect(error.code == .permissionDenied)
            #expect(error.field == "outcomes[0].request_id")
        }
        #expect(try await acme.recordOutcomes([o]).written == 1)
        #expect(try await acme.stats().outcomeWeeks.map(\.chosen) == [1])
        #expect(try await bolt.stats().outcomeWeeks.isEmpty)
        for c in [acme, bolt] { await c.close() }
        try await server.stop()
    }
}
