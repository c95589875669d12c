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
}
