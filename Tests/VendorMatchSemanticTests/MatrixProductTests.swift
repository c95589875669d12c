import VendorMatchCore
import Foundation
import Testing
@testable import VendorMatchSemantic

/// The built-in sgemm (the fallback when the system has no OpenBLAS) is tested here explicitly, so it is
/// covered on machines where OpenBLAS is installed and the other suites run on OpenBLAS.
@Suite struct MatrixProductTests {
    /// A deterministic generator (SplitMix64) for test matrices in −1…1.
    struct Numbers {
        var state: UInt64
        mutating func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24) * 2 - 1
        }
    }

    struct Shape: Sendable, CustomTestStringConvertible {
        var m, n, k: Int
        var testDescription: String { "\(m)×\(n)×\(k)" }
    }

    /// Edge sizes around the 4-row blocks and vector widths, and the encoder's own shapes (a 40-token
    /// need against the 384-wide and 1536-wide layers, attention with 32-wide heads).
    static let shapes: [Shape] = [
        Shape(m: 1, n: 1, k: 1), Shape(m: 3, n: 5, k: 7), Shape(m: 4, n: 4, k: 16), Shape(m: 9, n: 33, k: 17),
        Shape(m: 67, n: 130, k: 64), Shape(m: 40, n: 384, k: 384), Shape(m: 40, n: 1536, k: 384),
        Shape(m: 5, n: 384, k: 1536), Shape(m: 40, n: 40, k: 32), Shape(m: 40, n: 32, k: 40),
    ]

    /// Runs `product` and a float64 reference on the same padded, strided operands; returns the largest
    /// difference, or infinity when a value outside C's M×N window was touched.
    static func worstError(
        _ product: MatrixProduct, _ shape: Shape, transposeB: Bool, alpha: Float, beta: Float, seed: UInt64
    ) -> Double {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        let lda = k + 3, ldb = (transposeB ? k : n) + 5, ldc = n + 2
        var numbers = Numbers(state: seed)
        let a = (0..<(m * lda)).map { _ in numbers.next() }
        let b = (0..<((transposeB ? n : k) * ldb)).map { _ in numbers.next() }
        // With β = 0, C starts as NaN: the product must not read it.
        var c = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : numbers.next() }
        let before = c
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    product(
                        transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a.baseAddress!, lda: lda,
                        b.baseAddress!, ldb: ldb, beta: beta, c.baseAddress!, ldc: ldc)
                }
            }
        }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<ldc {
                if j >= n {
                    if !(c[i * ldc + j].isNaN && before[i * ldc + j].isNaN) && c[i * ldc + j] != before[i * ldc + j] {
                        return .infinity
                    }
                    continue
                }
                var sum = 0.0
                for p in 0..<k {
                    let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(a[i * lda + p]) * Double(bValue)
                }
                let expected = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * Double(before[i * ldc + j]))
                let error = abs(Double(c[i * ldc + j]) - expected)
                worst = error.isNaN ? .infinity : max(worst, error)
            }
        }
        return worst
    }

    @Test(arguments: shapes)
    func builtinMatchesAFloat64Reference(_ shape: Shape) {
        for transposeB in [true, false] {
            for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (0.37, -0.5)] {
                let error = Self.worstError(.builtin, shape, transposeB: transposeB, alpha: alpha, beta: beta, seed: 42)
                // Float sums over k ≤ 1536 terms of magnitude ≤ 1: rounding stays far below 1e-3.
                #expect(error < 1e-3, "transposeB \(transposeB), α \(alpha), β \(beta): \(error)")
            }
        }
    }

    @Test(.enabled(if: MatrixProduct.openBLAS() != nil, "OpenBLAS is not installed"), arguments: shapes)
    func openBLASMatchesAFloat64Reference(_ shape: Shape) throws {
        let openBLAS = try #require(MatrixProduct.openBLAS())
        for transposeB in [true, false] {
            let error = Self.worstError(openBLAS, shape, transposeB: transposeB, alpha: 0.37, beta: -0.5, seed: 7)
            #expect(error < 1e-3, "transposeB \(transposeB): \(error)")
        }
    }

    @Test func environmentVariableChoosesTheImplementation() {
        #expect(MatrixProduct.resolve(environment: ["VENDORMATCH_BLAS": "builtin"]).implementation == .builtin)
        #expect(MatrixProduct.resolve(environment: ["VENDORMATCH_BLAS": "BUILTIN"]).implementation == .builtin)
        // No library to load: the built-in kernel, whatever the environment says.
        for setting in [[:], ["VENDORMATCH_BLAS": "openblas"]] {
            #expect(MatrixProduct.resolve(environment: setting, libraryNames: ["libvendormatch-no-such-blas.so.0"]).implementation == .builtin)
        }
        if let openBLAS = MatrixProduct.openBLAS() {
            #expect(MatrixProduct.resolve(environment: ["VENDORMATCH_BLAS": "openblas"]).implementation == openBLAS.implementation)
        }
    }

    @Test func systemChoiceFollowsTheEnvironmentAndTheInstalledLibraries() {
        let expected = MatrixProduct.resolve(environment: ProcessInfo.processInfo.environment)
        #expect(MatrixProduct.system.implementation == expected.implementation)
        #expect(MiniLMEncoder.matrixLibrary.hasPrefix(expected.implementation == .builtin ? "built-in (" : "OpenBLAS ("))
        if ProcessInfo.processInfo.environment["VENDORMATCH_BLAS"]?.lowercased() == "builtin" || MatrixProduct.openBLAS() == nil {
            #expect(MatrixProduct.system.implementation == .builtin)
        }
    }
}

/// The whole encoder on the built-in kernel against the sentence-transformers reference embeddings,
/// whichever `sgemm` the other suites run on.
@Suite struct BuiltinMatrixProductEncoderTests {
    static let encoder: MiniLMEncoder = try! MiniLMEncoder(
        directory: repositoryModels().appendingPathComponent(MiniLMEncoder.subdirectory), backend: .blas,
        cacheCapacity: 0, matrixProduct: .builtin)

    @Test func usesTheBuiltinKernel() {
        #expect(Self.encoder.matrixProduct.implementation == .builtin)
        #expect(Self.encoder.backend == .blas)
    }

    /// Every fixture sentence (223, up to 362 words) against the reference: the same bar as with OpenBLAS.
    @Test func embeddingsMatchSentenceTransformers() {
        var worst = 1.0
        for reference in embeddingCases {
            let vector = Self.encoder.embed(tokens: Self.encoder.tokenizer.encode(reference.text))
            var dot = 0.0, norm = 0.0
            for (a, b) in zip(vector, reference.numbers) {
                dot += Double(a) * b
                norm += b * b
            }
            let cosine = dot / norm.squareRoot()
            #expect(cosine >= 0.999, "line \(reference.line): cosine \(cosine)")
            worst = min(worst, cosine)
        }
        #expect(worst >= 0.999)
    }

    @Test(.enabled(if: MatrixProduct.openBLAS() != nil, "OpenBLAS is not installed"))
    func agreesWithOpenBLAS() throws {
        let openBLAS = try #require(MatrixProduct.openBLAS())
        let other = try MiniLMEncoder(
            directory: repositoryModels().appendingPathComponent(MiniLMEncoder.subdirectory), backend: .blas,
            cacheCapacity: 0, matrixProduct: openBLAS)
        for text in ["a native iOS and Android app", "Managed SOC with 24/7 monitoring", String(repeating: "data lake ", count: 60)] {
            let tokens = Self.encoder.tokenizer.encode(text)
            #expect(MiniLMEncoder.similarity(Self.encoder.embed(tokens: tokens), other.embed(tokens: tokens)) > 0.99999)
        }
    }
}
