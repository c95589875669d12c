import CMiniLMKernels
import Foundation
import VendorMatchCore

/// all-MiniLM-L6-v2 sentence embeddings in Swift: WordPiece tokens → 6-layer BERT encoder →
/// attention-masked mean pooling → L2 normalisation, 384 dimensions.
///
/// Thread-safe: weights are immutable, each call has its own scratch memory, and matrix products
/// run on the calling thread (OpenBLAS, when present, is set to one thread), so one request uses one core.
/// Vectors are cached by text (least recently used first out).
public final class MiniLMEncoder: Sendable {
    /// Where the model lives inside the models directory.
    public static let subdirectory = "minilm"
    public static let dimensions = 384

    public let tokenizer: WordPieceTokenizer
    /// Names the model and its exact weights (`all-MiniLM-L6-v2@0dc2485bf8cd`): tag stored vectors with
    /// it so vectors from other weights are never mixed in.
    public let modelIdentifier: String
    /// The model's sequence limit (256), `[CLS]` and `[SEP]` included.
    public let maxTokens: Int
    private let weights: MiniLMWeights
    private let heads: Int
    private let layerNormEpsilon: Float
    private let cache: EmbeddingCache
    /// `sgemm`: OpenBLAS when the system has it, else the built-in kernel (`MatrixProduct`).
    let matrixProduct: MatrixProduct

    /// How the dense layers' matrix products run.
    public enum Backend: String, Sendable {
        /// `sgemm` on single-precision weights: any CPU. OpenBLAS when the system has it (loaded at run
        /// time), else the portable C kernel of `CMiniLMKernels` (see `matrixLibrary`).
        case blas
        /// The AVX-512 kernel on half-precision weights packed at load (`CMiniLMKernels`): half the
        /// memory traffic and no per-call packing; products and sums in single precision.
        case halfPrecisionKernel = "half-precision-kernel"
        /// The AVX512_BF16 kernel: weights and activations rounded to bfloat16 for the products
        /// (`vdpbf16ps`, twice the multiplies per instruction), sums in single precision.
        case bfloat16Kernel = "bfloat16-kernel"
        /// The AVX512_VNNI kernel: weights rounded to 13-bit integers per output and activations to
        /// 14-bit integers per row (`vpdpwssd`, twice the multiplies per instruction of an FMA), exact
        /// integer sums moved to single precision every 64 inputs. The default where the CPU has it.
        case int16Kernel = "int16-kernel"

        /// The fastest backend this CPU runs, where the build is optimised (C targets are built
        /// without optimisation in debug, where BLAS is faster); BLAS otherwise.
        public static var automatic: Backend {
            #if DEBUG
            return .blas
            #else
            return kernels.first { $0.isSupported } ?? .blas
            #endif
        }

        /// The C kernels, most preferred first. int16 before bfloat16: where a CPU has both (AMD EPYC here)
        /// they encode at the same rate (`bench-encoder --throughput-rounds`, BENCHMARKS.md) and int16 is ten
        /// times closer to the reference.
        public static let kernels: [Backend] = [.int16Kernel, .bfloat16Kernel, .halfPrecisionKernel]

        /// Whether this CPU runs this backend (BLAS runs on any).
        public var isSupported: Bool {
            switch self {
            case .blas: return true
            case .halfPrecisionKernel: return Self.halfPrecisionKernelSupported
            case .bfloat16Kernel: return Self.bfloat16KernelSupported
            case .int16Kernel: return Self.int16KernelSupported
            }
        }

        /// The error when `isSupported` is false: what the kernel needs of the CPU.
        var unsupportedMessage: String {
            switch self {
            case .blas: return ""
            case .halfPrecisionKernel: return "the half-precision kernel needs a CPU with AVX-512F, F16C and FMA"
            case .bfloat16Kernel: return "the bfloat16 kernel needs a CPU with AVX-512F and AVX512_BF16"
            case .int16Kernel: return "the int16 kernel needs a CPU with AVX-512F, AVX-512BW and AVX512_VNNI"
            }
        }

        /// Whether this CPU runs the half-precision kernel (AVX-512F, F16C, FMA).
        public static var halfPrecisionKernelSupported: Bool { vm_minilm_half_kernel_supported() != 0 }
        /// Whether this CPU runs the bfloat16 kernel (AVX-512F, AVX512_BF16).
        public static var bfloat16KernelSupported: Bool { vm_minilm_bf16_kernel_supported() != 0 }
        /// Whether this CPU runs the 16-bit integer kernel (AVX-512F, AVX-512BW, AVX512_VNNI).
        public static var int16KernelSupported: Bool { vm_minilm_int16_kernel_supported() != 0 }

        var weightFormat: MiniLMWeights.WeightFormat {
            switch self {
            case .blas: return .dense
            case .halfPrecisionKernel: return .halfPanels
            case .bfloat16Kernel: return .bfloat16Panels
            case .int16Kernel: return .int16Panels
            }
        }
    }

    /// The backend this encoder's matrix products use.
    public let backend: Backend

    /// Which `sgemm` the `.blas` backend and attention use in this process: `OpenBLAS (libopenblas.so.0,
    /// SkylakeX)` when the system has it, else `built-in (avx512f)` (or `avx2+fma`, `baseline`).
    /// `VENDORMATCH_BLAS=builtin` skips OpenBLAS; see `MatrixProduct` for when it is passed over.
    public static var matrixLibrary: String { MatrixProduct.system.description }

    /// Loads `Models/minilm/` (`model.json`, `vocab.txt`, `weights.f16.safetensors`).
    public convenience init(modelsDirectory: URL, backend: Backend = .automatic, cacheCapacity: Int = 4096) throws(VMError) {
        try self.init(directory: modelsDirectory.appendingPathComponent(Self.subdirectory), backend: backend, cacheCapacity: cacheCapacity)
    }

    /// Loads the model from a directory written by `Tools/convert_minilm.py`.
    public convenience init(directory: URL, backend: Backend = .automatic, cacheCapacity: Int = 4096) throws(VMError) {
        try self.init(directory: directory, backend: backend, cacheCapacity: cacheCapacity, matrixProduct: .system)
    }

    /// Loads the model with the given `sgemm` (tests use `.builtin` to cover it where OpenBLAS is installed).
    init(directory: URL, backend: Backend, cacheCapacity: Int, matrixProduct: MatrixProduct) throws(VMError) {
        guard backend.isSupported else { throw VMError(.unavailable, backend.unsupportedMessage) }
        self.backend = backend
        self.matrixProduct = matrixProduct
        let manifestURL = directory.appendingPathComponent("model.json")
        let manifest: JSONValue
        do {
            manifest = try JSONParser.parse(try Data(contentsOf: manifestURL))
        } catch let error as JSONParser.SyntaxError {
            throw VMError(.invalidInput, "\(manifestURL.path): \(error)")
        } catch {
            throw VMError(.io, "cannot read \(manifestURL.path)", cause: error)
        }
        func int(_ key: String) throws(VMError) -> Int {
            guard case let .number(v)? = manifest[key], v >= 1, v == v.rounded() else {
                throw VMError(.invalidInput, "\(manifestURL.path): \(key) must be a positive integer", field: key)
            }
            return Int(v)
        }
        func string(_ object: String, _ key: String) throws(VMError) -> String {
            guard case let .string(v)? = manifest[object]?[key] else {
                throw VMError(.invalidInput, "\(manifestURL.path): \(object).\(key) must be a string", field: "\(object).\(key)")
            }
            return v
        }
        guard case let .string(name)? = manifest["name"] else {
            throw VMError(.invalidInput, "\(manifestURL.path): name must be a string", field: "name")
        }
        modelIdentifier = "\(name)@\(try string("weights", "sha256").prefix(12))"
        let dims = try int("dimensions")
        guard dims == Self.dimensions else {
            throw VMError(.invalidInput, "\(manifestURL.path): dimensions \(dims), expected \(Self.dimensions)", field: "dimensions")
        }
        heads = try int("heads")
        maxTokens = try int("max_tokens")
        if case let .number(eps)? = manifest["layer_norm_eps"] { layerNormEpsilon = Float(eps) } else { layerNormEpsilon = 1e-12 }
        tokenizer = try WordPieceTokenizer(vocabularyFile: directory.appendingPathComponent(try string("vocabulary", "file")))
        weights = try MiniLMWeights.load(
            from: directory.appendingPathComponent(try string("weights", "file")), layers: try int("layers"),
            format: backend.weightFormat)
        guard weights.hidden == dims, dims % heads == 0, weights.vocabularySize == tokenizer.vocabularySize,
              maxTokens <= weights.maxPositions else {
            throw VMError(.invalidInput, "\(directory.path): weights (hidden \(weights.hidden), vocabulary \(weights.vocabularySize)) do not match model.json and vocab.txt")
        }
        cache = EmbeddingCache(capacity: cacheCapacity)
    }

    /// Cosine similarity of two embeddings (they have unit length, so the dot product), in −1…1.
    public static func similarity(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "embeddings of different lengths")
        var sum: Float = 0
        for i in 0..<a.count { sum += a[i] * b[i] }
        return sum
    }

    /// The unit-length 384-dimension embedding of `text` (cached by text).
    public func embed(_ text: String) -> [Float] {
        if let hit = cache.value(for: text) { return hit }
        let vector = embed(tokens: tokenizer.encode(text, maxTokens: maxTokens))
        cache.insert(vector, for: text)
        return vector
    }

    /// Embeds many texts (e.g. case studies at import) on `threads` threads, several texts per pass so
    /// each weight matrix is read once for the whole batch. A text that occurs more than once is encoded
    /// once. `progress` is called (from any of the threads, one call at a time) with the count of
    /// distinct texts done and their total. Not cached; each result equals `embed(tokens:)` of the text.
    public func embed(_ texts: [String], threads: Int = 1, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) -> [[Float]] {
        var slot: [String: Int] = [:]
        var distinct: [String] = []
        let slots = texts.map { text in
            if let s = slot[text] { return s }
            slot[text] = distinct.count
            distinct.append(text)
            return distinct.count - 1
        }
        let vectors = embedDistinct(distinct, threads: max(1, threads), progress: progress)
        return slots.map { vectors[$0] }
    }

    /// Texts per unit of work a thread takes: small enough to balance two threads near the end.
    static let textsPerChunk = 48

    private func embedDistinct(_ texts: [String], threads: Int, progress: (@Sendable (Int, Int) -> Void)?) -> [[Float]] {
        let chunks = (texts.count + Self.textsPerChunk - 1) / Self.textsPerChunk
        let out = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: texts.count)
        out.initialize(repeating: [])
        defer { out.deinitialize(); out.deallocate() }
        let shared = ChunkQueue(chunks: chunks)
        let output = UncheckedBuffer(buffer: out)
        DispatchQueue.concurrentPerform(iterations: min(threads, max(1, chunks))) { _ in
            while let chunk = shared.next() {
                let range = (chunk * Self.textsPerChunk)..<min(texts.count, (chunk + 1) * Self.textsPerChunk)
                var batch: [[Int32]] = []
                var first = range.lowerBound
                var rows = 0
                func flush() {
                    guard !batch.isEmpty else { return }
                    for (i, v) in embed(tokenBatch: batch).enumerated() { output.buffer[first + i] = v }
                    first += batch.count
                    batch.removeAll(keepingCapacity: true)
                    rows = 0
                }
                for i in range {
                    let tokens = tokenizer.encode(texts[i], maxTokens: maxTokens)
                    if rows + tokens.count > Self.batchRows { flush() }
                    batch.append(tokens)
                    rows += tokens.count
                }
                flush()
                shared.finished(range.count) { done in progress?(done, texts.count) }
            }
        }
        return Array(out)
    }

    /// Token rows per batched pass: enough to amortise reading the weights, small enough for the cache.
    static let batchRows = 512

    /// The embedding of a token sequence as `WordPieceTokenizer.encode` returns it (not cached).
    public func embed(tokens: [Int32]) -> [Float] {
        embed(tokenBatch: [tokens])[0]
    }

    /// Embeddings of several token sequences in one pass. The sequences' rows are stacked for the
    /// row-wise layers (projections, layer norms, GELU) and kept apart for attention and pooling, so
    /// each result is what encoding the sequence alone gives.
    public func embed(tokenBatch: [[Int32]]) -> [[Float]] {
        let h = weights.hidden
        let f = weights.intermediate
        var offsets: [Int] = []
        var total = 0
        var longest = 0
        for tokens in tokenBatch {
            precondition(tokens.count >= 1 && tokens.count <= weights.maxPositions, "token count \(tokens.count) outside 1…\(weights.maxPositions)")
            offsets.append(total)
            total += tokens.count
            longest = max(longest, tokens.count)
        }
        guard total > 0 else { return [] }
        let t = total
        // Scratch: x [t·h], context [t·h], projection [t·h], qkv [t·3h], intermediate [t·f], scores [longest²].
        let scratchCount = t * h * 3 + t * 3 * h + t * f + longest * longest
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
        defer { scratch.deallocate() }
        let x = scratch
        let context = x + t * h
        let projection = context + t * h
        let qkv = projection + t * h
        let inner = qkv + t * 3 * h
        let scores = inner + t * f

        for (tokens, offset) in zip(tokenBatch, offsets) { embedTokens(tokens, into: x + offset * h) }
        addLayerNorm(x, nil, rows: t, gain: weights.embeddingNormGain, bias: weights.embeddingNormBias)
        for layer in weights.layers {
            linear(x, rows: t, layer.qkv, into: qkv)
            for (tokens, offset) in zip(tokenBatch, offsets) {
                attention(qkv + offset * 3 * h, tokens: tokens.count, scores: scores, into: context + offset * h)
            }
            linear(context, rows: t, layer.attentionOut, into: projection)
            addLayerNorm(x, projection, rows: t, gain: layer.attentionNormGain, bias: layer.attentionNormBias)
            linear(x, rows: t, layer.intermediate, into: inner)
            gelu(inner, count: t * f)
            linear(inner, rows: t, layer.output, into: projection)
            addLayerNorm(x, projection, rows: t, gain: layer.outputNormGain, bias: layer.outputNormBias)
        }
        return zip(tokenBatch, offsets).map { tokens, offset in meanPoolNormalized(x + offset * h, rows: tokens.count) }
    }

    // MARK: - Layers

    private func embedTokens(_ tokens: [Int32], into x: UnsafeMutablePointer<Float>) {
        let h = weights.hidden
        HalfConversion.table.withUnsafeBufferPointer { table in
            weights.wordEmbeddings.withUnsafeBufferPointer { words in
                weights.positionEmbeddings.withUnsafeBufferPointer { positions in
                    for (p, token) in tokens.enumerated() {
                        let id = Int(token) < weights.vocabularySize && token >= 0 ? Int(token) : Int(tokenizer.unknownID)
                        let row = x + p * h
                        for d in 0..<h {
                            row[d] = table[Int(words[id * h + d])] + positions[p * h + d]
                        }
                    }
                }
            }
        }
    }

    /// `out[rows, outputs] = input[rows, inputs] · weightᵀ + bias`.
    private func linear(_ input: UnsafePointer<Float>, rows: Int, _ layer: MiniLMWeights.Linear, into out: UnsafeMutablePointer<Float>) {
        let (inputs, outputs) = (layer.inputs, layer.outputs)
        if layer.format == .int16Panels {
            layer.packedInt16.withUnsafeBufferPointer { w in
                layer.scales.withUnsafeBufferPointer { scale in
                    layer.bias.withUnsafeBufferPointer { b in
                        vm_minilm_gemm_i16_bias(Int32(rows), Int32(outputs), Int32(inputs), input, Int32(inputs), w.baseAddress,
                                                scale.baseAddress, b.baseAddress, out, Int32(outputs))
                    }
                }
            }
            return
        }
        layer.bias.withUnsafeBufferPointer { b in
            for r in 0..<rows { (out + r * outputs).update(from: b.baseAddress!, count: outputs) }
        }
        switch layer.format {
        case .halfPanels:
            layer.packed.withUnsafeBufferPointer { w in
                vm_minilm_gemm_f16(Int32(rows), Int32(outputs), Int32(inputs), input, Int32(inputs), w.baseAddress, out, Int32(outputs))
            }
            return
        case .bfloat16Panels:
            layer.packed.withUnsafeBufferPointer { w in
                vm_minilm_gemm_bf16(Int32(rows), Int32(outputs), Int32(inputs), input, Int32(inputs), w.baseAddress, out, Int32(outputs))
            }
            return
        case .int16Panels:
            preconditionFailure("handled above, with the bias")
        case .dense:
            break
        }
        layer.dense.withUnsafeBufferPointer { w in
            matrixProduct(
                transposeB: true, m: rows, n: outputs, k: inputs,
                alpha: 1, input, lda: inputs, w.baseAddress!, ldb: inputs,
                beta: 1, out, ldc: outputs
            )
        }
    }

    /// Multi-head self-attention over `qkv` rows `[q | k | v]`; every token attends to every token.
    private func attention(
        _ qkv: UnsafeMutablePointer<Float>, tokens t: Int,
        scores: UnsafeMutablePointer<Float>, into context: UnsafeMutablePointer<Float>
    ) {
        let h = weights.hidden
        let d = h / heads
        let stride = 3 * h
        let scale = 1 / Float(d).squareRoot()
        for head in 0..<heads {
            let q = qkv + head * d
            let k = qkv + h + head * d
            let v = qkv + 2 * h + head * d
            matrixProduct(
                transposeB: true, m: t, n: t, k: d,
                alpha: scale, q, lda: stride, k, ldb: stride,
                beta: 0, scores, ldc: t
            )
            for r in 0..<t { softmax(scores + r * t, count: t) }
            matrixProduct(
                transposeB: false, m: t, n: d, k: t,
                alpha: 1, scores, lda: t, v, ldb: stride,
                beta: 0, context + head * d, ldc: h
            )
        }
    }

    private func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var largest = -Float.infinity
        for i in 0..<count where row[i] > largest { largest = row[i] }
        var sum: Float = 0
        for i in 0..<count {
            let e = expf(row[i] - largest)
            row[i] = e
            sum += e
        }
        let inverse = 1 / sum
        for i in 0..<count { row[i] *= inverse }
    }

    /// Whether the row-wise layers run on the AVX-512 kernels (same formulas, vectorised).
    private static let rowwiseKernels = vm_minilm_rowwise_supported() != 0

    /// `x += y` (when given), then layer normalisation, row by row.
    private func addLayerNorm(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>?, rows: Int, gain: [Float], bias: [Float]) {
        let h = weights.hidden
        if Self.rowwiseKernels, h % 16 == 0 {
            gain.withUnsafeBufferPointer { g in
                bias.withUnsafeBufferPointer { b in
                    vm_minilm_add_layer_norm(x, y, Int32(rows), Int32(h), g.baseAddress, b.baseAddress, layerNormEpsilon)
                }
            }
            return
        }
        if let y { addInPlace(x, y, count: rows * h) }
        layerNorm(x, rows: rows, gain: gain, bias: bias)
    }

    private func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, gain: [Float], bias: [Float]) {
        let h = weights.hidden
        gain.withUnsafeBufferPointer { g in
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    let row = x + r * h
                    var mean: Float = 0
                    for i in 0..<h { mean += row[i] }
                    mean /= Float(h)
                    var variance: Float = 0
                    for i in 0..<h {
                        let c = row[i] - mean
                        variance += c * c
                    }
                    variance /= Float(h)
                    let inverse = 1 / (variance + layerNormEpsilon).squareRoot()
                    for i in 0..<h { row[i] = (row[i] - mean) * inverse * g[i] + b[i] }
                }
            }
        }
    }

    /// GELU with the error function, as BERT's `hidden_act: "gelu"`.
    private func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        if Self.rowwiseKernels {
            vm_minilm_gelu(x, count)
            return
        }
        let invSqrt2: Float = 0.70710678118654752
        for i in 0..<count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + Self.erf(v * invSqrt2))
        }
    }

    /// erf as a rational function on [−4, 4] (Eigen's single-precision approximation; |error| < 5e-7
    /// against glibc's `erff`), about twice as fast as `erff` and free of calls, so the loop vectorises.
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = min(max(value, -4), 4)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
    }

    private func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }

    /// Mean over tokens (all unpadded, so the attention mask is all ones), then unit length.
    private func meanPoolNormalized(_ x: UnsafePointer<Float>, rows: Int) -> [Float] {
        let h = weights.hidden
        var out = [Float](repeating: 0, count: h)
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<rows {
                let row = x + r * h
                for i in 0..<h { o[i] += row[i] }
            }
            var norm: Float = 0
            for i in 0..<h {
                o[i] /= Float(rows)
                norm += o[i] * o[i]
            }
            let inverse = 1 / max(norm.squareRoot(), 1e-12)
            for i in 0..<h { o[i] *= inverse }
        }
        return out
    }
}

/// Hands out chunk numbers to the threads of a bulk encoding and counts the texts done.
private final class ChunkQueue: @unchecked Sendable {  // state under `lock`
    private let lock = NSLock()
    private var nextChunk = 0
    private var done = 0
    private let chunks: Int

    init(chunks: Int) { self.chunks = chunks }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextChunk < chunks else { return nil }
        nextChunk += 1
        return nextChunk - 1
    }

    /// Adds `count` texts done and reports the total under the lock, so reports never go backwards.
    func finished(_ count: Int, report: (Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        done += count
        report(done)
    }
}

/// The bulk encoder's output slots: each thread writes only the slots of the chunks it took.
private struct UncheckedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
}
