import Foundation
import Testing
import VendorMatchCore
import VendorMatchStore

@Suite struct StoreEngineRoundTripTests {
    @Test func writesSurviveReopeningTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vm-roundtrip-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        do {
            let store = try CatalogueStore(path: path)
            try store.upsert(vendors: [Vendor(id: "v1", name: "One", size: .small, serviceTypes: ["data"])])
            try store.upsert(caseStudies: [CaseStudy(id: "c1", vendorID: "v1", clientIndustry: "522", serviceTypes: ["data.engineering"])])
            try store.insert(referrals: [Referral(id: "r1", vendorID: "v1", referrerType: .institution, strength: -0.5)])
        }
        let reopened = try CatalogueStore(path: path).loadCatalogue()
        #expect(reopened.vendors == [Vendor(id: "v1", name: "One", size: .small, serviceTypes: ["data"])])
        #expect(reopened.caseStudies.map(\.id) == ["c1"])
        #expect(reopened.referrals.first?.strength == -0.5)
    }
}
