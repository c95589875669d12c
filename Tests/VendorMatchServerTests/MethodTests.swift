import Foundation
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchStore
import VendorMatchWire

@Suite("Methods, statuses and writes")
struct MethodTests {
    @Test func unknownMethodIsUnimplemented() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var frame = Vendormatch_V1_Frame()
        frame.method = "/vendormatch.v1.VendorMatch/Nope"
        let response = try await client.send(frame)
        #expect(response.statusCode == .unimplemented)
        #expect(response.status.message.contains("Nope"))
        #expect(try await client.health().status == "SERVING")
        await client.close()
        try await server.stop()
    }

    @Test func undecodablePayloadIsInvalidArgument() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var frame = Vendormatch_V1_Frame()
        frame.method = VendorMatchMethod.shortlist.path
        frame.payload = Data([0xFF, 0xFF, 0xFF])
        let response = try await client.send(frame)
        #expect(response.statusCode == .invalidArgument)
        #expect(response.status.message.contains("vendormatch.v1.ShortlistRequest"))
        await client.close()
        try await server.stop()
    }

    static let invalidRequests: [(String, Vendormatch_V1_ShortlistRequest)] = [
        ("industry", shortlistRequest(id: "bad", industry: "9999")),
        ("k", shortlistRequest(id: "bad", k: 0)),
        ("k", shortlistRequest(id: "bad", k: 5000)),
        ("service_types[1]", shortlistRequest(id: "bad", services: ["data", "data.nonsense"])),
        ("size", { var q = shortlistRequest(id: "bad"); q.size = "huge"; return q }()),
        ("regions[0]", { var q = shortlistRequest(id: "bad"); q.regions = ["de"]; return q }()),
    ]

    @Test(arguments: invalidRequests)
    func invalidValuesAreInvalidArgumentNamingTheField(field: String, request: Vendormatch_V1_ShortlistRequest) async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        do {
            _ = try await client.shortlist(request)
            Issue.record("accepted an invalid \(field)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field == field)
            #expect(error.message.contains("\"\(field)\""))
        }
        await client.close()
        try await server.stop()
    }

    @Test func invalidRecordInABatchNamesItsPositionAndWritesNothing() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var good = Vendormatch_V1_Vendor()
        good.id = "good"
        good.name = "Good"
        var bad = good
        bad.id = "bad"
        bad.serviceTypes = ["cloud.teleportation"]
        do {
            _ = try await client.upsertVendors([good, bad])
            Issue.record("accepted an unknown service type")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field == "vendors[1].service_types[0]")
        }
        do {
            _ = try await client.vendor(id: "good")
            Issue.record("half a batch was written")
        } catch {
            #expect(error.code == .notFound)
        }
        await client.close()
        try await server.stop()
    }

    @Test func tokenIsRequiredForEverythingButHealth() async throws {
        let server = try await TestServer.start(ServerConfiguration(authToken: "s3cret"))
        let anonymous = try await server.client()
        #expect(try await anonymous.health().status == "SERVING")
        do {
            _ = try await anonymous.stats()
            Issue.record("stats without a token")
        } catch {
            #expect(error.code == .unauthenticated)
        }
        let wrong = try await server.client(token: "s3cres")
        do {
            _ = try await wrong.shortlist(shortlistRequest(id: "w"))
            Issue.record("shortlist with a wrong token")
        } catch {
            #expect(error.code == .unauthenticated)
        }
        let longer = try await server.client(token: "s3cret-and-more")
        await #expect(throws: RPCError.self) { try await longer.stats() }
        let right = try await server.client(token: "s3cret")
        #expect(try await right.shortlist(shortlistRequest(id: "r")).requestID == "r")
        for c in [anonymous, wrong, longer, right] { await c.close() }
        try await server.stop()
    }

    @Test func expiredDeadlineIsDeadlineExceeded() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        do {
            _ = try await client.shortlist(shortlistRequest(id: "late"), deadline: .zero)
            Issue.record("expired deadline accepted")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        #expect(try await client.shortlist(shortlistRequest(id: "ok"), deadline: .seconds(30)).requestID == "ok")
        let response = try await client.send(try .request(
            id: 0, method: .health, message: Vendormatch_V1_HealthRequest(), metadata: ["deadline-ms": "soon"]))
        #expect(response.statusCode == .invalidArgument)
        #expect(response.status.field == "deadline-ms")
        await client.close()
        try await server.stop()
    }

    @Test func writeIsDurableAndVisibleToTheNextShortlistOnAnotherConnection() async throws {
        let server = try await TestServer.start()
        let writer = try await server.client(), reader = try await server.client()
        let request = shortlistRequest(id: "fresh", industry: "5221", services: ["cloud.migration"])
        #expect(try await reader.shortlist(request).vendors.isEmpty)

        var v = Vendormatch_V1_Vendor()
        v.id = "cloudbank"
        v.name = "Cloud Bank Movers"
        v.industries = ["5221"]
        v.serviceTypes = ["cloud.migration"]
        v.size = "50-249"
        let written = try await writer.upsertVendors([v])
        #expect(written.written == 1)
        #expect(written.counts.vendors == 4)
        var c = Vendormatch_V1_CaseStudy()
        c.id = "cb1"
        c.vendorID = "cloudbank"
        c.clientIndustry = "5221"
        c.serviceTypes = ["cloud.migration"]
        c.need = "move our core banking to the cloud"
        _ = try await writer.upsertCaseStudies([c])
        var r = Vendormatch_V1_Referral()
        r.id = "cbr"
        r.vendorID = "cloudbank"
        r.referrerType = "past_client"
        _ = try await writer.recordReferrals([r])

        let list = try await reader.shortlist(request)
        #expect(list.vendors.map(\.vendorID) == ["cloudbank"])
        #expect(list.vendors.first?.matchedCases.first?.caseStudyID == "cb1")
        #expect(try await reader.vendor(id: "cloudbank").name == "Cloud Bank Movers")

        var o = Vendormatch_V1_Outcome()
        o.requestID = "fresh"
        o.vendorID = "cloudbank"
        o.grade = 2
        #expect(try await writer.recordOutcomes([o]).counts.outcomes == 1)
        o.grade = 7
        await #expect(throws: RPCError.self) { try await writer.recordOutcomes([o]) }

        let path = server.databasePath
        await writer.close()
        await reader.close()
        let stored = try CatalogueStore(path: path)
        #expect(try stored.vendor(id: "cloudbank")?.name == "Cloud Bank Movers")
        #expect(try stored.counts().caseStudies == 4)
        try await server.stop()
    }

    @Test func deleteVendorRemovesItFromShortlistsAndLookups() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        #expect(try await client.shortlist(shortlistRequest(id: "d")).vendors.contains { $0.vendorID == "credml" })
        try await client.deleteVendor(id: "credml")
        #expect(try await !client.shortlist(shortlistRequest(id: "d")).vendors.contains { $0.vendorID == "credml" })
        await #expect(throws: RPCError(code: .notFound, message: "no vendor with id \"credml\"", field: "id")) {
            try await client.vendor(id: "credml")
        }
        await #expect(throws: RPCError.self) { try await client.deleteVendor(id: "credml") }
        await client.close()
        try await server.stop()
    }

    @Test func findCaseStudiesRanksComparableProjects() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var q = Vendormatch_V1_FindCaseStudiesRequest()
        q.industry = "5221"
        q.need = "loan default prediction"
        q.serviceTypes = ["data.machine-learning"]
        q.k = 2
        let cases = try await client.findCaseStudies(q).cases
        #expect(cases.count == 2)
        #expect(cases.first?.caseStudyID == "c1")
        #expect(cases.first?.hasIndustry == true)
        #expect(cases.first?.hasSize == false)
        q.industry = "0"
        await #expect(throws: RPCError.self) { try await client.findCaseStudies(q) }
        await client.close()
        try await server.stop()
    }

    @Test func statsCountRequestsAndErrorsPerMethod() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        for i in 0..<3 { _ = try await client.shortlist(shortlistRequest(id: "s\(i)")) }
        _ = try? await client.shortlist(shortlistRequest(id: "x", k: 0))
        let stats = try await client.stats()
        #expect(stats.counts.vendors == 3)
        #expect(stats.counts.caseStudies == 3)
        #expect(stats.counts.referrals == 1)
        let shortlist = try #require(stats.methods.first { $0.method == VendorMatchMethod.shortlist.path })
        #expect(shortlist.requests == 4)
        #expect(shortlist.errors == 1)
        #expect(shortlist.p50Us > 0 && shortlist.p50Us <= shortlist.p99Us && shortlist.p99Us <= shortlist.maxUs)
        await client.close()
        try await server.stop()
    }
}
