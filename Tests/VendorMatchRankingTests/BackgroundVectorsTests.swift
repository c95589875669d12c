import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchRanking

/// A deterministic stand-in for the sentence encoder: unit vectors from the text's words, so texts that
/// share words are close (enough to move rankings) and the same text always gets the same vector.
struct WordHashEncoder: DenseNeedEncoder {
    var modelIdentifier: String { "word-hash@test" }

    func embed(_ text: String) -> [Float] {
        var v = [Float](repeating: 0, count: 16)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) {
            var h: UInt64 = 1469598103934665603
            for b in word.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
            v[Int(h % 16)] += 1
        }
        let norm = max(1e-6, v.reduce(0) { $0 + $1 * $1 }.squareRoot())
        return v.map { $0 / norm }
    }
}

@Suite struct BackgroundVectorsTests {
    let catalogue = LiveMarket.make(seed: 7)
    let encoder = WordHashEncoder()
    var requests: [BuyerRequest] { LiveMarket.requests(seed: 7) }

    func engine(dense: DenseNeeds?) -> RankingEngine {
        RankingEngine(taxonomy: taxonomy, catalogue: catalogue, dense: dense)
    }

    func answers(_ engine: RankingEngine) throws -> [[String: Double]] {
        try requests.map { r in
            Dictionary(uniqueKeysWithValues: try engine.shortlist(r, explain: false).vendors.map { ($0.vendorID, $0.score) })
        }
    }

    @Test func startsLexicalAndTurnsHybridOnceEveryVectorIsIn() throws {
        let lexical = try answers(engine(dense: nil))
        let hybrid = try answers(engine(dense: DenseNeeds(encoder: encoder, caseVectors: [:])))
        #expect(lexical != hybrid, "the fake encoder must move some ranking, or this test proves nothing")

        let live = engine(dense: DenseNeeds(encoder: encoder, caseVectors: [:], encodeMissing: false))
        let needs = live.needsAwaitingVectors
        #expect(needs.count == Set(catalogue.caseStudies.compactMap(\.need)).count)
        #expect(live.semanticProgress == SemanticProgress(needs: catalogue.caseStudies.filter { $0.need != nil }.count, encoded: 0, active: false))
        #expect(try answers(live) == lexical)

        // Half the texts in: still lexical, progress counts the case studies that have theirs.
        let half = needs.prefix(needs.count / 2)
        live.installNeedVectors(Dictionary(uniqueKeysWithValues: half.map { ($0, encoder.embed($0)) }))
        let progress = try #require(live.semanticProgress)
        #expect(progress.encoded > 0 && progress.encoded < progress.needs && !progress.active)
        #expect(try answers(live) == lexical)

        // The rest: the channel turns on and ranks exactly like an engine built with every vector.
        live.installNeedVectors(Dictionary(uniqueKeysWithValues: needs.dropFirst(half.count).map { ($0, encoder.embed($0)) }))
        #expect(live.semanticProgress?.active == true)
        #expect(live.needsAwaitingVectors.isEmpty)
        #expect(try answers(live) == hybrid)
    }

    @Test func caseStudiesWrittenWhileWaitingAreEncodedOnTheSpot() throws {
        let live = engine(dense: DenseNeeds(encoder: encoder, caseVectors: [:], encodeMissing: false))
        let waiting = live.needsAwaitingVectors
        var g = SplitMix(state: 99)
        let fresh = LiveMarket.caseStudy("new-1", vendor: "v1", &g, fresh: true)
        live.upsert(caseStudies: [fresh])
        #expect(live.needsAwaitingVectors == waiting)
        live.installNeedVectors(Dictionary(uniqueKeysWithValues: waiting.map { ($0, encoder.embed($0)) }))
        #expect(live.semanticProgress?.active == true)

        var all = catalogue
        all.caseStudies.append(fresh)
        // Rebuilt from the database (same frozen text statistics), encoding every need at build.
        let rebuilt = RankingEngine(taxonomy: taxonomy, catalogue: all, dense: DenseNeeds(encoder: encoder, caseVectors: [:]),
                                    textStatistics: live.textStatistics)
        #expect(try answers(live) == answers(rebuilt))
    }
}
