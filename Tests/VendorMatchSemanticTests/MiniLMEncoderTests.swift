import Synchronization
import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchSemantic

@Suite struct MiniLMEncoderTests {
    let encoder = sharedEncoder

    @Test func fixtureHoldsEnoughSentences() {
        #expect(embeddingCases.count >= 200)
    }

    @Test(arguments: embeddingCases)
    func embeddingMatchesSentenceTransformers(_ reference: ReferenceCase) {
        let vector = encoder.embed(tokens: encoder.tokenizer.encode(reference.text))
        #expect(vector.count == 384)
        var dot = 0.0, norm = 0.0
        for (a, b) in zip(vector, reference.numbers) {
            dot += Double(a) * b
            norm += b * b
        }
        let cosine = dot / norm.squareRoot()
        #expect(cosine >= 0.999, "cosine \(cosine)")
    }

    @Test func vectorsHaveUnitLength() {
        let v = encoder.embed("Managed SOC with 24/7 monitoring")
        let norm = v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func paraphrasesAreCloserThanUnrelatedNeeds() {
        let app = encoder.embed("a native iOS and Android app")
        let paraphrase = encoder.embed("a smartphone application for our customers")
        let unrelated = encoder.embed("payroll processing for our employees")
        #expect(cosine(app, paraphrase) > cosine(app, unrelated))
    }

    @Test func concurrentCallsAgreeWithSerialOnes() async {
        let texts = (0..<16).map { "cloud migration wave \($0) for our ERP" }
        let serial = texts.map { encoder.embed(tokens: encoder.tokenizer.encode($0)) }
        let parallel = await withTaskGroup(of: (Int, [Float]).self) { group in
            for (i, text) in texts.enumerated() { group.addTask { (i, encoder.embed(text)) } }
            var out = [[Float]](repeating: [], count: texts.count)
            for await (i, v) in group { out[i] = v }
            return out
        }
        #expect(parallel == serial)
    }

    @Test func missingModelDirectoryIsAnIOError() {
        #expect {
            _ = try MiniLMEncoder(directory: URL(fileURLWithPath: "/nonexistent/minilm"))
        } throws: { error in
            (error as? VMError)?.code == .io
        }
    }

    private func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

@Suite struct EmbeddingCacheTests {
    @Test func evictsTheLeastRecentlyUsedText() {
        let cache = EmbeddingCache(capacity: 2)
        cache.insert([1], for: "a")
        cache.insert([2], for: "b")
        #expect(cache.value(for: "a") == [1])
        cache.insert([3], for: "c")
        #expect(cache.value(for: "b") == nil)
        #expect(cache.value(for: "a") == [1])
        #expect(cache.value(for: "c") == [3])
        #expect(cache.count == 2)
    }

    @Test func zeroCapacityStoresNothing() {
        let cache = EmbeddingCache(capacity: 0)
        cache.insert([1], for: "a")
        #expect(cache.value(for: "a") == nil)
    }
}

@Suite struct ErfApproximationTests {
    @Test func agreesWithTheCLibraryWithinFiveTenMillionths() {
        var worst: Float = 0
        for i in -60_000...60_000 {
            let x = Float(i) / 10_000
            worst = max(worst, abs(MiniLMEncoder.erf(x) - erff(x)))
        }
        #expect(worst < 5e-7)
    }
}

@Suite struct MiniLMManifestTests {
    @Test func identifierNamesModelAndWeights() {
        #expect(sharedEncoder.modelIdentifier == "all-MiniLM-L6-v2@0dc2485bf8cd")
    }

    @Test func similarityOfAVectorWithItselfIsOne() {
        let v = sharedEncoder.embed("data annotation for autonomous driving")
        #expect(abs(MiniLMEncoder.similarity(v, v) - 1) < 1e-5)
    }
}

@Suite struct BatchedEncodingTests {
    @Test func batchedVectorsEqualOneByOne() {
        let texts = Array(embeddingCases.prefix(40).map(\.text)) + [String(repeating: "long input ", count: 200)]
        let batched = sharedEncoder.embed(texts)
        #expect(batched.count == texts.count)
        for (text, vector) in zip(texts, batched) {
            let single = sharedEncoder.embed(tokens: sharedEncoder.tokenizer.encode(text))
            #expect(MiniLMEncoder.similarity(single, vector) > 0.99999, "\(text.prefix(30))")
        }
    }

    @Test func reportsProgressUpToTheCountOfDistinctTexts() {
        let seen = Mutex<[Int]>([])
        let texts = (0..<300).map { "cloud migration for site \($0 % 120)" }
        let vectors = sharedEncoder.embed(texts, threads: 2) { done, total in
            #expect(total == 120)
            seen.withLock { $0.append(done) }
        }
        #expect(vectors.count == 300)
        #expect(vectors[7] == vectors[127])
        let reports = seen.withLock { $0 }
        #expect(reports.last == 120)
        #expect(reports == reports.sorted())
    }

    @Test func twoThreadsGiveTheVectorsOfOne() {
        let texts = Array(embeddingCases.prefix(120).map(\.text))
        let one = sharedEncoder.embed(texts, threads: 1)
        let two = sharedEncoder.embed(texts, threads: 2)
        #expect(one == two)
    }
}

/// The C kernels this CPU runs (each is tested where supported).
let supportedKernels: [MiniLMEncoder.Backend] =
    (MiniLMEncoder.Backend.halfPrecisionKernelSupported ? [.halfPrecisionKernel] : [])
    + (MiniLMEncoder.Backend.bfloat16KernelSupported ? [.bfloat16Kernel] : [])
    + (MiniLMEncoder.Backend.int16KernelSupported ? [.int16Kernel] : [])

@Suite struct KernelBackendTests {
    /// The kernels are unoptimised in debug builds, so this checks a sample (the release bench checks
    /// all fixture sentences: `bench-encoder --fixture`).
    @Test(arguments: supportedKernels)
    func kernelEmbeddingsMatchSentenceTransformers(_ backend: MiniLMEncoder.Backend) throws {
        let encoder = try MiniLMEncoder(modelsDirectory: repositoryModels(), backend: backend)
        #expect(encoder.backend == backend)
        let sample = embeddingCases.filter { $0.line % 7 == 1 } + embeddingCases.filter { $0.text.count > 1000 }.prefix(1)
        for reference in sample {
            let vector = encoder.embed(tokens: encoder.tokenizer.encode(reference.text))
            var dot = 0.0, norm = 0.0
            for (a, b) in zip(vector, reference.numbers) {
                dot += Double(a) * b
                norm += b * b
            }
            // The integer kernel is held to the reference within 1e-4 cosine (what stored vectors promise).
            #expect(dot / norm.squareRoot() >= (backend == .int16Kernel ? 0.9999 : 0.999), "line \(reference.line)")
        }
    }

    @Test(arguments: supportedKernels)
    func kernelAndBLASAgreeOnOddRowCounts(_ backend: MiniLMEncoder.Backend) throws {
        let kernel = try MiniLMEncoder(modelsDirectory: repositoryModels(), backend: backend)
        let blas = try MiniLMEncoder(modelsDirectory: repositoryModels(), backend: .blas)
        for tokens in [[Int32(101), 102], Array(repeating: Int32(7592), count: 9) + [102], Array(repeating: Int32(2951), count: 15), Array(repeating: Int32(2951), count: 21)] {
            #expect(MiniLMEncoder.similarity(kernel.embed(tokens: tokens), blas.embed(tokens: tokens)) > 0.9999)
        }
    }
}
