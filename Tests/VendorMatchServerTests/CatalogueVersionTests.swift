import Foundation
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchStore
import VendorMatchWire

/// CONTRACT §8 on the SQLite store (one process): versions on write responses and Health, and
/// `min-catalogue-version` on requests.
@Suite struct CatalogueVersionTests {
    @Test func everyWriteResponseCarriesAGrowingCatalogueVersion() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var versions: [UInt64] = []
        for n in 0..<3 {
            var r = Vendormatch_V1_UpsertVendorsRequest()
            var v = Vendormatch_V1_Vendor()
            v.id = "v\(n)"
            v.name = "Vendor \(n)"
            r.vendors = [v]
            let response = try await client.send(try .request(id: 0, method: .upsertVendors, message: r))
            #expect(response.statusCode == .ok)
            versions.append(try #require(response.metadata[MetadataKey.catalogueVersion].flatMap(UInt64.init)))
        }
        #expect(versions[1] == versions[0] + 1 && versions[2] == versions[1] + 1)
        #expect(try server.store.catalogueVersion() == versions[2])
        // Health reports the version applied here; no lag on a store this process owns.
        let health = try await client.send(try .request(id: 0, method: .health, message: Vendormatch_V1_HealthRequest()))
        #expect(health.metadata[MetadataKey.catalogueVersion] == String(versions[2]))
        #expect(health.metadata[MetadataKey.catalogueLagVersions] == "0")
        await client.close()
        try await server.stop()
    }

    @Test func aReadWaitsForItsMinimumVersionUpToItsDeadline() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var r = Vendormatch_V1_UpsertVendorsRequest()
        var v = Vendormatch_V1_Vendor()
        v.id = "fresh"
        v.name = "Fresh"
        r.vendors = [v]
        let write = try await client.send(try .request(id: 0, method: .upsertVendors, message: r))
        let version = try #require(write.metadata[MetadataKey.catalogueVersion].flatMap(UInt64.init))
        var get = Vendormatch_V1_GetVendorRequest()
        get.id = "fresh"
        let seen = try await client.send(try .request(id: 0, method: .getVendor, message: get,
                                                       metadata: [MetadataKey.minimumCatalogueVersion: String(version)]))
        #expect(seen.statusCode == .ok)
        let start = ContinuousClock.now
        let ahead = try await client.send(try .request(id: 0, method: .getVendor, message: get, metadata: [
            MetadataKey.minimumCatalogueVersion: String(version + 1), MetadataKey.deadlineMilliseconds: "200"]))
        #expect(ahead.statusCode == .unavailable)
        #expect(ContinuousClock.now - start < .seconds(3))
        let malformed = try await client.send(try .request(id: 0, method: .getVendor, message: get,
                                                            metadata: [MetadataKey.minimumCatalogueVersion: "soon"]))
        #expect(malformed.statusCode == .invalidArgument)
        await client.close()
        try await server.stop()
    }
}
