import Foundation
import GRDB
import Testing
import VendorMatchCore
@testable import VendorMatchStore

@Suite struct CatalogueStoreTests {
    let dir = TempDir()

    func market() throws -> CatalogueStore {
        let store = try dir.store()
        _ = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        return store
    }

    @Test func createsTheFileWithWALForeignKeysAndNamedMigrations() throws {
        let store = try dir.store()
        #expect(FileManager.default.fileExists(atPath: store.path))
        let (journal, foreignKeys, applied) = try store.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try CatalogueSchema.migrator.appliedMigrations(db))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(applied == ["v1-catalogue", "v1-outcomes", "v1-case-study-vectors", "v2-text-statistics", "v3-api-keys", "v3-shortlist-log", "v4-need-vectors", "v5-change-log"])
        // Reopening an existing file migrates nothing and keeps the data.
        try store.upsert(vendors: [Vendor(id: "v", name: "V")])
        let again = try CatalogueStore(path: store.path)
        #expect(try again.counts().vendors == 1)
    }

    @Test func refusesAPathInAMissingDirectory() {
        #expect(throws: VMError.self) { try CatalogueStore(path: dir.file("missing/x.sqlite")) }
    }

    @Test func upsertsAndReadsBackRecords() throws {
        let store = try dir.store()
        let v = Vendor(id: "v1", name: "One", size: .small, industries: ["52"], serviceTypes: ["data"], hourlyRateUSD: [10, 20])
        try store.upsert(vendors: [v, Vendor(id: "v2", name: "Two")])
        try store.upsert(caseStudies: [CaseStudy(id: "c1", vendorID: "v1", clientIndustry: "522", serviceTypes: ["data"], evaluation: Evaluation(expertise: 4))])
        try store.insert(referrals: [Referral(id: "r1", vendorID: "v2", referrerType: .institution, strength: -0.25)])
        #expect(try store.vendor(id: "v1") == v)
        #expect(try store.vendor(id: "nope") == nil)
        var renamed = v
        renamed.name = "One Renamed"
        try store.upsert(vendors: [renamed])
        #expect(try store.vendor(id: "v1")?.name == "One Renamed")
        // Replacing a vendor keeps its case studies (an upsert, not delete + insert).
        #expect(try store.caseStudies(vendorID: "v1").map(\.id) == ["c1"])
        #expect(try store.counts() == CatalogueStore.Counts(vendors: 2, caseStudies: 1, referrals: 1))
        #expect(try store.referrals(vendorID: "v2").first?.strength == -0.25)
    }

    @Test func refusesCaseStudiesAndReferralsOfUnknownVendors() throws {
        let store = try dir.store()
        do {
            try store.upsert(caseStudies: [CaseStudy(id: "c", vendorID: "ghost", clientIndustry: "52", serviceTypes: ["data"])])
            Issue.record("stored a case study of an unknown vendor")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == "vendor_id")
        }
        #expect(throws: VMError.self) { try store.insert(referrals: [Referral(id: "r", vendorID: "ghost", referrerType: .pastClient)]) }
        #expect(try store.counts() == CatalogueStore.Counts())
    }

    @Test func storesAWholeCatalogueInOneTransaction() throws {
        let store = try dir.store()
        let good = Catalogue(
            vendors: [Vendor(id: "v1", name: "One")],
            caseStudies: [CaseStudy(id: "c1", vendorID: "v1", clientIndustry: "52", serviceTypes: ["data"])],
            referrals: [Referral(id: "r1", vendorID: "v1", referrerType: .pastClient)]
        )
        try store.upsert(good)
        #expect(try store.loadCatalogue() == good)
        var bad = good
        bad.vendors = [Vendor(id: "v2", name: "Two")]
        bad.referrals.append(Referral(id: "r2", vendorID: "ghost", referrerType: .institution))
        #expect(throws: VMError.self) { try store.upsert(bad) }
        #expect(try store.loadCatalogue() == good)
    }

    @Test func deletingAVendorCascadesToItsCaseStudiesAndReferrals() throws {
        let store = try market()
        try store.saveNeedVectors([("a need", [1, 2, 3])], model: "m")
        try store.record(outcomes: [Outcome(requestID: "q1", vendorID: "v-acme", grade: 2)])
        #expect(try store.deleteVendor(id: "v-acme"))
        #expect(try store.deleteVendor(id: "v-acme") == false)
        #expect(try store.vendor(id: "v-acme") == nil)
        let catalogue = try store.loadCatalogue()
        #expect(!catalogue.caseStudies.contains { $0.vendorID == "v-acme" })
        #expect(!catalogue.referrals.contains { $0.vendorID == "v-acme" })
        // Outcomes are history, and vectors belong to texts: they stay.
        #expect(try store.counts().outcomes == 1)
        #expect(try store.counts() == CatalogueStore.Counts(vendors: 3, caseStudies: 2, referrals: 2, outcomes: 1, needVectors: 1))
    }

    @Test func recordsOutcomesOnePerRequestAndVendor() throws {
        let store = try dir.store()
        let t = Date(timeIntervalSince1970: 1_700_000_000)
        try store.record(outcomes: [
            Outcome(requestID: "q1", buyerOrg: "b", vendorID: "v1", grade: 1, recordedAt: t),
            Outcome(requestID: "q1", vendorID: "v2", grade: 0, recordedAt: t),
        ])
        try store.record(outcomes: [Outcome(requestID: "q1", buyerOrg: "b", vendorID: "v1", grade: 2, recordedAt: t)])
        #expect(try store.outcomes() == [
            Outcome(requestID: "q1", buyerOrg: "b", vendorID: "v1", grade: 2, recordedAt: t),
            Outcome(requestID: "q1", vendorID: "v2", grade: 0, recordedAt: t),
        ])
        #expect(throws: VMError.self) { try store.record(outcomes: [Outcome(requestID: "q", vendorID: "v", grade: -1)]) }
    }

    @Test func storesVectorsByTextInHalfPrecision() throws {
        let store = try market()
        let stored = try store.saveNeedVectors([("a need", [0.5, -1.25, .pi]), ("another need", [1, 0, 0])], model: "enc-v1")
        #expect(stored == 2)
        let found = try store.needVectors(for: ["a need", "another need", "a need", "never stored"], model: "enc-v1")
        #expect(found.keys.sorted() == ["a need", "another need"])
        // float16: 0.5 and -1.25 exactly, π to 11 bits.
        #expect(found["a need"]?.prefix(2) == [0.5, -1.25])
        #expect(abs((found["a need"]?[2] ?? 0) - .pi) < 2e-3)
        #expect(try store.needVectors(for: ["a need"], model: "other").isEmpty)
        #expect(try store.needVectorCount(model: "enc-v1") == 2)
        // Re-storing a text replaces its vector instead of adding one.
        try store.saveNeedVectors([("a need", [0, 1, 0])], model: "enc-v1")
        #expect(try store.needVectors(for: ["a need"], model: "enc-v1")["a need"] == [0, 1, 0])
        #expect(try store.needVectorCount(model: "enc-v1") == 2)
    }

    @Test func halfPrecisionRoundsToNearestEven() {
        for value: Float in [0, 1, -2, 65504, 0.1, 1e-5, 6e-8, 3.14159, -0.33333] {
            let back = HalfFloat.value(HalfFloat.bits(value))
            #expect(abs(back - value) <= abs(value) * 0x1p-11 + 0x1p-25, "\(value)")
        }
        #expect(HalfFloat.bits(1 + 0x1p-11) == HalfFloat.bits(1))  // halfway: ties to even
        #expect(HalfFloat.value(HalfFloat.bits(1e6)).isInfinite)
    }

    @Test func textHashesDifferForNearlyEqualTexts() {
        #expect(NeedTextHash("cloud migration") == NeedTextHash("cloud migration"))
        #expect(NeedTextHash("cloud migration") != NeedTextHash("cloud migration "))
        #expect(NeedTextHash("") != NeedTextHash(" "))
        #expect(NeedTextHash("cloud migration").data.count == 16)
    }

    @Test func reportsPathAndSize() throws {
        let store = try market()
        #expect(store.path == dir.file("catalogue.sqlite"))
        #expect(store.fileSize > 0)
        #expect(CatalogueStore.defaultPath == "./vendormatch.sqlite")
    }

    @Test func statsCountByCategorySectorAndReferrerType() throws {
        let store = try market()
        let stats = try CatalogueStats(store: store, taxonomy: taxonomy)
        #expect(stats.counts.vendors == 4)
        let data = try #require(stats.serviceCategories.first { $0.code == "data" })
        #expect(data.vendors == 1)
        #expect(data.caseStudies == 2)
        let software = try #require(stats.serviceCategories.first { $0.code == "software" })
        #expect(software.vendors == 1)  // declared by v-cai; cs-3 counts it once
        #expect(software.caseStudies == 1)
        #expect(stats.serviceCategories.count == 12)
        let finance = try #require(stats.clientSectors.first { $0.code == "52" })
        #expect(finance.caseStudies == 2)
        #expect(finance.title == "Finance and Insurance")
        #expect(stats.clientSectors.map(\.code).sorted() == ["31-33", "48-49", "52"])
        #expect(stats.referralsByType.map(\.count) == [1, 1, 0, 1, 0, 1])
        let json = stats.json()
        #expect(json["counts"]?["case_studies"] == .number(4))
        #expect(json["client_sectors"]?["52"]?["case_studies"] == .number(2))
        #expect(json["referrals_by_type"]?["past_client"] == .number(1))
    }
}
