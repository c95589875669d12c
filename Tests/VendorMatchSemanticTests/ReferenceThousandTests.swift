import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchSemantic

/// The issue's acceptance test: the shipped encoder (`MiniLMEncoder.Backend.automatic`, as
/// `sharedEncoder` is built) against sentence-transformers on ≥ 1,000 texts, every cosine ≥ 1 − 1e-4.
/// The reference vectors are committed (`Fixtures/embeddings-1000.jsonl`, made once by
/// `Tools/make_minilm_fixtures.py`); this reads only that file, so it runs without Python or torch.
@Suite struct ReferenceThousandTests {
    static let threshold = 1 - 1e-4

    @Test func fixtureHoldsAThousandDistinctTexts() {
        #expect(thousandCases.count >= 1000)
        #expect(Set(thousandCases.map(\.text)).count == thousandCases.count)
        #expect(thousandCases.allSatisfy { $0.vector.count == 384 })
    }

    /// The first 223 lines are `embeddings.jsonl`'s sentences; their vectors agree with its rounded ones.
    @Test func fixtureStartsWithTheRoundedFixturesSentences() {
        #expect(thousandCases.count >= embeddingCases.count)
        for (exact, rounded) in zip(thousandCases, embeddingCases) {
            #expect(exact.text == rounded.text, "line \(exact.line)")
            #expect(Self.cosine(exact.vector, rounded.numbers.map { Float($0) }) >= 0.999_999, "line \(exact.line)")
        }
    }

    /// The default backend of this build (BLAS in a debug build) and the 16-bit integer kernel, which a
    /// release build uses by default where the CPU has AVX-512 VNNI (as here and in CI).
    @Test(arguments: [MiniLMEncoder.Backend.automatic]
        + (MiniLMEncoder.Backend.int16KernelSupported && MiniLMEncoder.Backend.automatic != .int16Kernel ? [.int16Kernel] : []))
    func everyVectorWithinOneTenThousandthCosineOfTheReference(_ backend: MiniLMEncoder.Backend) throws {
        let encoder = backend == .automatic ? sharedEncoder : try MiniLMEncoder(modelsDirectory: repositoryModels(), backend: backend)
        // The bulk API on both cores: each result equals `embed(tokens:)` of the text alone.
        let vectors = encoder.embed(thousandCases.map(\.text), threads: 2)
        #expect(vectors.count == thousandCases.count)
        let cosines = zip(thousandCases, vectors).map { Self.cosine($1, $0.vector) }
        let order = cosines.indices.sorted { cosines[$0] < cosines[$1] }
        let lowest = order[0]
        let median = cosines[order[order.count / 2]]
        let below = order.filter { cosines[$0] < Self.threshold }
        print("ReferenceThousandTests: \(cosines.count) texts, backend \(encoder.backend.rawValue): lowest cosine "
              + String(format: "%.7f", cosines[lowest]) + " (line \(thousandCases[lowest].line)), median "
              + String(format: "%.7f", median) + ", \(below.count) below \(Self.threshold)")
        for i in below.prefix(10) {
            Issue.record("line \(thousandCases[i].line) \(thousandCases[i].text.prefix(40).debugDescription): cosine \(cosines[i])")
        }
        #expect(below.isEmpty, "\(below.count) of \(cosines.count) texts below \(Self.threshold); lowest \(cosines[lowest])")
        #expect(cosines.count >= 1000)
    }

    /// Cosine in double precision (the reference vectors are unit length only to float32 rounding).
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in 0..<a.count {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return dot / (na * nb).squareRoot()
    }
}
