import Foundation
import GRDB
import Testing
import VendorMatchCore
@testable import VendorMatchStore

/// The stored text statistics of the ranking (one JSON blob): kept across reopening and live writes,
/// cleared by a successful import only.
@Suite struct TextStatisticsStoreTests {
    let dir = TempDir()
    let json = Data(#"{"documentCount":2,"terms":["loan","credit","loan credit"],"documentFrequencies":[2,1,1]}"#.utf8)

    @Test func savesReplacesAndClears() throws {
        let store = try dir.store()
        #expect(try store.loadTextStatistics() == nil)
        try store.saveTextStatistics(json)
        #expect(try store.loadTextStatistics() == json)
        let other = Data(#"{"documentCount":0,"terms":[],"documentFrequencies":[]}"#.utf8)
        try store.saveTextStatistics(other)
        #expect(try store.loadTextStatistics() == other)
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM text_statistics") } == 1)
        try store.clearTextStatistics()
        #expect(try store.loadTextStatistics() == nil)
    }

    @Test func survivesReopeningAndLiveWrites() throws {
        let store = try dir.store()
        try store.saveTextStatistics(json)
        try store.upsert(vendors: [Vendor(id: "v1", name: "One")])
        try store.upsert(caseStudies: [CaseStudy(id: "c1", vendorID: "v1", clientIndustry: "522", serviceTypes: ["data"], need: "new words")])
        try store.insert(referrals: [Referral(id: "r1", vendorID: "v1", referrerType: .institution)])
        try store.deleteVendor(id: "v1")
        #expect(try CatalogueStore(path: store.path).loadTextStatistics() == json)
    }

    @Test func aSuccessfulImportClearsThemAFailedOneDoesNot() throws {
        let store = try dir.store()
        try store.saveTextStatistics(json)
        let bad = dir.sub("bad")
        try write(["vendors.jsonl": #"{"id": "v1"}"# + "\n"], to: bad)
        #expect(failingImport(bad, into: store) != nil)
        #expect(try store.loadTextStatistics() == json)
        _ = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        #expect(try store.loadTextStatistics() == nil)
    }
}
