import Foundation
import Testing
import VendorMatchCore
import VendorMatchRanking
@testable import VendorMatchSemantic

/// A hand-written (need, matching case study, non-matching case study) triple; the non-matching one
/// reuses the need's words for a different kind of work.
struct ParaphraseTriple: Sendable {
    var id: String
    var need: String
    var match: String
    var mismatch: String
}

let paraphraseTriples: [ParaphraseTriple] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/paraphrases.jsonl")
    let data = try! Data(contentsOf: url)
    var out: [ParaphraseTriple] = []
    data.withUnsafeBytes { bytes in
        JSONLines.forEachLine(in: bytes, file: "paraphrases.jsonl", onError: { fatalError("\($0)") }) { line, value in
            guard case let .string(id)? = value["id"], case let .string(need)? = value["need"],
                  case let .string(match)? = value["match"], case let .string(mismatch)? = value["mismatch"] else {
                fatalError("paraphrases.jsonl:\(line): needs id, need, match, mismatch")
            }
            out.append(ParaphraseTriple(id: id, need: need, match: match, mismatch: mismatch))
        }
    }
    return out
}()

@Suite struct ParaphraseTests {
    /// Pairwise accuracy: the share of triples whose matching case study scores above the other one.
    func accuracy(_ similarity: (String, String) -> Double) -> Double {
        let wins = paraphraseTriples.filter { similarity($0.need, $0.match) > similarity($0.need, $0.mismatch) }
        return Double(wins.count) / Double(paraphraseTriples.count)
    }

    @Test func setHoldsAtLeastOneHundredDistinctTriples() {
        #expect(paraphraseTriples.count >= 100)
        #expect(Set(paraphraseTriples.map(\.need)).count == paraphraseTriples.count)
    }

    @Test func semanticAndHybridBeatLexicalOnWordReusingDistractors() {
        var lexical = LexicalNeedEncoder(analyzer: LexicalAnalyzer.load(modelsDirectory: repositoryModels()))
        for t in paraphraseTriples {
            lexical.learn(t.match)
            lexical.learn(t.mismatch)
        }
        let lex: (String, String) -> Double = { Double(lexical.encode($0).dot(lexical.encode($1))) }
        let sem: (String, String) -> Double = { a, b in
            Double(zip(sharedEncoder.embed(a), sharedEncoder.embed(b)).reduce(Float(0)) { $0 + $1.0 * $1.1 })
        }
        let lexicalAccuracy = accuracy(lex)
        let semanticAccuracy = accuracy(sem)
        let hybridAccuracy = accuracy { 0.7 * sem($0, $1) + 0.3 * lex($0, $1) }
        #expect(semanticAccuracy >= lexicalAccuracy + 0.15, "semantic \(semanticAccuracy) vs lexical \(lexicalAccuracy)")
        #expect(hybridAccuracy >= lexicalAccuracy + 0.08, "hybrid \(hybridAccuracy) vs lexical \(lexicalAccuracy)")
    }
}
