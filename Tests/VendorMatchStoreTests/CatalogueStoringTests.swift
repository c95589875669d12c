import Foundation
import Testing
import VendorMatchCore
import VendorMatchStore

/// The contract of `CatalogueStoring`, run against SQLite and (with `$VENDORMATCH_TEST_POSTGRES`) PostgreSQL.
@Suite struct CatalogueStoringTests {
    let dir = TempDir()

    func market(_ kind: StoreKind) throws -> any CatalogueStoring {
        let store = try kind.makeStore(in: dir)
        _ = try store.importDirectory(fixtureMarket, taxonomy: taxonomy, progress: nil)
        return store
    }

    @Test(arguments: StoreKind.available)
    func upsertsAndReadsBackRecords(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
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

    @Test(arguments: StoreKind.available)
    func aFailedWriteChangesNothingAndKeepsTheVersion(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        let good = Catalogue(
            vendors: [Vendor(id: "v1", name: "One")],
            caseStudies: [CaseStudy(id: "c1", vendorID: "v1", clientIndustry: "52", serviceTypes: ["data"])],
            referrals: [Referral(id: "r1", vendorID: "v1", referrerType: .pastClient)]
        )
        #expect(try store.upsert(good) == 1)
        #expect(try store.loadCatalogue() == good)
        var bad = good
        bad.vendors = [Vendor(id: "v2", name: "Two")]
        bad.referrals.append(Referral(id: "r2", vendorID: "ghost", referrerType: .institution))
        do {
            try store.upsert(bad)
            Issue.record("stored a referral of an unknown vendor")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == "vendor_id")
        }
        #expect(try store.loadCatalogue() == good)
        #expect(try store.catalogueVersion() == 1)
    }

    @Test(arguments: StoreKind.available)
    func everyWriteIsOneVersionAndTheLogReplaysToTheSameCatalogue(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        #expect(try store.catalogueVersion() == 0)
        #expect(try store.upsert(vendors: [Vendor(id: "a", name: "A"), Vendor(id: "b", name: "B")]) == 1)
        #expect(try store.upsert(caseStudies: [CaseStudy(id: "c", vendorID: "a", clientIndustry: "52", serviceTypes: ["data"])]) == 2)
        #expect(try store.insert(referrals: [Referral(id: "r", vendorID: "b", referrerType: .institution)]) == 3)
        #expect(try store.deleteVendor(returningVersion: "b") == (true, 4))
        #expect(try store.deleteVendor(returningVersion: "b") == (false, 4))
        #expect(try store.upsert(vendors: [Vendor(id: "a", name: "A2")]) == 5)

        var replayed = Catalogue()
        var versions: [UInt64] = []
        for change in try store.changes(after: 0, limit: 100) {
            versions.append(change.version)
            switch change.operation {
            case let .upsertVendor(v): replayed.vendors.removeAll { $0.id == v.id }; replayed.vendors.append(v)
            case let .upsertCaseStudy(c): replayed.caseStudies.removeAll { $0.id == c.id }; replayed.caseStudies.append(c)
            case let .upsertReferral(r): replayed.referrals.removeAll { $0.id == r.id }; replayed.referrals.append(r)
            case let .deleteVendor(id):
                replayed.vendors.removeAll { $0.id == id }
                replayed.caseStudies.removeAll { $0.vendorID == id }
                replayed.referrals.removeAll { $0.vendorID == id }
            case .reload: Issue.record("no import ran")
            }
        }
        #expect(versions == [1, 1, 2, 3, 4, 5])
        replayed.vendors.sort { $0.id < $1.id }
        #expect(replayed == (try store.loadCatalogue()))
        // Paging: whole versions, oldest first.
        #expect(try store.changes(after: 1, limit: 2).map(\.version) == [2, 3])
        #expect(try store.changes(after: 5, limit: 10).isEmpty)
        let snapshot = try store.loadSnapshot()
        #expect(snapshot.version == 5)
        #expect(snapshot.catalogue == (try store.loadCatalogue()))
    }

    @Test(arguments: StoreKind.available)
    func anotherHandleSeesEveryWriteAndContinuesTheVersions(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        let other = try kind.reopen(store)
        try store.upsert(vendors: [Vendor(id: "a", name: "A")])
        #expect(try other.vendor(id: "a")?.name == "A")
        #expect(try other.upsert(vendors: [Vendor(id: "b", name: "B")]) == 2)
        #expect(try store.catalogueVersion() == 2)
    }

    @Test(arguments: StoreKind.available)
    func importIsOneVersionAllOrNothingAndExportsBack(_ kind: StoreKind) throws {
        let store = try market(kind)
        #expect(try store.counts() == CatalogueStore.Counts(vendors: 4, caseStudies: 4, referrals: 4))
        let version = try store.catalogueVersion()
        #expect(version == 1)
        guard case .reload = try #require(try store.changes(after: 0, limit: 10).first).operation else {
            Issue.record("an import is logged as a reload"); return
        }
        // A bad file: nothing is written, the version stays.
        let bad = dir.sub("bad")
        try write(["vendors.jsonl": #"{"id": "v-new", "name": "New"}"# + "\n" + #"{"id": "v-bad"}"# + "\n"], to: bad)
        do {
            _ = try store.importDirectory(bad, taxonomy: taxonomy, progress: nil)
            Issue.record("imported a vendor without a name")
        } catch let failure as ImportFailure {
            #expect(failure.errors.first?.field == "name")
        }
        #expect(try store.vendor(id: "v-new") == nil)
        #expect(try store.catalogueVersion() == version)
        // Export then import into a fresh store gives the same catalogue.
        let out = dir.sub("out")
        _ = try Exporter.export(try store.loadCatalogue(), to: out)
        let copy = try kind.makeStore(in: TempDir())
        _ = try copy.importDirectory(out, taxonomy: taxonomy, progress: nil)
        #expect(try copy.loadCatalogue() == (try store.loadCatalogue()))
    }

    @Test(arguments: StoreKind.available)
    func reimportReplacesRecordsKeepsTheOthersAndKeepsEveryCharacter(_ kind: StoreKind) throws {
        // Names and texts with what COPY's text format must escape (tab, newline, carriage return,
        // backslash), quotes and non-ASCII; imported into an empty store, then again over the records.
        let odd = #"Tab\there, line\nbreak, cr\r, back\\slash \\N, \"quoted\", Zürich 北京"#
        let first = dir.sub("first")
        try write([
            "vendors.jsonl": #"{"id": "v\tone", "name": "\#(odd)"}"# + "\n" + #"{"id": "v2", "name": "Two"}"# + "\n",
            "case_studies.jsonl": #"{"id": "c1", "vendor_id": "v\tone", "client_industry": "522", "service_types": ["data"], "need": "\#(odd)"}"# + "\n",
            "referrals.jsonl": #"{"id": "r1", "vendor_id": "v2", "referrer_type": "institution", "buyer_org": "\#(odd)"}"# + "\n",
        ], to: first)
        let store = try kind.makeStore(in: dir)
        _ = try store.importDirectory(first, taxonomy: taxonomy, progress: nil)
        let name = "Tab\there, line\nbreak, cr\r, back\\slash \\N, \"quoted\", Zürich 北京"
        #expect(try store.vendor(id: "v\tone")?.name == name)
        #expect(try store.caseStudies(vendorID: "v\tone").first?.need == name)
        #expect(try store.referrals(vendorID: "v2").first?.buyerOrg == name)

        // Again over the stored records: one replaced, one added, the rest kept.
        let second = dir.sub("second")
        try write([
            "vendors.jsonl": #"{"id": "v2", "name": "Two Renamed"}"# + "\n" + #"{"id": "v3", "name": "Three"}"# + "\n",
            "case_studies.jsonl": #"{"id": "c1", "vendor_id": "v3", "client_industry": "52", "service_types": ["data"]}"# + "\n",
        ], to: second)
        let summary = try store.importDirectory(second, taxonomy: taxonomy, progress: nil)
        #expect(summary.file(.vendors)?.inserted == 1 && summary.file(.vendors)?.updated == 1)
        #expect(try store.vendor(id: "v2")?.name == "Two Renamed")
        #expect(try store.vendor(id: "v\tone")?.name == name)
        #expect(try store.caseStudies(vendorID: "v3").map(\.id) == ["c1"])
        #expect(try store.caseStudies(vendorID: "v\tone").isEmpty)
        #expect(try store.counts() == CatalogueStore.Counts(vendors: 3, caseStudies: 1, referrals: 1))
        #expect(try store.catalogueVersion() == 2)
        let reopened = try kind.reopen(store)
        #expect(try reopened.loadCatalogue() == (try store.loadCatalogue()))
    }

    @Test(arguments: StoreKind.available)
    func recordsOutcomesOnePerRequestAndVendor(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
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
        #expect(try store.counts().outcomes == 2)
    }

    @Test(arguments: StoreKind.available)
    func keysAreCreatedListedAndRevoked(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let (key, token) = try store.createKey(tenant: "acme", scopes: [.read, .write], now: now)
        #expect(token.id == key.id)
        #expect(try store.keys().map(\.id) == [key.id])
        #expect(try store.keys().first?.tenant == "acme")
        #expect(try store.keys().first?.scopes == [.read, .write])
        #expect(try store.revokeKey(id: key.id, now: now).isRevoked)
        #expect(try store.keys().first?.isRevoked == true)
        #expect(throws: VMError.self) { try store.revokeKey(id: "nosuchkey000", now: now) }
        #expect(throws: VMError.self) { try store.createKey(tenant: nil, scopes: [.read], now: now) }
    }
}
