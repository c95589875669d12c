import Foundation
import VendorMatchCore

/// Runs the whole simulation in the order the dependencies demand: buyers and their requests first
/// (buyer-specific referrals must name real request buyers), then vendors one at a time (records go
/// straight to the caller; only the compact latent truth is kept), then the buyers' choices (qrels).
struct MarketGenerator {
    let shape: MarketShape
    let writer: NeedWriter
    let vendorCount: Int
    let requestCount: Int
    let seed: UInt64
    let taste: BuyerTaste

    /// Share of requests that exclude one vendor.
    static let exclusionShare = 0.04

    struct RequestDraft {
        var request: BuyerRequest
        var buyer: Int
        /// The true need (subcategory index) the buyer's text and choice are about.
        var need: Int
    }

    init(taxonomy: Taxonomy, vendors: Int, requests: Int, seed: UInt64, taste: BuyerTaste = .standard,
         wording: NeedWording = .shared) {
        self.taste = taste
        shape = MarketShape(taxonomy: taxonomy)
        writer = NeedWriter(taxonomy: taxonomy, wording: wording)
        vendorCount = max(0, vendors)
        requestCount = max(0, requests)
        self.seed = seed
    }

    /// Generates the market; records are handed over as they are made.
    func run(
        vendor onVendor: (Vendor) throws -> Void,
        caseStudy onCase: (CaseStudy) throws -> Void,
        referral onReferral: (Referral) throws -> Void
    ) rethrows -> (requests: [BuyerRequest], qrels: [DemoQrel], needs: [String]) {
        let buyers = makeBuyers()
        var drafts = makeRequestDrafts(buyers: buyers)
        // Every buyer may be named by buyer-specific referrals, whatever the number of requests, so the
        // catalogue does not depend on it; with requests ≥ buyers every buyer issues at least one request.
        let active = Array(buyers.indices)
        var bySector = Array(repeating: [Int](), count: shape.sectors.count)
        for b in active { bySector[buyers[b].industry.sector].append(b) }
        let vendorGenerator = VendorGenerator(
            shape: shape, seed: seed, writer: writer, activeBuyers: active, activeBuyersBySector: bySector,
            buyerIDs: buyers.map(\.id),
            buyerIndex: Dictionary(uniqueKeysWithValues: buyers.enumerated().map { ($1.id, Int32($0)) }),
            idWidth: max(5, String(vendorCount).count))

        var truths: [VendorTruth] = []
        truths.reserveCapacity(vendorCount)
        var caseCounter = 0, referralCounter = 0
        for i in 0..<vendorCount {
            let out = vendorGenerator.make(index: i, caseCounter: &caseCounter, referralCounter: &referralCounter)
            try onVendor(out.vendor)
            for c in out.caseStudies { try onCase(c) }
            for r in out.referrals { try onReferral(r) }
            truths.append(out.truth)
        }

        let choice = BuyerChoice(shape: shape)
        var qrels: [DemoQrel] = []
        let facts = truths.map(\.facts)
        var noise = DemoRandom(seed: seed, stream: 3)
        var relax = DemoRandom(seed: seed, stream: 4)
        var exclusions = DemoRandom(seed: seed, stream: 5)
        for d in drafts.indices {
            let chosen = choose(&drafts[d], buyers: buyers, truths: truths, facts: facts, choice: choice, noise: &noise,
                                relax: &relax, exclusions: &exclusions)
            qrels += chosen
        }
        return (drafts.map(\.request), qrels, drafts.map { shape.subcategories[$0.need] })
    }

    // MARK: Buyers and requests

    func makeBuyers() -> [Buyer] {
        var rng = DemoRandom(seed: seed, stream: 1)
        let count = DemoMarket.buyerCount
        let width = max(4, String(count).count)
        return (0..<count).map { i in
            Buyer(id: "buyer-" + pad(i + 1, width), industry: LatentIndustry.random(&rng, shape: shape),
                  size: rng.weightedIndex([0.05, 0.15, 0.25, 0.25, 0.20, 0.10]), home: rng.weightedIndex(Markets.buyerWeights))
        }
    }

    func makeRequestDrafts(buyers: [Buyer]) -> [RequestDraft] {
        guard !buyers.isEmpty else { return [] }
        var rng = DemoRandom(seed: seed, stream: 2)
        // Each buyer's first request comes in a shuffled order; after that buyers come back with a
        // Zipf-like share of the requests.
        var firstRound = Array(buyers.indices)
        for i in stride(from: firstRound.count - 1, to: 0, by: -1) { firstRound.swapAt(i, rng.int(0...i)) }
        let buyerWeights = buyers.indices.map { 1 / pow(Double($0 + 1), 0.8) }
        let width = max(5, String(requestCount).count)
        return (0..<requestCount).map { i in
            let b = i < firstRound.count ? firstRound[i] : rng.weightedIndex(buyerWeights)
            let buyer = buyers[b]
            let need = shape.randomSubcategory(&rng)
            let subcategory = shape.subcategories[need]
            let category = shape.categories[shape.categoryOfSubcategory[need]]
            let words = Lexicon.words(forIndustry: shape.subsectors[buyer.industry.subsector], sector: shape.sectors[buyer.industry.sector])
            var q = BuyerRequest(id: "q" + pad(i + 1, width), buyerOrg: buyer.id)
            if rng.chance(0.92) {
                q.industry = buyer.industry.code(depth: LatentIndustry.writtenDepth(&rng, sector: 0.18, subsector: 0.38), shape: shape)
            }
            if rng.chance(0.85) { q.size = SizeBand(rawValue: buyer.size) }
            if rng.chance(0.97) { q.need = writer.requestNeed(&rng, subcategory: subcategory, words: words, size: buyer.size) }
            if rng.chance(0.7) { q.serviceTypes = [rng.chance(0.8) ? subcategory : category] }
            let country = Markets.countries[buyer.home]
            if rng.chance(0.25) {
                q.regions = [country.code]
                if rng.chance(0.4), let near = Markets.clusters[country.cluster] {
                    let other = Markets.countries[rng.pick(near)].code
                    if other != country.code { q.regions.append(other) }
                }
            }
            if rng.chance(0.15) { q.languages = [country.languages[0]] }
            if rng.chance(0.08) {
                let techy = ["security", "cloud", "data", "it"].contains(category)
                q.requiredCertifications = [techy ? (rng.chance(0.6) ? "ISO 27001" : "SOC 2") : (rng.chance(0.6) ? "ISO 9001" : "ISO 27001")]
            }
            if rng.chance(0.3) {
                let base = [20_000.0, 50_000, 120_000, 300_000, 800_000, 2_000_000][buyer.size]
                q.budgetUSD = (base * exp(rng.normal(0, 0.6)) / 1000).rounded() * 1000
            }
            return RequestDraft(request: q, buyer: b, need: need)
        }
    }

    // MARK: Choice

    /// The buyer's shortlist among the vendors that meet the request; constraints no vendor can meet
    /// are dropped first (certifications, budget, languages, regions, then the service type widens
    /// to its category and finally goes), so every request has a relevant vendor whenever any vendor exists.
    func choose(_ draft: inout RequestDraft, buyers: [Buyer], truths: [VendorTruth], facts: [VendorFacts], choice: BuyerChoice,
                noise: inout DemoRandom, relax: inout DemoRandom, exclusions: inout DemoRandom) -> [DemoQrel] {
        guard !truths.isEmpty else { return [] }
        var candidates: [Int] = []
        for step in 0...6 {
            let c = choice.constraints(of: draft.request)
            candidates.removeAll(keepingCapacity: true)
            facts.withUnsafeBufferPointer { f in
                for i in f.indices where BuyerChoice.satisfies(f[i], c, shape: shape) { candidates.append(i) }
            }
            if !candidates.isEmpty { break }
            switch step {
            case 0: draft.request.requiredCertifications = []
            case 1: draft.request.budgetUSD = nil
            case 2: draft.request.languages = []
            case 3: draft.request.regions = []
            case 4:
                if let s = draft.request.serviceTypes.first, let i = shape.subcategoryIndex[s] {
                    draft.request.serviceTypes = [shape.categories[shape.categoryOfSubcategory[i]]]
                }
            default: draft.request.serviceTypes = []
            }
        }
        let buyer = buyers[draft.buyer]
        // Now and then a buyer rules out the vendor it knows best (its incumbent, which it wants to
        // replace): the deterministically best candidate goes into `exclude_vendors`.
        if candidates.count > 1, exclusions.chance(Self.exclusionShare) {
            var best = candidates[0], bestUtility = -Double.infinity
            for v in candidates {
                let u = BuyerChoice.utility(truths[v], buyer: buyer, buyerIndex: Int32(draft.buyer), need: draft.need, shape: shape,
                                            taste: taste)
                if u > bestUtility { best = v; bestUtility = u }
            }
            draft.request.excludeVendors = [truths[best].id]
            candidates.removeAll { $0 == best }
        }
        // The best few by utility (ties: lower vendor index first), kept sorted while scanning.
        let shortlist = 1 + relax.int(3...5)
        var scored: [(vendor: Int, utility: Double, base: Double)] = []
        scored.reserveCapacity(shortlist + 1)
        var bases: [Double] = []
        bases.reserveCapacity(candidates.count)
        truths.withUnsafeBufferPointer { t in
            for v in candidates {
                let base = BuyerChoice.utility(t[v], buyer: buyer, buyerIndex: Int32(draft.buyer), need: draft.need, shape: shape,
                                               taste: taste)
                bases.append(base)
                let u = base + BuyerChoice.noiseScale * noise.gumbel()
                if scored.count == shortlist, u <= scored[shortlist - 1].utility { continue }
                var at = scored.count
                while at > 0, scored[at - 1].utility < u { at -= 1 }
                scored.insert((v, u, base), at: at)
                if scored.count > shortlist { scored.removeLast() }
            }
        }
        return scored.enumerated().map { rank, s in
            DemoQrel(requestID: draft.request.id, vendorID: truths[s.vendor].id, grade: rank == 0 ? 2 : 1,
                     oracleRank: 1 + bases.reduce(0) { $0 + ($1 > s.base ? 1 : 0) }, candidates: candidates.count)
        }
    }
}
