import CMiniLMKernels
import Foundation
import VendorMatchCore

/// The encoder's parameters, read from `Models/minilm/weights.f16.safetensors`.
///
/// File layout (safetensors, written by `Tools/convert_minilm.py`):
/// ```
/// ┌──────────────┬───────────────────────────────┬──────────────────────────────┐
/// │ u64 LE: N    │ N bytes JSON: {name: {dtype:  │ data: IEEE half, LE, each    │
/// │              │ "F16", shape, data_offsets}}  │ tensor 64-byte aligned       │
/// └──────────────┴───────────────────────────────┴──────────────────────────────┘
/// ```
/// Linear weights are PyTorch's `[out, in]`, row-major. They are widened to `Float` at load for BLAS,
/// or kept half precision and packed for the AVX-512 kernel; the word-embedding table (30522 × 384,
/// half the file) stays half precision and is widened one row per token.
struct MiniLMWeights: Sendable {
    /// How a dense layer's weights are held: in the form its matrix product reads.
    enum WeightFormat: Sendable {
        /// Single precision `[outputs, inputs]` row-major, for BLAS.
        case dense
        /// Half precision in 32-output panels, for the AVX-512 kernel.
        case halfPanels
        /// bfloat16 in 32-output panels of input pairs, for the AVX512_BF16 kernel.
        case bfloat16Panels
        /// 13-bit integers (one scale per output) in the bfloat16 kernel's panel layout, for the
        /// AVX512_VNNI kernel.
        case int16Panels
    }

    /// A dense layer `y = x · Wᵀ + b` with `W` `[outputs, inputs]`.
    struct Linear: Sendable {
        let inputs: Int
        let outputs: Int
        let bias: [Float]
        let format: WeightFormat
        /// `[outputs, inputs]` single precision (`.dense`).
        let dense: [Float]
        /// Packed panels (`.halfPanels`, `.bfloat16Panels`), layouts in `CMiniLMKernels.h`.
        let packed: [UInt16]
        /// `.int16Panels`: the integer weights and each output's scale (`w ≈ q · scale`).
        let packedInt16: [Int16]
        let scales: [Float]

        init(bits: [UInt16], bias: [Float], outputs: Int, inputs: Int, format: WeightFormat) {
            self.inputs = inputs
            self.outputs = outputs
            self.bias = bias
            self.format = format
            (packedInt16, scales) = format == .int16Panels ? Self.int16Panels(bits, outputs: outputs, inputs: inputs) : ([], [])
            switch format {
            case .int16Panels:
                dense = []
                packed = []
            case .dense:
                dense = HalfConversion.widen(bits)
                packed = []
            case .halfPanels:
                precondition(outputs % 32 == 0, "packed weights need a multiple of 32 outputs")
                dense = []
                packed = [UInt16](unsafeUninitializedCapacity: bits.count) { out, n in
                    bits.withUnsafeBufferPointer { w in
                        for j in 0..<(outputs / 32) {
                            for k in 0..<inputs {
                                let base = (j * inputs + k) * 32
                                for q in 0..<32 { out[base + q] = w[(32 * j + q) * inputs + k] }
                            }
                        }
                    }
                    n = bits.count
                }
            case .bfloat16Panels:
                precondition(outputs % 32 == 0 && inputs % 2 == 0, "bfloat16 panels need 32k outputs and an even input count")
                dense = []
                let table = HalfConversion.table
                packed = [UInt16](unsafeUninitializedCapacity: bits.count) { out, n in
                    bits.withUnsafeBufferPointer { w in
                        for j in 0..<(outputs / 32) {
                            for pair in 0..<(inputs / 2) {
                                for h in 0..<2 {
                                    let base = ((j * (inputs / 2) + pair) * 2 + h) * 32
                                    for o in 0..<16 {
                                        let row = (32 * j + 16 * h + o) * inputs + 2 * pair
                                        out[base + 2 * o] = HalfConversion.bfloat16(table[Int(w[row])])
                                        out[base + 2 * o + 1] = HalfConversion.bfloat16(table[Int(w[row + 1])])
                                    }
                                }
                            }
                        }
                    }
                    n = bits.count
                }
            }
        }

        /// Rounds each output's weights to ±`VM_INT16_WEIGHT_MAX` steps of its own scale and packs them
        /// in the bfloat16 panel layout (32 outputs, input pairs interleaved), for `vm_minilm_gemm_i16`.
        static func int16Panels(_ bits: [UInt16], outputs: Int, inputs: Int) -> (packed: [Int16], scales: [Float]) {
            precondition(outputs % 32 == 0 && inputs % Int(VM_INT16_FLUSH_INPUTS) == 0,
                         "int16 panels need 32k outputs and inputs in steps of \(VM_INT16_FLUSH_INPUTS)")
            let table = HalfConversion.table
            let limit = Float(VM_INT16_WEIGHT_MAX)
            var scales = [Float](repeating: 1, count: outputs)
            for o in 0..<outputs {
                var largest: Float = 0
                for k in 0..<inputs { largest = max(largest, abs(table[Int(bits[o * inputs + k])])) }
                if largest > 0 { scales[o] = largest / limit }
            }
            var packed = [Int16](repeating: 0, count: bits.count)
            for j in 0..<(outputs / 32) {
                for pair in 0..<(inputs / 2) {
                    for h in 0..<2 {
                        let base = ((j * (inputs / 2) + pair) * 2 + h) * 32
                        for o in 0..<16 {
                            let out = 32 * j + 16 * h + o
                            for e in 0..<2 {
                                let w = table[Int(bits[out * inputs + 2 * pair + e])] / scales[out]
                                packed[base + 2 * o + e] = Int16(max(-limit, min(limit, w.rounded())))
                            }
                        }
                    }
                }
            }
            return (packed, scales)
        }
    }

    struct Layer: Sendable {
        /// Query, key and value projections stacked: `[3·hidden, hidden]`.
        var qkv: Linear
        var attentionOut: Linear
        var attentionNormGain: [Float]
        var attentionNormBias: [Float]
        var intermediate: Linear
        var output: Linear
        var outputNormGain: [Float]
        var outputNormBias: [Float]
    }

    let hidden: Int
    let intermediate: Int
    let vocabularySize: Int
    let maxPositions: Int
    /// `[vocabulary, hidden]` half-precision bit patterns.
    let wordEmbeddings: [UInt16]
    /// Position embeddings with the token-type-0 embedding already added: `[maxPositions, hidden]`.
    let positionEmbeddings: [Float]
    let embeddingNormGain: [Float]
    let embeddingNormBias: [Float]
    let layers: [Layer]

    static func load(from url: URL, layers layerCount: Int, format: WeightFormat) throws(VMError) -> MiniLMWeights {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw VMError(.io, "cannot read the MiniLM weights \(url.path)", cause: error)
        }
        let file = url.lastPathComponent
        let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<MiniLMWeights, VMError> in
            Result { () throws(VMError) -> MiniLMWeights in try parse(raw, file: file, layers: layerCount, format: format) }
        }
        return try result.get()
    }

    private static func parse(
        _ raw: UnsafeRawBufferPointer, file: String, layers layerCount: Int, format: WeightFormat
    ) throws(VMError) -> MiniLMWeights {
        let table = try TensorTable(raw, file: file)
        func half(_ name: String, _ shape: [Int]) throws(VMError) -> [UInt16] {
            try table.halfBits(name, shape: shape)
        }
        func float(_ name: String, _ shape: [Int]) throws(VMError) -> [Float] {
            HalfConversion.widen(try table.halfBits(name, shape: shape))
        }
        let words = try table.shape(of: "embeddings.word_embeddings.weight")
        guard words.count == 2 else {
            throw VMError(.invalidInput, "\(file): embeddings.word_embeddings.weight is not a matrix")
        }
        let (vocabulary, hidden) = (words[0], words[1])
        let intermediate = try table.shape(of: "encoder.layer.0.intermediate.dense.weight").first ?? 0
        let maxPositions = try table.shape(of: "embeddings.position_embeddings.weight").first ?? 0
        var positions = try float("embeddings.position_embeddings.weight", [maxPositions, hidden])
        let tokenType = try float("embeddings.token_type_embeddings.weight", [2, hidden])
        for p in 0..<maxPositions {
            for d in 0..<hidden { positions[p * hidden + d] += tokenType[d] }
        }
        var layers: [Layer] = []
        for l in 0..<layerCount {
            let p = "encoder.layer.\(l)."
            var qkv = try half(p + "attention.self.query.weight", [hidden, hidden])
            qkv += try half(p + "attention.self.key.weight", [hidden, hidden])
            qkv += try half(p + "attention.self.value.weight", [hidden, hidden])
            var qkvBias = try float(p + "attention.self.query.bias", [hidden])
            qkvBias += try float(p + "attention.self.key.bias", [hidden])
            qkvBias += try float(p + "attention.self.value.bias", [hidden])
            func linear(_ name: String, outputs: Int, inputs: Int) throws(VMError) -> Linear {
                Linear(bits: try half(name + ".weight", [outputs, inputs]), bias: try float(name + ".bias", [outputs]),
                       outputs: outputs, inputs: inputs, format: format)
            }
            layers.append(Layer(
                qkv: Linear(bits: qkv, bias: qkvBias, outputs: 3 * hidden, inputs: hidden, format: format),
                attentionOut: try linear(p + "attention.output.dense", outputs: hidden, inputs: hidden),
                attentionNormGain: try float(p + "attention.output.LayerNorm.weight", [hidden]),
                attentionNormBias: try float(p + "attention.output.LayerNorm.bias", [hidden]),
                intermediate: try linear(p + "intermediate.dense", outputs: intermediate, inputs: hidden),
                output: try linear(p + "output.dense", outputs: hidden, inputs: intermediate),
                outputNormGain: try float(p + "output.LayerNorm.weight", [hidden]),
                outputNormBias: try float(p + "output.LayerNorm.bias", [hidden])
            ))
        }
        return MiniLMWeights(
            hidden: hidden,
            intermediate: intermediate,
            vocabularySize: vocabulary,
            maxPositions: maxPositions,
            wordEmbeddings: try half("embeddings.word_embeddings.weight", [vocabulary, hidden]),
            positionEmbeddings: positions,
            embeddingNormGain: try float("embeddings.LayerNorm.weight", [hidden]),
            embeddingNormBias: try float("embeddings.LayerNorm.bias", [hidden]),
            layers: layers
        )
    }
}

/// The JSON header of a safetensors file and typed access to its float16 tensors.
private struct TensorTable {
    struct Entry { var shape: [Int]; var begin: Int; var end: Int }
    let raw: UnsafeRawBufferPointer
    let dataStart: Int
    let entries: [String: Entry]
    let file: String

    init(_ raw: UnsafeRawBufferPointer, file: String) throws(VMError) {
        self.raw = raw
        self.file = file
        guard raw.count >= 8 else { throw VMError(.invalidInput, "\(file): shorter than its 8-byte header length") }
        var n = 0
        for i in 0..<8 { n |= Int(raw[i]) << (8 * i) }
        guard n > 0, 8 + n <= raw.count else {
            throw VMError(.invalidInput, "\(file): header length \(n) exceeds the file (\(raw.count) bytes)")
        }
        let header: JSONValue
        do {
            header = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[8..<(8 + n)]))
        } catch {
            throw VMError(.invalidInput, "\(file): header: \(error)")
        }
        guard case let .object(pairs) = header else { throw VMError(.invalidInput, "\(file): header is not an object") }
        dataStart = 8 + n
        var entries: [String: Entry] = [:]
        for (name, value) in pairs where name != "__metadata__" {
            guard case let .string(dtype)? = value["dtype"], dtype == "F16" else {
                throw VMError(.invalidInput, "\(file): tensor \(name): dtype must be F16", field: name)
            }
            guard case let .array(shape)? = value["shape"], case let .array(offsets)? = value["data_offsets"],
                  offsets.count == 2, case let .number(b) = offsets[0], case let .number(e) = offsets[1] else {
                throw VMError(.invalidInput, "\(file): tensor \(name): missing shape or data_offsets", field: name)
            }
            var dims: [Int] = []
            for d in shape {
                guard case let .number(v) = d, v >= 0 else {
                    throw VMError(.invalidInput, "\(file): tensor \(name): bad shape", field: name)
                }
                dims.append(Int(v))
            }
            let begin = Int(b), end = Int(e)
            guard begin <= end, dataStart + end <= raw.count, (end - begin) == 2 * dims.reduce(1, *) else {
                throw VMError(.invalidInput, "\(file): tensor \(name): data_offsets \(begin)…\(end) do not fit", field: name)
            }
            entries[name] = Entry(shape: dims, begin: begin, end: end)
        }
        self.entries = entries
    }

    func shape(of name: String) throws(VMError) -> [Int] {
        guard let entry = entries[name] else { throw VMError(.invalidInput, "\(file): no tensor \(name)", field: name) }
        return entry.shape
    }

    func halfBits(_ name: String, shape: [Int]) throws(VMError) -> [UInt16] {
        guard let entry = entries[name] else { throw VMError(.invalidInput, "\(file): no tensor \(name)", field: name) }
        guard entry.shape == shape else {
            throw VMError(.invalidInput, "\(file): tensor \(name) has shape \(entry.shape), expected \(shape)", field: name)
        }
        let count = (entry.end - entry.begin) / 2
        return [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
            let source = raw.baseAddress! + dataStart + entry.begin
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(start: source, count: 2 * count))
            for i in 0..<count { buffer[i] = UInt16(littleEndian: buffer[i]) }
            initialized = count
        }
    }
}

/// IEEE half → single precision through a 64 Ki-entry table (fast in debug builds too).
enum HalfConversion {
    static let table: [Float] = (0..<65536).map { bits in halfToFloat(UInt16(bits)) }

    static func widen(_ bits: [UInt16]) -> [Float] {
        table.withUnsafeBufferPointer { t in
            bits.withUnsafeBufferPointer { b in
                [Float](unsafeUninitializedCapacity: b.count) { out, n in
                    for i in 0..<b.count { out[i] = t[Int(b[i])] }
                    n = b.count
                }
            }
        }
    }

    /// Single → bfloat16, rounding to nearest even.
    static func bfloat16(_ f: Float) -> UInt16 {
        var bits = f.bitPattern
        bits &+= 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: bits >> 16)
    }

    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = UInt32((h >> 10) & 0x1F)
        var mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            var e: UInt32 = 127 - 15 + 1
            while mantissa & 0x400 == 0 { mantissa <<= 1; e -= 1 }
            mantissa &= 0x3FF
            return Float(bitPattern: sign | (e << 23) | (mantissa << 13))
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
    }
}
