import Testing
import VendorMatchCore
@testable import VendorMatchRanking

/// A tiny seeded generator (SplitMix64) so the properties are checked on reproducible random markets.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

enum RandomMarket {
    static let industries = ["52", "522", "5221", "52211", "524", "5241", "54", "541", "5415", "31-33", "311", "336", "62", "621", "44-45", "445"]
    static let services = ["data", "data.machine-learning", "data.engineering", "data.analytics-bi", "software", "software.web-app",
                           "software.mobile-app", "cloud", "cloud.migration", "cloud.devops"]
    static let words = ["loan", "credit", "risk", "model", "warehouse", "pipeline", "dashboard", "mobile", "app", "customer",
                        "migration", "cloud", "shop", "fraud", "claims", "patients", "factory", "sensor", "report", "forecast"]
    static let regions = ["DE", "US", "GB", "FR"]
    static let certs = ["ISO 27001", "ISO 9001", "SOC 2"]

    static func text<G: RandomNumberGenerator>(_ g: inout G) -> String {
        (0..<Int.random(in: 3...8, using: &g)).map { _ in words.randomElement(using: &g)! }.joined(separator: " ")
    }

    static func make(seed: UInt64, vendors: Int = 60) -> Catalogue {
        var g = SplitMix(state: seed)
        var cat = Catalogue()
        for v in 0..<vendors {
            cat.vendors.append(Vendor(
                id: "v\(v)", name: "Vendor \(v)", size: SizeBand(rawValue: Int.random(in: 0...5, using: &g)),
                industries: Bool.random(using: &g) ? [industries.randomElement(using: &g)!] : [],
                serviceTypes: Bool.random(using: &g) ? [services.randomElement(using: &g)!] : [],
                description: Bool.random(using: &g) ? text(&g) : nil,
                regions: Bool.random(using: &g) ? [regions.randomElement(using: &g)!] : [],
                languages: Bool.random(using: &g) ? ["en"] : ["de"],
                certifications: Bool.random(using: &g) ? [certs.randomElement(using: &g)!] : [],
                minProjectUSD: Bool.random(using: &g) ? Double(Int.random(in: 1...20, using: &g) * 10000) : nil))
            for c in 0..<Int.random(in: 0...6, using: &g) {
                cat.caseStudies.append(CaseStudy(
                    id: "c\(v)-\(c)", vendorID: "v\(v)", clientIndustry: industries.randomElement(using: &g)!,
                    serviceTypes: [services.randomElement(using: &g)!],
                    clientSize: Bool.random(using: &g) ? SizeBand(rawValue: Int.random(in: 0...5, using: &g)) : nil,
                    need: Bool.random(using: &g) ? text(&g) : nil, year: Int.random(in: 2012...2025, using: &g),
                    topClient: Bool.random(using: &g), verified: Bool.random(using: &g),
                    evaluation: Bool.random(using: &g) ? Evaluation(expertise: Double.random(in: 1...5, using: &g),
                                                                    wouldRecommend: Double(Int.random(in: 0...10, using: &g))) : nil))
            }
            for r in 0..<Int.random(in: 0...4, using: &g) {
                let type = ReferrerType.allCases.randomElement(using: &g)!
                cat.referrals.append(Referral(
                    id: "r\(v)-\(r)", vendorID: "v\(v)", referrerType: type, referrerOrg: "org\(Int.random(in: 0...5, using: &g))",
                    buyerOrg: type.isBuyerRelative || Bool.random(using: &g) ? "buyer\(Int.random(in: 0...3, using: &g))" : nil,
                    strength: Double.random(in: -1...1, using: &g),
                    date: "20\(Int.random(in: 15...25, using: &g))-0\(Int.random(in: 1...9, using: &g))-15"))
            }
        }
        return cat
    }

    static func request<G: RandomNumberGenerator>(_ i: Int, _ g: inout G) -> BuyerRequest {
        BuyerRequest(
            id: "q\(i)", buyerOrg: Bool.random(using: &g) ? "buyer\(Int.random(in: 0...3, using: &g))" : nil,
            industry: Bool.random(using: &g) ? industries.randomElement(using: &g)! : nil,
            size: Bool.random(using: &g) ? SizeBand(rawValue: Int.random(in: 0...5, using: &g)) : nil,
            need: Bool.random(using: &g) ? text(&g) : nil,
            serviceTypes: Int.random(in: 0...2, using: &g) == 0 ? [services.randomElement(using: &g)!] : [],
            regions: Int.random(in: 0...3, using: &g) == 0 ? [regions.randomElement(using: &g)!] : [],
            languages: Int.random(in: 0...3, using: &g) == 0 ? ["en"] : [],
            requiredCertifications: Int.random(in: 0...4, using: &g) == 0 ? [certs.randomElement(using: &g)!] : [],
            budgetUSD: Int.random(in: 0...3, using: &g) == 0 ? Double(Int.random(in: 1...20, using: &g) * 10000) : nil,
            k: 1000,
            excludeVendors: Int.random(in: 0...4, using: &g) == 0 ? ["v\(Int.random(in: 0...59, using: &g))"] : [])
    }
}

/// Checks CONTRACT §2's hard constraints independently of the ranker's own masks.
func satisfies(_ v: Vendor, _ cases: [CaseStudy], _ q: BuyerRequest) -> Bool {
    let offered = Set(v.serviceTypes + cases.flatMap(\.serviceTypes))
    for r in q.serviceTypes {
        let category = taxonomy.serviceCategory(r)
        let met = r == category
            ? offered.contains { taxonomy.serviceCategory($0) == r }
            : offered.contains(r) || offered.contains(category)
        if !met { return false }
    }
    let held = Set(v.certifications.map(Vocabulary.normalizeCertification))
    if !q.requiredCertifications.allSatisfy({ held.contains(Vocabulary.normalizeCertification($0)) }) { return false }
    if !q.regions.isEmpty, !v.regions.isEmpty, Set(q.regions).isDisjoint(with: v.regions) { return false }
    if !q.languages.isEmpty, !v.languages.isEmpty, Set(q.languages).isDisjoint(with: v.languages) { return false }
    if let b = q.budgetUSD, let m = v.minProjectUSD, b < m { return false }
    return !q.excludeVendors.contains(v.id)
}

@Suite struct RankingPropertyTests {
    @Test(arguments: [1, 2, 3] as [UInt64])
    func hardConstraintViolatorsNeverAppearAndEveryQualifierDoes(seed: UInt64) throws {
        let cat = RandomMarket.make(seed: seed)
        let e = engine(cat)
        var g = SplitMix(state: seed &* 7)
        for i in 0..<40 {
            let q = RandomMarket.request(i, &g)
            let listed = Set(try e.shortlist(q).vendors.map(\.vendorID))
            let expected = Set(cat.vendors.filter { v in satisfies(v, cat.caseStudies.filter { $0.vendorID == v.id }, q) }.map(\.id))
            #expect(listed == expected, "request \(q)")
        }
    }

    @Test(arguments: [4, 5] as [UInt64])
    func contributionsAddUpAndOutputIsDeterministic(seed: UInt64) throws {
        let cat = RandomMarket.make(seed: seed)
        let a = engine(cat), b = engine(cat)
        var g = SplitMix(state: seed)
        for i in 0..<30 {
            let q = RandomMarket.request(i, &g)
            let la = try a.shortlist(q), lb = try b.shortlist(q)
            // Compared as (id, score) lists so that a failure prints something readable.
            func summary(_ l: Shortlist) -> [String] { l.vendors.map { "\($0.vendorID) \($0.score)" } }
            #expect(summary(la) == summary(lb))
            #expect(la == lb)
            #expect(summary(la) == summary(try a.shortlist(q)))
            for v in la.vendors { #expect(abs(v.components.total - v.score) < 1e-6) }
            let scores = la.vendors.map(\.score)
            #expect(scores == scores.sorted(by: >))
        }
    }

    @Test(arguments: [6, 7] as [UInt64])
    func addingAMatchingCaseStudyNeverLowersAVendorsScore(seed: UInt64) throws {
        let cat = RandomMarket.make(seed: seed)
        var g = SplitMix(state: seed)
        for i in 0..<25 {
            let q = RandomMarket.request(i, &g)
            let e = engine(cat)
            let before = try e.shortlist(q).vendors
            guard let target = before.randomElement(using: &g) else { continue }
            // A case study matching the request on every dimension it gives (no evaluation: quality is
            // a separate question), reusing words the catalogue already knows.
            let known = cat.caseStudies.first { $0.need != nil }?.need
            e.upsert(caseStudies: [CaseStudy(
                id: "added-\(i)", vendorID: target.vendorID, clientIndustry: q.industry ?? "52",
                serviceTypes: q.serviceTypes.isEmpty ? ["data"] : q.serviceTypes, clientSize: q.size,
                need: q.need ?? known, year: 2025, verified: true)])
            let after = try #require(try e.shortlist(q).vendors.first { $0.vendorID == target.vendorID })
            #expect(after.score >= target.score - 1e-12, "request \(q.id)")
        }
    }

    @Test func scoringOnTwoThreadsGivesTheSequentialAnswer() throws {
        let cat = RandomMarket.make(seed: 11, vendors: 200)
        let index = RankingIndex(taxonomy: taxonomy, model: .defaults, analyzer: analyzer, catalogue: cat)
        var g = SplitMix(state: 11)
        for i in 0..<20 {
            var q = RandomMarket.request(i, &g)
            q.k = [1, 5, 10, 1000, 30, 60][i % 6]
            let ranker = Ranker(index: index, request: q)
            let one = ranker.top(q.k, parallelThreshold: .max).ranked
            let two = ranker.top(q.k, parallelThreshold: 1).ranked
            #expect(one.map(\.vendor) == two.map(\.vendor))
            #expect(one.map(\.score) == two.map(\.score))
        }
    }

    /// The first phase scores the vendors with the highest bounds first, so its floor rises early; the
    /// best k must be those of scoring in ordinal order, vendor for vendor and score for score.
    @Test func scoringTheMostPromisingFirstGivesTheOrdinalAnswer() throws {
        let cat = RandomMarket.make(seed: 17, vendors: 400)
        let index = RankingIndex(taxonomy: taxonomy, model: .defaults, analyzer: analyzer, catalogue: cat)
        var g = SplitMix(state: 17)
        var seeded = 0
        for i in 0..<40 {
            var q = RandomMarket.request(i, &g)
            q.k = [1, 3, 5, 10, 20][i % 5]
            let ranker = Ranker(index: index, request: q)
            let ordinal = ranker.top(q.k, parallelThreshold: .max, seedFactor: 0).ranked
            for factor in [1, 2, 8] {
                let first = ranker.top(q.k, parallelThreshold: .max, seedFactor: factor).ranked
                #expect(first.map(\.vendor) == ordinal.map(\.vendor), "request \(q.id), factor \(factor)")
                #expect(first.map(\.score) == ordinal.map(\.score))
            }
            // The order changes only when more than 4 × 2k candidates have matching work.
            if ranker.declaredOnlyBound() != nil,
               CandidateRetrieval.partition(ranker.candidates()[...], context: ranker.context, prune: true).strong.count > 4 * 2 * q.k {
                seeded += 1
            }
        }
        #expect(seeded >= 10)
    }

    /// `Ranker.threshold` on a hand-worked list: below 4,096 values every one is in the sample.
    @Test func theSeedThresholdIsTheKeptValue() {
        var g = SplitMix(state: 3)
        let values = (0..<1000).map(Double.init).shuffled(using: &g)
        #expect(Ranker.threshold(values, keeping: 10) == 989)
        #expect(Ranker.threshold(values, keeping: 0) == 999)
        #expect(Ranker.threshold(values, keeping: 5000) == 0)
        // 10,000 values: every second one is sampled, so keeping 100 lands within two of the 101st.
        let many = (0..<10000).map(Double.init)
        #expect(abs(Ranker.threshold(many, keeping: 100) - 9899) <= 2)
    }

    /// The selection behind `threshold` against sorting, on lists with many repeats, already sorted either
    /// way, and of one value; every rank.
    @Test func selectingTheRankedValueAgreesWithSorting() {
        var g = SplitMix(state: 17)
        var lists: [[Double]] = [[5], [2, 1], [1, 2], Array(repeating: 0.25, count: 40),
                                 (0..<300).map(Double.init), (0..<300).map { Double(300 - $0) }]
        for n in [3, 17, 64, 257, 1000] {
            lists.append((0..<n).map { _ in Double(g.next() % 7) / 2 })          // few distinct values
            lists.append((0..<n).map { _ in Double(g.next() % 1_000_000) / 1e3 }) // mostly distinct
        }
        for list in lists {
            let sorted = list.sorted(by: >)
            for rank in list.indices {
                var scratch = list
                let got = Ranker.largest(rank, in: &scratch)
                #expect(got == sorted[rank], "rank \(rank) of \(list.count) values")
                if got != sorted[rank] { return }
            }
        }
    }

    @Test func aBuyerSpecificReferralChangesOnlyItsBuyersRanking() throws {
        let cat = RandomMarket.make(seed: 9)
        var g = SplitMix(state: 9)
        let requests = (0..<20).map { RandomMarket.request($0, &g) }
        let before = engine(cat)
        var withReferral = cat
        withReferral.referrals.append(Referral(id: "new", vendorID: "v3", referrerType: .buyerInternal, referrerOrg: "sister",
                                               buyerOrg: "buyer-special", strength: 1, date: "2025-06-01"))
        let after = engine(withReferral)
        for var q in requests {
            let same = try before.shortlist(q) == after.shortlist(q)
            #expect(same, "request \(q.id) without the special buyer changed")
            q.buyerOrg = "buyer-special"
            let b = try before.shortlist(q).vendors.first { $0.vendorID == "v3" }
            let a = try after.shortlist(q).vendors.first { $0.vendorID == "v3" }
            if let a, let b { #expect(a.score > b.score) }
        }
    }

    @Test(arguments: [12, 13] as [UInt64])
    func caseValueIsTheWeightedSumOfItsParts(seed: UInt64) throws {
        let index = RankingIndex(taxonomy: taxonomy, model: .defaults, analyzer: analyzer, catalogue: RandomMarket.make(seed: seed))
        var g = SplitMix(state: seed)
        for i in 0..<40 {
            let context = Ranker(index: index, request: RandomMarket.request(i, &g)).context
            for _ in 0..<20 {
                // Similarities of the dimensions the request gives; 0 elsewhere, as in the scoring loop.
                let s = SIMD4<Double>((0..<4).map { context.a[$0] > 0 ? [0, 1, Double.random(in: 0...1, using: &g)].randomElement(using: &g)! : 0 })
                let expected = (context.w * context.parts(s)).sum()
                #expect(abs(context.value(s) - expected) < 1e-12, "request \(i), s \(s)")
            }
        }
    }

    /// The scoring loop skips vendors whose upper bound cannot enter the top k; models where trust,
    /// quality or declarations decide, or where an old case can weigh more than 1 (age floor above 1),
    /// must still rank exactly like the naive scan, which scores everyone.
    @Test(arguments: [(8.0, 0.2, 0.1, 1.0), (0.1, 6.0, 0.1, 1.0), (0.2, 0.2, 3.0, 1.0), (0.5, 0.5, 0.4, 2.5)])
    func skippingByBoundsRanksLikeTheNaiveScan(trust: Double, quality: Double, declared: Double, ageFloor: Double) throws {
        var model = RankingModel.defaults
        model.weights["trust"] = trust
        model.weights["quality"] = quality
        model.parameters[RankingModel.Parameter.declaredCredibility.rawValue] = declared
        model.parameters[RankingModel.Parameter.caseAgeFloor.rawValue] = ageFloor
        let e = engine(RandomMarket.make(seed: 21, vendors: 120), model: model)
        var g = SplitMix(state: 21)
        for i in 0..<40 {
            var q = RandomMarket.request(i, &g)
            q.k = Int.random(in: 1...8, using: &g)
            let naive = NaiveScan(engine: e).shortlist(q)
            let fast = try e.shortlist(q).vendors
            #expect(fast.map(\.vendorID) == naive.map(\.vendorID), "request \(q.id)")
            for (f, n) in zip(fast, naive) { #expect(abs(f.score - n.score) < 1e-9) }
        }
    }

    /// What lets the scoring loop skip a vendor (its bound: its cases' best possible industry and size
    /// from their contexts, need, service and heaviest weight, plus declarations, trust and quality) is
    /// never below the score it would get, in an index built at once and after case studies were moved
    /// between vendors, replaced with other industries and sizes, deleted with their vendors, and
    /// reweighed by another model.
    @Test(arguments: [31, 32] as [UInt64])
    func noVendorScoresAboveItsBoundThroughAStreamOfWrites(seed: UInt64) throws {
        var index = RankingIndex(taxonomy: taxonomy, model: .defaults, analyzer: analyzer,
                                 catalogue: RandomMarket.make(seed: seed, vendors: 80))
        var g = SplitMix(state: seed)
        var checked = 0, belowTheOldBound = 0
        for round in 0..<6 {
            for i in 0..<25 {
                let q = RandomMarket.request(round * 100 + i, &g)
                let ranker = Ranker(index: index, request: q)
                guard let declared = ranker.declaredOnlyBound() else { continue }
                var scratch = ranker.makeScratch()
                for v in ranker.candidates() where ranker.context.relevantVendor[v] {
                    let score = ranker.evaluate(v, scratch: &scratch).score
                    let bound = ranker.bound(v, declared: declared + ranker.casesBound(v))
                    #expect(score <= bound, "round \(round) request \(q.id) vendor \(index.vendors.ids[v]): \(score) > \(bound)")
                    checked += 1
                    // Industry and size taken as 1, as before the contexts: the new bound is tighter.
                    var loose = ranker.context
                    loose.industryGroupBest = loose.industryGroupBest.map { _ in 1 }
                    loose.sizeSim = loose.sizeSim.map { _ in 1 }
                    if bound < ranker.bound(v, declared: declared + ranker.casesBound(v, context: loose)) - 1e-9 { belowTheOldBound += 1 }
                }
            }
            let fresh = RandomMarket.make(seed: seed &+ UInt64(round + 1) &* 77, vendors: 80)
            let moved = fresh.caseStudies.shuffled(using: &g).prefix(40).map { c in
                var c = c
                c.vendorID = "v\(Int.random(in: 0..<80, using: &g))"
                return c
            }
            index.upsert(caseStudies: moved)
            _ = index.deleteVendor(id: "v\(Int.random(in: 0..<80, using: &g))")
            if round == 2 {
                // Another model weighs every case differently (verified and top-client cases more, old ones
                // less): the heaviest weight each vendor's bound uses must follow.
                var model = index.model
                model.parameters[RankingModel.Parameter.caseVerified.rawValue] = 0.6
                model.parameters[RankingModel.Parameter.caseTopClient.rawValue] = 0.4
                model.parameters[RankingModel.Parameter.caseAgeFloor.rawValue] = 0.9
                index.replace(model: model)
            }
        }
        #expect(checked > 500)
        #expect(belowTheOldBound > checked / 10, "\(belowTheOldBound) of \(checked)")
    }

    @Test(arguments: [14, 15] as [UInt64])
    func theIndexRanksLikeTheNaiveScanThroughAStreamOfWrites(seed: UInt64) throws {
        let cat = RandomMarket.make(seed: seed, vendors: 80)
        let e = engine(cat)
        var g = SplitMix(state: seed)
        for round in 0..<6 {
            for i in 0..<15 {
                var q = RandomMarket.request(round * 100 + i, &g)
                q.k = 10
                let naive = NaiveScan(engine: e).shortlist(q)
                let fast = try e.shortlist(q).vendors
                #expect(fast.map(\.vendorID) == naive.map(\.vendorID), "round \(round) request \(q.id)")
                for (f, n) in zip(fast, naive) { #expect(abs(f.score - n.score) < 1e-9) }
            }
            // Writes between rounds: replaced and moved case studies, replaced vendors (new regions,
            // certifications), new and replaced referrals (some buyer-specific), a deleted vendor.
            let fresh = RandomMarket.make(seed: seed &+ UInt64(round) &* 31, vendors: 80)
            let moved = fresh.caseStudies.shuffled(using: &g).prefix(30).map { c in
                var c = c
                c.vendorID = "v\(Int.random(in: 0..<80, using: &g))"
                return c
            }
            e.upsert(caseStudies: moved)
            e.upsert(vendors: Array(fresh.vendors.shuffled(using: &g).prefix(10)))
            e.add(referrals: Array(fresh.referrals.shuffled(using: &g).prefix(25)))
            _ = e.deleteVendor(id: "v\(Int.random(in: 0..<80, using: &g))")
        }
    }
}
