import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchDemo

/// The repository's own Models/ directory.
func repositoryModels() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models")
}

let taxonomy: Taxonomy = try! Taxonomy.load(modelsDirectory: repositoryModels())
/// One small market shared by the read-only tests.
let market = DemoMarket.generate(vendors: 500, seed: 7, requests: 360, taxonomy: taxonomy)

func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("vendormatch-demo-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: url)
    return url
}

@Suite struct DeterminismTests {
    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let a = temporaryDirectory("same-a"), b = temporaryDirectory("same-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let sa = try DemoMarketWriter.write(to: a, vendors: 150, seed: 42, requests: 40, taxonomy: taxonomy)
        let sb = try DemoMarketWriter.write(to: b, vendors: 150, seed: 42, requests: 40, taxonomy: taxonomy)
        #expect(sa == sb)
        for name in DemoMarketWriter.fileNames {
            let da = try Data(contentsOf: a.appendingPathComponent(name))
            let db = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(!da.isEmpty, "\(name) is empty")
            #expect(da == db, "\(name) differs between two runs with the same seed")
        }
    }

    @Test func differentSeedsGiveDifferentMarkets() {
        let a = DemoMarket.generate(vendors: 100, seed: 1, requests: 30, taxonomy: taxonomy)
        let b = DemoMarket.generate(vendors: 100, seed: 2, requests: 30, taxonomy: taxonomy)
        #expect(a.catalogue.vendors != b.catalogue.vendors)
        #expect(a.catalogue.caseStudies.map(\.need) != b.catalogue.caseStudies.map(\.need))
        #expect(a.requests != b.requests)
        #expect(a.qrels != b.qrels)
    }

    @Test func writtenFilesHoldExactlyTheInMemoryMarket() throws {
        let dir = temporaryDirectory("in-memory")
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = DemoMarket.generate(vendors: 120, seed: 9, requests: 30, taxonomy: taxonomy)
        _ = try DemoMarketWriter.write(to: dir, vendors: 120, seed: 9, requests: 30, taxonomy: taxonomy)
        func lines(_ name: String) throws -> [String] {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        #expect(try lines("vendors.jsonl") == m.catalogue.vendors.map { RecordCodec.json($0).serialized() })
        #expect(try lines("case_studies.jsonl") == m.catalogue.caseStudies.map { RecordCodec.json($0).serialized() })
        #expect(try lines("referrals.jsonl") == m.catalogue.referrals.map { RecordCodec.json($0).serialized() })
        #expect(try lines("requests.jsonl") == m.requests.map { RecordCodec.json($0).serialized() })
        #expect(try lines("qrels.txt") == m.qrels.map(\.trecLine))
    }

    @Test func catalogueDoesNotDependOnTheNumberOfRequests() {
        let none = DemoMarket.generate(vendors: 150, seed: 4, requests: 0, taxonomy: taxonomy)
        let few = DemoMarket.generate(vendors: 150, seed: 4, requests: 20, taxonomy: taxonomy)
        let many = DemoMarket.generate(vendors: 150, seed: 4, requests: 400, taxonomy: taxonomy)
        #expect(none.catalogue == few.catalogue)
        #expect(none.catalogue == many.catalogue)
        #expect(Array(many.requests.prefix(20)) == few.requests)
    }

    @Test func randomStreamsAreReproducibleAndIndependent() {
        var a = DemoRandom(seed: 5, stream: 1), b = DemoRandom(seed: 5, stream: 1), c = DemoRandom(seed: 5, stream: 2)
        let xa = (0..<8).map { _ in a.next() }, xb = (0..<8).map { _ in b.next() }, xc = (0..<8).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
        var r = DemoRandom(seed: 11)
        let units = (0..<10_000).map { _ in r.unit() }
        #expect(units.allSatisfy { (0..<1).contains($0) })
        let mean = units.reduce(0, +) / Double(units.count)
        #expect(abs(mean - 0.5) < 0.02)
    }
}

@Suite struct FormatTests {
    /// Every written line parses and validates through the product's own codec, and decodes to the same record.
    @Test func everyLineRevalidatesThroughRecordCodec() throws {
        let dir = temporaryDirectory("codec")
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = DemoMarket.generate(vendors: 200, seed: 3, requests: 50, taxonomy: taxonomy)
        _ = try DemoMarketWriter.write(to: dir, vendors: 200, seed: 3, requests: 50, taxonomy: taxonomy)
        let codec = RecordCodec(taxonomy: taxonomy)
        func decode<T>(_ name: String, _ body: (JSONValue) throws(FieldError) -> T) throws -> [T] {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            var out: [T] = []
            var errors: [String] = []
            data.withUnsafeBytes { bytes in
                JSONLines.forEachLine(in: bytes, file: name, onError: { errors.append($0.description) }) { line, json in
                    do { out.append(try body(json)) } catch { errors.append("\(name):\(line): \(error)") }
                }
            }
            #expect(errors.isEmpty, "\(errors.prefix(5))")
            return out
        }
        #expect(try decode("vendors.jsonl", codec.vendor) == m.catalogue.vendors)
        #expect(try decode("case_studies.jsonl", codec.caseStudy) == m.catalogue.caseStudies)
        #expect(try decode("referrals.jsonl", codec.referral) == m.catalogue.referrals)
        #expect(try decode("requests.jsonl", codec.request) == m.requests)
        let qrelLines = try String(contentsOf: dir.appendingPathComponent("qrels.txt"), encoding: .utf8).split(separator: "\n")
        for line in qrelLines {
            let f = line.split(separator: " ")
            #expect(f.count == 4 && f[1] == "0" && Int(f[3]) != nil, "bad qrels line \(line)")
        }
    }

    @Test func valuesStayInTheContractRanges() {
        for c in market.catalogue.caseStudies {
            if let y = c.year { #expect((2012...2025).contains(y)) }
            #expect(!c.serviceTypes.isEmpty)
        }
        for r in market.catalogue.referrals {
            #expect((-1...1).contains(r.strength))
            if let d = r.date, let y = Int(d.prefix(4)) { #expect((2015...2025).contains(y)) }
        }
        for q in market.requests { #expect(q.k == 10) }
    }
}

@Suite struct MarketShapeTests {
    let vendorIDs = Set(market.catalogue.vendors.map(\.id))

    @Test func idsAreUniqueAndReferencesResolve() {
        #expect(vendorIDs.count == market.catalogue.vendors.count)
        #expect(Set(market.catalogue.caseStudies.map(\.id)).count == market.catalogue.caseStudies.count)
        #expect(Set(market.catalogue.referrals.map(\.id)).count == market.catalogue.referrals.count)
        #expect(Set(market.requests.map(\.id)).count == market.requests.count)
        #expect(market.catalogue.caseStudies.allSatisfy { vendorIDs.contains($0.vendorID) })
        #expect(market.catalogue.referrals.allSatisfy { vendorIDs.contains($0.vendorID) })
        let requestIDs = Set(market.requests.map(\.id))
        #expect(market.qrels.allSatisfy { requestIDs.contains($0.requestID) && vendorIDs.contains($0.vendorID) })
        #expect(Set(market.requestNeeds.keys) == requestIDs)
    }

    @Test func caseStudiesAreHeavyTailedWithColdStartVendors() {
        let m = DemoMarket.generate(vendors: 2_000, seed: 11, requests: 0, taxonomy: taxonomy)
        var counts: [String: Int] = [:]
        for c in m.catalogue.caseStudies { counts[c.vendorID, default: 0] += 1 }
        let perVendor = m.catalogue.vendors.map { counts[$0.id] ?? 0 }
        let n = Double(perVendor.count)
        let cold = Double(perVendor.filter { $0 == 0 }.count) / n
        let few = Double(perVendor.filter { (1...3).contains($0) }.count) / n
        let many = perVendor.filter { $0 >= 30 }.count
        let mean = Double(perVendor.reduce(0, +)) / n
        #expect((0.07...0.13).contains(cold), "cold-start share \(cold)")
        #expect(few > 0.2, "share with 1–3 case studies \(few)")
        #expect(many > 20, "vendors with 30+ case studies: \(many)")
        #expect((6.5...9.0).contains(mean), "mean case studies \(mean)")
        let referralMean = Double(m.catalogue.referrals.count) / n
        #expect((6.0...9.0).contains(referralMean), "mean referrals \(referralMean)")
    }

    @Test func referralsCoverAllTypesAndBuyerSpecificOnesNameRequestBuyers() {
        // With at least `buyerCount` requests every buyer has issued one.
        #expect(market.requests.count >= DemoMarket.buyerCount)
        let buyers = Set(market.requests.compactMap(\.buyerOrg))
        #expect(buyers.count == DemoMarket.buyerCount)
        let referrals = market.catalogue.referrals
        #expect(Set(referrals.map(\.referrerType)) == Set(ReferrerType.allCases))
        for r in referrals { if let b = r.buyerOrg { #expect(buyers.contains(b), "referral \(r.id) names unknown buyer \(b)") } }
        #expect(referrals.contains { $0.referrerType.isBuyerRelative && $0.buyerOrg != nil })
        #expect(referrals.contains { $0.referrerType.isBuyerRelative && $0.buyerOrg == nil })
        #expect(referrals.contains { $0.strength < 0 })
        // Past-client referrals often come from a client organisation of the vendor's case studies.
        var clientOrgs: [String: Set<String>] = [:]
        for c in market.catalogue.caseStudies { if let o = c.clientOrg { clientOrgs[c.vendorID, default: []].insert(o) } }
        let fromClients = referrals.filter { r in
            r.referrerType == .pastClient && r.referrerOrg.map { clientOrgs[r.vendorID]?.contains($0) ?? false } == true
        }
        #expect(fromClients.count > referrals.filter { $0.referrerType == .pastClient }.count / 3)
        // Some buyers come back with several requests.
        let perBuyer = Dictionary(grouping: market.requests.compactMap(\.buyerOrg), by: { $0 }).values.map(\.count)
        #expect(perBuyer.contains { $0 > 1 })
    }

    @Test func vendorsClaimMoreThanTheirCaseStudiesShow() {
        var shown: [String: Set<String>] = [:]
        for c in market.catalogue.caseStudies { shown[c.vendorID, default: []].formUnion(c.serviceTypes) }
        let withCases = market.catalogue.vendors.filter { shown[$0.id] != nil && !$0.serviceTypes.isEmpty }
        let overclaiming = withCases.filter { v in v.serviceTypes.contains { !shown[v.id]!.contains($0) } }
        #expect(Double(overclaiming.count) > 0.4 * Double(withCases.count))
    }

    @Test func needTextsAreVariedEnglish() {
        let needs = market.catalogue.caseStudies.compactMap(\.need)
        #expect(Double(Set(needs).count) > 0.9 * Double(needs.count))
        #expect(needs.allSatisfy { !$0.contains("{") && !$0.contains("}") && $0.first!.isUppercase })
        let requestNeeds = market.requests.compactMap(\.need)
        #expect(requestNeeds.allSatisfy { !$0.contains("{") })
        // Requests are written with other templates than case studies.
        let caseOpenings = Set(needs.map { $0.split(separator: " ").prefix(3).joined(separator: " ") })
        let shared = requestNeeds.filter { caseOpenings.contains($0.split(separator: " ").prefix(3).joined(separator: " ")) }
        #expect(Double(shared.count) < 0.5 * Double(requestNeeds.count))
    }

    @Test func everySubcategoryHasPhrases() {
        let subcategories = taxonomy.services.codes.filter { taxonomy.serviceDepth($0) == 2 }
        for s in subcategories {
            let p = NeedPhraseBook.entries[s]
            #expect(p != nil, "no phrases for \(s)")
            #expect((p?.things.count ?? 0) >= 3 && (p?.problems.count ?? 0) >= 3 && (p?.goals.count ?? 0) >= 3, "\(s)")
        }
    }

    @Test func requestsMixServiceTypesAndTextOnly() {
        let withTypes = market.requests.filter { !$0.serviceTypes.isEmpty }.count
        let share = Double(withTypes) / Double(market.requests.count)
        #expect((0.5...0.85).contains(share), "share with service types \(share)")
        #expect(market.requests.contains { $0.serviceTypes.first.map { taxonomy.serviceDepth($0) == 1 } == true })
    }
}

@Suite struct RelevanceTests {
    /// CONTRACT §2 hard constraints, written independently of the generator.
    static func meets(_ v: Vendor, _ q: BuyerRequest, offered: Set<String>) -> Bool {
        for s in q.serviceTypes {
            if taxonomy.serviceDepth(s) == 2 {
                guard offered.contains(s) || offered.contains(taxonomy.serviceCategory(s)) else { return false }
            } else {
                guard offered.contains(where: { taxonomy.serviceCategory($0) == s }) else { return false }
            }
        }
        let certs = Set(v.certifications.map(Vocabulary.normalizeCertification))
        for c in q.requiredCertifications where !certs.contains(Vocabulary.normalizeCertification(c)) { return false }
        if !q.regions.isEmpty, !v.regions.isEmpty, Set(q.regions).isDisjoint(with: v.regions) { return false }
        if !q.languages.isEmpty, !v.languages.isEmpty, Set(q.languages).isDisjoint(with: v.languages) { return false }
        if let b = q.budgetUSD, let m = v.minProjectUSD, b < m { return false }
        if q.excludeVendors.contains(v.id) { return false }
        return true
    }

    @Test func relevantVendorsMeetTheHardConstraints() {
        var offered: [String: Set<String>] = [:]
        for v in market.catalogue.vendors { offered[v.id] = Set(v.serviceTypes) }
        for c in market.catalogue.caseStudies { offered[c.vendorID, default: []].formUnion(c.serviceTypes) }
        let vendors = Dictionary(uniqueKeysWithValues: market.catalogue.vendors.map { ($0.id, $0) })
        let requests = Dictionary(uniqueKeysWithValues: market.requests.map { ($0.id, $0) })
        for q in market.qrels {
            let v = vendors[q.vendorID]!
            #expect(Self.meets(v, requests[q.requestID]!, offered: offered[v.id]!), "\(q.vendorID) does not meet \(q.requestID)")
        }
    }

    @Test func everyRequestHasOneChosenVendorAndAShortlist() {
        let byRequest = Dictionary(grouping: market.qrels, by: \.requestID)
        for q in market.requests {
            let judged = byRequest[q.id] ?? []
            #expect(judged.filter { $0.grade == 2 }.count == 1, "\(q.id) has no single chosen vendor")
            let shortlisted = judged.filter { $0.grade == 1 }.count
            #expect((0...5).contains(shortlisted))
            #expect(Set(judged.map(\.vendorID)).count == judged.count)
            #expect(judged.allSatisfy { $0.grade == 1 || $0.grade == 2 })
        }
        #expect(market.qrels.filter { $0.grade == 1 }.count >= 3 * market.requests.count)
    }

    @Test func someRequestsExcludeAVendorThatIsThenNeverJudgedRelevant() {
        let excluding = market.requests.filter { !$0.excludeVendors.isEmpty }
        #expect(!excluding.isEmpty)
        let judged = Set(market.qrels.map { "\($0.requestID) \($0.vendorID)" })
        for q in excluding { for v in q.excludeVendors { #expect(!judged.contains("\(q.id) \(v)")) } }
    }

    @Test func chosenVendorsUsuallyShowTheRequestedKindOfWork() {
        // Observable evidence tracks the latent truth: most chosen vendors have a case study in the
        // need's subcategory, far more than the catalogue at large.
        var shown: [String: Set<String>] = [:]
        for c in market.catalogue.caseStudies { shown[c.vendorID, default: []].formUnion(c.serviceTypes) }
        let chosen = market.qrels.filter { $0.grade == 2 }
        let hits = chosen.filter { shown[$0.vendorID]?.contains(market.requestNeeds[$0.requestID]!) ?? false }.count
        #expect(Double(hits) > 0.6 * Double(chosen.count), "\(hits) of \(chosen.count)")
    }

    @Test func emptyMarketsAreFine() {
        let none = DemoMarket.generate(vendors: 0, seed: 1, requests: 5, taxonomy: taxonomy)
        #expect(none.catalogue.isEmpty && none.qrels.isEmpty && none.requests.count == 5)
        let noRequests = DemoMarket.generate(vendors: 20, seed: 1, requests: 0, taxonomy: taxonomy)
        #expect(noRequests.catalogue.vendors.count == 20 && noRequests.requests.isEmpty && noRequests.qrels.isEmpty)
    }
}

@Suite struct JSONBytesTests {
    @Test(arguments: [
        JSONValue.string("plain"), .string("quote \" backslash \\ slash /"), .string("tab\tnew\nline\rcr \u{01}\u{1F}"),
        .string("Zürich – 東京 🚀"), .number(0), .number(3), .number(-0.5), .number(0.1), .number(1e20), .number(123456.75),
        .bool(true), .null, .array([.number(1), .string("a"), .array([])]),
        .object([("k", .string("v")), ("n", .number(2.5)), ("o", .object([]))]),
    ])
    func writesExactlyWhatSerializedWrites(value: JSONValue) {
        var bytes: [UInt8] = []
        JSONBytes.append(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == value.serialized())
    }
}

@Suite struct OracleRankTests {
    /// Each judged vendor's noise-free rank is a rank among the request's candidates, and the choices follow
    /// the utility: the chosen vendors sit high in the oracle's order, far above a random draw.
    @Test func judgedVendorsHaveOracleRanksAmongTheCandidates() {
        #expect(!market.qrels.isEmpty)
        for q in market.qrels {
            #expect(q.candidates >= 1)
            #expect((1...q.candidates).contains(q.oracleRank), "\(q.requestID) \(q.vendorID): rank \(q.oracleRank) of \(q.candidates)")
        }
        // A random pick would sit at the middle of the candidates on average (relative rank about 0.5); the
        // choices sit far above it (0.13 on this market: a few requests have only a handful of candidates).
        let relative = market.qrels.map { Double($0.oracleRank) / Double($0.candidates) }
        #expect(relative.reduce(0, +) / Double(relative.count) < 0.25)
    }
}
