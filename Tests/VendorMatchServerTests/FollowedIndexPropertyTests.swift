import Foundation
import Logging
import Testing
import VendorMatchCore
import VendorMatchDemo
import VendorMatchPostgres
import VendorMatchRanking
import VendorMatchServer
import VendorMatchStore

/// Issue 14: a ranker that follows the change feed ranks exactly like a ranker built afresh from the
/// database — on SQLite and, when `$VENDORMATCH_TEST_POSTGRES` names a server, on PostgreSQL. Random writes
/// go to the store (identical re-upserts, changed and moved case studies, new vendors, vendor deletions,
/// new and changed referrals); a `CatalogueFollower` applies the log to the live engine; after every few
/// writes the whole answers (scores, order, explanations) are compared with an engine built from the
/// store's catalogue with the same text statistics.
@Suite("A followed index ranks like one built from the database", .serialized)
struct FollowedIndexPropertyTests {
    static let market = DemoMarket.generate(vendors: 60, seed: 11, requests: 12, taxonomy: taxonomy)

    enum Kind: String, CaseIterable, Sendable { case sqlite, postgres }

    static func store(_ kind: Kind) throws -> (any CatalogueStoring)? {
        switch kind {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vm-follow-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return try CatalogueStore(path: dir.appendingPathComponent("c.sqlite").path)
        case .postgres:
            guard let server = PostgresRankersTests.server else { return nil }
            let url = try PostgresAdmin.createDatabase("vm_follow_" + UUID().uuidString.prefix(8).lowercased(), on: server)
            return try PostgresCatalogueStore(url: url)
        }
    }

    /// One random write the database accepts, made to the store; returns its version and what it was.
    static func write<G: RandomNumberGenerator>(_ step: Int, to store: any CatalogueStoring, _ g: inout G) throws -> (UInt64, String) {
        let catalogue = try store.loadCatalogue()
        let vendors = catalogue.vendors, cases = catalogue.caseStudies, referrals = catalogue.referrals
        let someVendor = vendors.randomElement(using: &g)!.id
        switch Int.random(in: 0..<100, using: &g) {
        case 0..<20 where !cases.isEmpty:
            let c = cases.randomElement(using: &g)!
            return (try store.upsert(caseStudies: [c]), "re-upsert \(c.id) unchanged")
        case 20..<35 where cases.count > 1:
            // Another case's need, industry and evaluation under an existing id.
            var c = cases.randomElement(using: &g)!, other = cases.randomElement(using: &g)!
            other.id = c.id
            other.vendorID = c.vendorID
            c = other
            return (try store.upsert(caseStudies: [c]), "change \(c.id)")
        case 35..<45 where !cases.isEmpty:
            var c = cases.randomElement(using: &g)!
            c.vendorID = someVendor
            return (try store.upsert(caseStudies: [c]), "move \(c.id) to \(someVendor)")
        case 45..<55 where !cases.isEmpty:
            var c = cases.randomElement(using: &g)!
            c.id = "new-\(step)"
            c.vendorID = someVendor
            return (try store.upsert(caseStudies: [c]), "new case study \(c.id)")
        case 55..<62:
            var v = vendors.randomElement(using: &g)!
            v.id = "nv-\(step)"
            var copies = cases.filter { $0.vendorID == someVendor }.prefix(3).map { $0 }
            for i in copies.indices { copies[i].id = "nv-\(step)-\(i)"; copies[i].vendorID = v.id }
            return (try store.upsert(Catalogue(vendors: [v], caseStudies: copies)), "new vendor \(v.id) with \(copies.count) case studies")
        case 62..<70 where vendors.count > 30:
            return (try store.deleteVendor(returningVersion: someVendor).version, "delete \(someVendor)")
        case 70..<78:
            var v = vendors.randomElement(using: &g)!
            v.description = cases.randomElement(using: &g)?.need
            return (try store.upsert(vendors: [v]), "re-describe \(v.id)")
        case 78..<88 where !referrals.isEmpty:
            var r = referrals.randomElement(using: &g)!
            r.id = "nr-\(step)"
            r.vendorID = someVendor
            return (try store.insert(referrals: [r]), "new referral \(r.id)")
        case 88..<100 where !referrals.isEmpty:
            var r = referrals.randomElement(using: &g)!
            switch Int.random(in: 0...2, using: &g) {
            case 0: r.strength = -r.strength
            case 1: r.buyerOrg = r.buyerOrg == nil ? market.requests.randomElement(using: &g)!.buyerOrg : nil
            default: r.vendorID = someVendor
            }
            return (try store.insert(referrals: [r]), "change referral \(r.id)")
        default:
            let c = cases.randomElement(using: &g)!
            return (try store.upsert(caseStudies: [c]), "re-upsert \(c.id) unchanged")
        }
    }

    @Test(arguments: Kind.allCases)
    func aFollowingRankerRanksLikeAFreshOneAfterEveryFewWrites(_ kind: Kind) throws {
        guard let store = try Self.store(kind) else { return } // PostgreSQL: no test server named
        try store.upsert(Self.market.catalogue)
        let model = try ShortlistLogTests.shippedModel()
        let analyzer = LexicalAnalyzer.load(modelsDirectory: repositoryModels)
        let snapshot = try store.loadSnapshot()
        let live = RankingEngine(taxonomy: taxonomy, model: model, analyzer: analyzer, catalogue: snapshot.catalogue)
        let statistics = live.textStatistics
        let follower = CatalogueFollower(store: store, engine: live, startingAt: snapshot.version,
                                         configuration: .init(pollInterval: .milliseconds(20)), logger: Logger(label: "test.follower"))
        follower.start()
        defer { follower.stop() }
        var g = SplitMix64(seed: 2026)
        var compared = 0
        for step in 0..<48 {
            let (version, what) = try Self.write(step, to: store, &g)
            #expect(follower.waitUntilApplied(version, deadline: .now + .seconds(20)), "\(kind): version \(version) (\(what)) not applied")
            guard step % 6 == 5 else { continue }
            let fresh = RankingEngine(taxonomy: taxonomy, model: model, analyzer: analyzer, catalogue: try store.loadCatalogue(),
                                      textStatistics: statistics)
            for q in Self.market.requests {
                let a = try live.shortlist(q, explain: true), b = try fresh.shortlist(q, explain: true)
                let same = a == b // whole answers: a failure names the first differing vendor, not both lists
                let first = zip(a.vendors, b.vendors).first { $0.0 != $0.1 }.map { "\($0.0.vendorID) \($0.0.score) vs \($0.1.vendorID) \($0.1.score)" }
                #expect(same, "\(kind): after step \(step) (\(what)), request \(q.id) differs: \(first ?? "in the list's length or inferred services")")
                compared += 1
            }
        }
        #expect(compared == 8 * Self.market.requests.count)
    }
}
