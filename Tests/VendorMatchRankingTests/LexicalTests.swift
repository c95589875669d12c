import Foundation
import Testing
@testable import VendorMatchRanking

@Suite struct LexicalTests {
    let a = LexicalAnalyzer(synonymsTSV: "smartphone\tmobile\ne-commerce\tecommerce\napps\tapp\n")

    @Test func foldsCaseSynonymsStopWordsAndSuffixes() {
        let terms = a.terms("Our E-commerce SHOPS need Smartphone apps, and Café payments!")
        #expect(Array(terms.prefix(6)) == ["ecommerc", "shop", "mobil", "app", "café", "pay"])
        #expect(terms.contains("mobil app"))
        #expect(!terms.contains("our"))
        #expect(!terms.contains("and"))
    }

    @Test func stemsConservatively() {
        // A final "e" is dropped so that "migrate", "migrating" and "migrations" meet.
        #expect(LexicalAnalyzer.stem("migrations") == "migrat")
        #expect(LexicalAnalyzer.stem("migrating") == "migrat")
        #expect(LexicalAnalyzer.stem("migrate") == "migrat")
        #expect(LexicalAnalyzer.stem("dashboards") == "dashboard")
        #expect(LexicalAnalyzer.stem("data") == "data")
        #expect(LexicalAnalyzer.stem("lift-and-shift") == "lift-and-shift")
    }

    @Test func tfidfVectorsAreUnitLengthAndRankParaphrasesAbove() {
        var e = LexicalNeedEncoder(analyzer: a)
        let docs = ["online shop for our grocery chain", "credit scoring models for loans", "mobile app for customers",
                    "data warehouse for loan data"]
        for d in docs { e.learn(d) }
        let q = e.encode("a smartphone app for our customers")
        let norm = zip(q.weights, q.weights).map(*).reduce(0, +)
        #expect(abs(norm - 1) < 1e-5)
        let sims = docs.map { q.dot(e.encode($0)) }
        #expect(sims.firstIndex(of: sims.max()!) == 2)
        #expect(e.encode("zzz unknown words").isEmpty)
    }

    /// The encoder finds bigrams by their words' ids; the vector must be the TF-IDF of the analyzer's
    /// terms all the same, document frequencies included (repeated words, repeated pairs, unknown words,
    /// a word twice in a row, synonyms folded to a stop word).
    @Test func encodingIsTheTFIDFOfTheAnalyzersTerms() {
        let b = LexicalAnalyzer(synonymsTSV: "smartphone\tmobile\nplease\tthe\napps\tapp\n")
        var e = LexicalNeedEncoder(analyzer: b)
        let docs = ["mobile app app for retail banking", "retail banking data data warehouse", "smartphone apps please",
                    "mobile app mobile app for field sales", "warehouse robots", "banking fraud models for retail banking"]
        for d in docs { e.learn(d) }
        let queries = docs + ["retail banking app", "zzz mobile qqq app banking banking", "app app app", "please please"]
        for text in queries {
            let terms = b.terms(text)
            var tf: [Int32: Int] = [:]
            for t in terms { if let id = e.vocabulary[t] { tf[id, default: 0] += 1 } }
            var expected: [(Int32, Double)] = []
            for (id, n) in tf.sorted(by: { $0.key < $1.key }) {
                let df = Double(e.documentFrequency[Int(id)])
                let w = (1 + log(Double(n))) * log(Double(docs.count + 1) / (df + 0.5))
                if w > 0 { expected.append((id, w)) }
            }
            let norm = expected.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
            let v = e.encode(text)
            #expect(v.ids == expected.map(\.0), "\(text)")
            for (got, want) in zip(v.weights, expected.map { Float($0.1 / norm) }) { #expect(abs(got - want) < 1e-6, "\(text)") }
        }
        // Document frequency counts documents, not occurrences.
        #expect(e.documentFrequency[Int(e.vocabulary["app"]!)] == 3) // documents 1, 3 and 4
        #expect(e.documentFrequency[Int(e.vocabulary["mobil app"]!)] == 3) // documents 1, 3 and 4 (twice in 4)
        #expect(e.documentFrequency[Int(e.vocabulary["retail bank"]!)] == 3) // documents 1, 2 and 6 (twice in 6)
    }
}
