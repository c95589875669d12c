import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchEval

private func data(_ s: String) -> Data { Data(s.utf8) }

/// The worked example: q1 judges a=2, b=0, c=1, d=1 (three relevant); the run returns x (unjudged), a, b, c.
/// Retrieved grades in rank order: 0, 2, 0, 1.
private let exampleQrels = """
q1 0 a 2
q1 0 b 0
q1 0 c 1
q1 0 d 1
"""
private let exampleRun = """
q1 Q0 x 1 0.9 t
q1 Q0 a 2 0.8 t
q1 Q0 b 3 0.7 t
q1 Q0 c 4 0.6 t
"""

private let log2of3: Double = log2(3.0)
private let log2of5: Double = log2(5.0)
/// NDCG@5: DCG = 2/log2(3) + 1/log2(5); ideal grades 2,1,1 → 2/log2(2) + 1/log2(3) + 1/log2(4).
private let ndcg5: Double = (2 / log2of3 + 1 / log2of5) / (2 + 1 / log2of3 + 0.5)
/// NDCG@2: DCG = 2/log2(3); the ideal is cut at 2 as well: 2 + 1/log2(3).
private let ndcg2: Double = (2 / log2of3) / (2 + 1 / log2of3)

@Suite struct MetricsTests {
    func example(_ key: String) throws -> Double {
        let qrels = try Qrels.parse(data(exampleQrels), file: "q")
        let run = try Run.parse(data(exampleRun), file: "r")
        let k = MetricKey(key)!
        let result = Evaluator.evaluate(run: run, qrels: qrels, keys: [k])
        return result.mean(k)
    }

    @Test(arguments: [(String, Double)](arrayLiteral:
        // P@1: x is not relevant → 0. P@5: a and c relevant of 5 slots → 2/5.
        ("p@1", 0.0), ("p@5", 0.4),
        // MRR: the first relevant vendor (a) is at rank 2 → 0 within 1, 1/2 within 5.
        ("mrr@1", 0.0), ("mrr@5", 0.5),
        // Recall@5: 2 of 3 relevant; @2: 1 of 3.
        ("recall@5", 2.0 / 3.0), ("recall@2", 1.0 / 3.0),
        // MAP@5: precision 1/2 at rank 2 (a) and 2/4 at rank 4 (c), over all 3 relevant → (0.5 + 0.5) / 3.
        ("map@5", 1.0 / 3.0), ("map@3", 0.5 / 3.0),
        ("ndcg@5", ndcg5), ("ndcg@2", ndcg2),
        ("ndcg@1", 0.0)
    ))
    func handCheckedExample(key: String, expected: Double) throws {
        #expect(abs(try example(key) - expected) < 1e-12)
    }

    @Test func scoreTiesBreakByVendorIDDescendingAsTrecEval() throws {
        // a and b tie: trec_eval puts b first (descending docno), so relevant a is at rank 2.
        let qrels = try Qrels.parse(data("q 0 a 1\n"), file: "q")
        let tied = try Run.parse(data("q Q0 a 1 1.0 t\nq Q0 b 2 1.0 t\n"), file: "r")
        #expect(tied.ranking("q") == ["b", "a"])
        #expect(Evaluator.evaluate(run: tied, qrels: qrels, keys: [MetricKey(.mrr, 10)]).mean(MetricKey(.mrr, 10)) == 0.5)
        // Scores equal in single precision tie too (trec_eval stores them as C float); the rank column is ignored.
        let nearTie = try Run.parse(data("q Q0 a 1 1.00000001 t\nq Q0 b 2 1.0 t\n"), file: "r")
        #expect(nearTie.ranking("q") == ["b", "a"])
        let distinct = try Run.parse(data("q Q0 b 1 1.0 t\nq Q0 a 2 1.001 t\n"), file: "r")
        #expect(distinct.ranking("q") == ["a", "b"])
        // Byte order, not locale order: "B" (0x42) < "a" (0x61), so a comes first among ties.
        let bytes = try Run.parse(data("q Q0 B 1 1 t\nq Q0 a 2 1 t\n"), file: "r")
        #expect(bytes.ranking("q") == ["a", "B"])
    }

    @Test func requestsWithoutRelevantAreSkippedAndMissingOnesScoreZero() throws {
        let qrels = try Qrels.parse(data("q1 0 a 1\nq2 0 a 0\nq3 0 z 2\n"), file: "q")
        let run = try Run.parse(data("q1 Q0 a 1 1 t\nq2 Q0 a 1 1 t\nq9 Q0 a 1 1 t\n"), file: "r")
        let k = MetricKey(.ndcg, 10)
        let r = Evaluator.evaluate(run: run, qrels: qrels, keys: [k])
        #expect(r.requests.map(\.requestID) == ["q1", "q3"])
        #expect(r.skippedNoRelevant == ["q2"])
        #expect(r.emptyRequests == ["q3"])
        #expect(r.unjudgedRunRequests == ["q9"])
        #expect(r.mean(k) == 0.5)  // q1 scores 1, q3 (no results) scores 0
        let restricted = Evaluator.evaluate(run: run, qrels: qrels, keys: [k], requestSet: ["q1", "q2"])
        #expect(restricted.unknownRequests == ["q3"])
        #expect(restricted.mean(k) == 1)
    }

    @Test(arguments: [
        ("q1 0 a\n", 1, "expected 4 fields"),
        ("q1 0 a 1\nq1 0 b x\n", 2, "not an integer"),
        ("q1 0 a -1\n", 1, "negative"),
        ("q1 0 a 1\n\nq1 0 a 2\n", 3, "judged twice"),
    ])
    func malformedQrelsNameTheLine(text: String, line: Int, reason: String) {
        #expect {
            _ = try Qrels.parse(data(text), file: "qrels.txt")
        } throws: { error in
            guard let e = error as? RecordError else { return false }
            return e.file == "qrels.txt" && e.line == line && e.reason.contains(reason)
        }
    }

    @Test(arguments: [
        ("q1 Q0 a 1 0.5\n", 1, "expected 6 fields"),
        ("q1 Q0 a 1 0.5 t\nq1 Q0 b 2 high t\n", 2, "not a finite number"),
        ("q1 Q0 a 0 0.5 t\n", 1, "not a rank"),
        ("q1 Q0 a 1 0.5 t\nq1 Q0 a 2 0.4 t\n", 2, "appears twice"),
        ("q1 Q0 a 1 nan t\n", 1, "not a finite number"),
    ])
    func malformedRunsNameTheLine(text: String, line: Int, reason: String) {
        #expect {
            _ = try Run.parse(data(text), file: "run.txt")
        } throws: { error in
            guard let e = error as? RecordError else { return false }
            return e.file == "run.txt" && e.line == line && e.reason.contains(reason)
        }
    }

    @Test func rankingsBecomeStrictlyDecreasingScoresThatKeepTheirOrder() throws {
        let run = Run.fromRankings(["q": [("c", 2.0), ("a", 2.0), ("b", 2.0), ("d", 1.99995)]], tag: "t")
        let reparsed = try Run.parse(data(run.formatted()), file: "r")
        #expect(reparsed.ranking("q") == ["c", "a", "b", "d"])
    }

    @Test func metricKeysParseAndOrder() {
        #expect(MetricKey("ndcg@10") == MetricKey(.ndcg, 10))
        #expect(MetricKey("P@5") == MetricKey(.p, 5))
        #expect(MetricKey("ndcg@0") == nil)
        #expect(MetricKey.all(cutoffs: [1, 10]).map(\.description).prefix(6) == ["ndcg@1", "map@1", "mrr@1", "recall@1", "p@1", "ndcg@10"])
    }
}

@Suite struct SignificanceTests {
    @Test func studentTMatchesClosedForms() {
        // ν = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2.
        #expect(abs(StudentT.twoSidedP(t: 1, degreesOfFreedom: 1) - 0.5) < 1e-12)
        // ν = 2: P(|T| ≥ t) = 1 − t / sqrt(2 + t²).
        for t in [0.5, 2.0, 7.0] {
            #expect(abs(StudentT.twoSidedP(t: t, degreesOfFreedom: 2) - (1 - t / (2 + t * t).squareRoot())) < 1e-12)
        }
        // ν = 10, t = 2: 0.07338803477074037 (scipy.stats.t.sf(2, 10) * 2).
        #expect(abs(StudentT.twoSidedP(t: 2, degreesOfFreedom: 10) - 0.07338803477074037) < 1e-12)
        #expect(StudentT.twoSidedP(t: 0, degreesOfFreedom: 5) == 1)
    }

    @Test func pairedComparisonOfKnownDifferences() {
        // B − A = 1, 2, 3, 4: mean 2.5, sd = sqrt(5/3), t = 2.5 / (sd / 2) = 3.8729833…;
        // scipy.stats.ttest_rel gives p = 0.030466291662170977.
        let c = PairedComparison(a: [0, 0, 0, 0], b: [1, 2, 3, 4], permutations: 10_000, seed: 1)
        #expect(abs(c.meanDifference - 2.5) < 1e-12)
        #expect(abs(c.tStatistic - 3.872983346207417) < 1e-9)
        #expect(abs(c.tTestP - 0.030466291662170977) < 1e-9)
        #expect(c.wins == 4 && c.ties == 0 && c.losses == 0)
        // Only the all-plus and all-minus of the 16 sign assignments reach |mean| 2.5 → exact p = 2/16.
        #expect(abs(c.randomisationP - 0.125) < 0.015)
    }

    @Test func randomisationIsSeededAndIdenticalSystemsTie() {
        let a = (0..<50).map { Double($0 % 7) / 7 }, b = (0..<50).map { Double(($0 * 3) % 11) / 11 }
        let one = PairedComparison(a: a, b: b, seed: 42), two = PairedComparison(a: a, b: b, seed: 42)
        #expect(one.randomisationP == two.randomisationP)
        let same = PairedComparison(a: a, b: a)
        #expect(same.tTestP == 1 && same.randomisationP == 1 && same.ties == 50)
    }

    @Test func incompleteBetaSymmetry() {
        // I_x(a, b) = 1 − I_{1−x}(b, a); I_x(1, 1) = x.
        #expect(abs(IncompleteBeta.regularized(x: 0.3, a: 1, b: 1) - 0.3) < 1e-14)
        let v = IncompleteBeta.regularized(x: 0.7, a: 2.5, b: 4)
        #expect(abs(v - (1 - IncompleteBeta.regularized(x: 0.3, a: 4, b: 2.5))) < 1e-13)
    }
}

@Suite struct SegmentationTests {
    @Test func groupsByLabelsAndCountsMultiValuedRequestsInEach() throws {
        let qrels = try Qrels.parse(data("q1 0 a 1\nq2 0 a 1\nq3 0 a 1\n"), file: "q")
        let run = try Run.parse(data("q1 Q0 a 1 1 t\nq2 Q0 b 1 1 t\nq3 Q0 a 1 1 t\n"), file: "r")
        let k = MetricKey(.p, 1)
        let r = Evaluator.evaluate(run: run, qrels: qrels, keys: [k])
        let s = Segmentation.summarize(r, labels: [
            "q1": [("sector", "52"), ("category", "data"), ("category", "it")],
            "q2": [("sector", "52"), ("category", "data")],
            "q3": [("sector", "62")],
        ])
        #expect(s.map { "\($0.dimension)=\($0.value):\($0.requests):\($0.means[k]!)" } == [
            "category=data:2:0.5", "category=it:1:1.0", "sector=52:2:0.5", "sector=62:1:1.0",
        ])
    }
}
