import Testing
import VendorMatchCore
@testable import VendorMatchRanking

/// The request's lexical need scores (`NeedScores`), computed in two ordinal ranges on two cores on a
/// large catalogue: every case's score must be the one-part score to the bit, and both the dot product of
/// the two texts' own vectors.
@Suite struct NeedScoresTests {
    @Test(arguments: [21, 22] as [UInt64])
    func scoresInTwoPartsEqualOnePartAndEachCasesOwnDotProduct(seed: UInt64) throws {
        let catalogue = RandomMarket.make(seed: seed, vendors: 120)
        let index = RankingIndex(taxonomy: taxonomy, model: .defaults, analyzer: analyzer, catalogue: catalogue)
        let cases = index.caseStudies.count
        #expect(cases > 100)
        let floor: Float = 0.05
        var g = SplitMix(state: seed)
        var matched = 0
        for i in 0..<30 {
            let need = RandomMarket.text(&g)
            let one = NeedScores(index: index, need: need, floor: floor, splitAt: Int.max)
            let two = NeedScores(index: index, need: need, floor: floor, splitAt: 1)
            #expect(one.scores.count == cases, "need \(i)")
            #expect(two.scores.map(\.bitPattern) == one.scores.map(\.bitPattern), "need \(i)")
            #expect(two.touched == one.touched, "need \(i)")
            // Independently: each case's need encoded on its own, dotted with the request's vector.
            let query = index.encodeNeed(need)
            var expectedTouched: [Int32] = []
            for c in 0..<cases {
                let text = index.caseStudies.records[c].need ?? ""
                let expected = text.isEmpty ? 0 : query.dot(index.encodeNeed(text))
                #expect(abs(two.scores[c] - expected) < 1e-5, "need \(i), case \(c)")
                if expected >= floor { expectedTouched.append(Int32(c)) }
            }
            // Borderline sums may round across the floor either way; away from it the lists agree.
            let nearFloor = Set((0..<cases).filter { abs(two.scores[$0] - floor) < 1e-5 }.map(Int32.init))
            #expect(Set(two.touched).subtracting(nearFloor) == Set(expectedTouched).subtracting(nearFloor), "need \(i)")
            #expect(two.touched == two.touched.sorted())
            matched += two.touched.count
        }
        #expect(matched > 0, "no need matched any case: the test would prove nothing")
    }

    @Test func noNeedTextOrNoKnownWordGivesNoScores() {
        let index = RankingIndex(taxonomy: taxonomy, model: .defaults, analyzer: analyzer, catalogue: RandomMarket.make(seed: 5))
        for need in [nil, "", "zzqx qqzv"] as [String?] {
            let s = NeedScores(index: index, need: need, floor: 0.05, splitAt: 1)
            #expect(s.scores.isEmpty && s.touched.isEmpty && s.vector.isEmpty)
        }
    }
}
