import Testing
import VendorMatchCore
@testable import VendorMatchRanking

/// The ranking engine with the semantic channel's approximate index against the exhaustive scan, on the
/// live-index test market (a few hundred case studies; `minimumCases: 0` forces the index on).
@Suite struct ApproximateSemanticTests {
    let catalogue = LiveMarket.make(seed: 7)
    let encoder = WordHashEncoder()
    var requests: [BuyerRequest] { LiveMarket.requests(seed: 7) }

    func engine(_ search: NeighbourSearch?, encodeMissing: Bool = true) -> RankingEngine {
        RankingEngine(taxonomy: taxonomy, catalogue: catalogue,
                      dense: DenseNeeds(encoder: encoder, caseVectors: [:], encodeMissing: encodeMissing,
                                        neighbourSearch: search ?? NeighbourSearch()))
    }

    func answers(_ engine: RankingEngine) throws -> [[String: Double]] {
        try requests.map { r in
            Dictionary(uniqueKeysWithValues: try engine.shortlist(r, explain: false).vendors.map { ($0.vendorID, $0.score) })
        }
    }

    @Test func belowTheMinimumTheChannelScansEveryVector() {
        #expect(engine(nil).snapshotForBaselines().index.caseStudies.neighbours == nil)
        #expect(engine(NeighbourSearch(minimumCases: 0)).snapshotForBaselines().index.caseStudies.neighbours != nil)
    }

    @Test func anIndexThatReturnsEveryCaseRanksLikeTheScan() throws {
        let exact = engine(nil)
        let everything = engine(NeighbourSearch(minimumCases: 0, lists: 4, probes: 4, hits: 100_000))
        #expect(try answers(everything) == answers(exact))
    }

    /// Few lists probed and few hits: the candidates may differ, but every case study of every candidate
    /// has the similarities the exhaustive scan gives it, to the bit.
    @Test func candidatesGetExactSemanticSimilarities() throws {
        let exact = engine(nil).snapshotForBaselines()
        let approximate = engine(NeighbourSearch(minimumCases: 0, lists: 8, probes: 1, hits: 5)).snapshotForBaselines()
        var checked = 0, differedBefore = 0
        for request in requests where request.need != nil {
            let truth = Ranker(snapshot: exact, request: request)
            var ranker = Ranker(snapshot: approximate, request: request)
            #expect(ranker.context.semanticApproximate)
            differedBefore += ranker.context.needSemanticSim.indices.filter {
                ranker.context.needSemanticSim[$0] != truth.context.needSemanticSim[$0]
            }.count
            let ranked = ranker.topExact(30).ranked
            for entry in ranked {
                for c in approximate.index.vendors.cases[entry.vendor].map(Int.init) {
                    #expect(ranker.context.needSemanticSim[c] == truth.context.needSemanticSim[c])
                    #expect(ranker.context.needLexicalSim[c] == truth.context.needLexicalSim[c])
                    #expect(ranker.context.needSim[c] == truth.context.needSim[c])
                    checked += 1
                }
            }
            // Scores are in order after the exact rescoring.
            #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
        #expect(checked > 100)
        #expect(differedBefore > 0, "the index must have left some cases approximate, or this test proves nothing")
    }

    @Test func oneVendorsCaseStudiesAreFoundWithExactSimilarities() throws {
        let exact = engine(nil)
        let approximate = engine(NeighbourSearch(minimumCases: 0, lists: 8, probes: 1, hits: 5))
        for v in ["v1", "v3", "v8"] {
            // A service type given: read from the need, it would come from the approximate neighbours.
            let query = CaseQuery(need: LiveMarket.phrases[4].text, serviceTypes: [LiveMarket.phrases[4].service], vendorID: v, k: 15)
            #expect(try approximate.findCaseStudies(query) == exact.findCaseStudies(query))
        }
    }

    @Test func writesKeepTheIndexInStep() throws {
        let search = NeighbourSearch(minimumCases: 0, lists: 6, probes: 6, hits: 100_000)
        // Built without vectors: no index until the background fill turns the channel on.
        let live = engine(search, encodeMissing: false)
        #expect(live.snapshotForBaselines().index.caseStudies.neighbours == nil)
        live.installNeedVectors(Dictionary(uniqueKeysWithValues: live.needsAwaitingVectors.map { ($0, encoder.embed($0)) }))
        let trained = try #require(live.snapshotForBaselines().index.caseStudies.neighbours)
        let withVectors = catalogue.caseStudies.filter { $0.need != nil }.count
        #expect(trained.count == withVectors)

        var g = SplitMix(state: 5)
        let fresh = (0..<5).map { LiveMarket.caseStudy("new-\($0)", vendor: "v\($0)", &g, fresh: true) }
        live.upsert(caseStudies: fresh)
        live.upsert(caseStudies: [catalogue.caseStudies[0]])  // replaced: the old ordinal leaves the index
        let gone = catalogue.caseStudies.filter { $0.vendorID == "v9" && $0.need != nil }.count
        #expect(live.deleteVendor(id: "v9"))
        let after = try #require(live.snapshotForBaselines().index.caseStudies.neighbours)
        #expect(after.count == withVectors + fresh.filter { $0.need != nil }.count - gone)
        #expect(after.centroids == trained.centroids)  // writes never retrain

        // Every list probed: the live index answers like an exhaustive engine rebuilt from the result.
        var all = catalogue
        all.caseStudies += fresh
        all.caseStudies.removeAll { $0.vendorID == "v9" }
        all.vendors.removeAll { $0.id == "v9" }
        all.referrals.removeAll { $0.vendorID == "v9" }
        let rebuilt = RankingEngine(taxonomy: taxonomy, catalogue: all, dense: DenseNeeds(encoder: encoder, caseVectors: [:]),
                                    textStatistics: live.textStatistics)
        #expect(try answers(live) == answers(rebuilt))
    }
}
