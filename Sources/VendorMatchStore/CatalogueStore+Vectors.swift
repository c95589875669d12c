import Foundation
import GRDB
import VendorMatchCore

/// Stored sentence-encoder vectors of need texts, keyed by the text's hash and the model that made
/// them, so a text is encoded once whatever the number of case studies that say it, and a re-import
/// or an edit that keeps the need keeps its vector. Vectors are stored in float16 (2 bytes a
/// dimension; unit vectors lose < 1e-6 of cosine, measured in `Docs/semantic-bench.md`).
extension CatalogueStore {
    /// Stores vectors of texts (replacing earlier ones of the same model); returns how many were stored.
    @discardableResult
    public func saveNeedVectors(_ vectors: [(text: String, vector: [Float])], model: String) throws(VMError) -> Int {
        try write("storing need vectors") { db in
            let stmt = try db.makeStatement(sql: """
                INSERT INTO need_vectors (model, text_hash, dims, vector) VALUES (?, ?, ?, ?)
                ON CONFLICT (model, text_hash) DO UPDATE SET dims = excluded.dims, vector = excluded.vector
                """)
            var stored = 0
            for (text, vector) in vectors where !vector.isEmpty {
                try stmt.execute(arguments: [model, NeedTextHash(text).data, vector.count, Self.halfBlob(vector)])
                stored += 1
            }
            return stored
        }
    }

    /// The stored vectors of `model` for those of `texts` that have one, by text.
    public func needVectors(for texts: some Sequence<String>, model: String) throws(VMError) -> [String: [Float]] {
        try read("reading need vectors") { db in
            let stmt = try db.makeStatement(sql: "SELECT dims, vector FROM need_vectors WHERE model = ? AND text_hash = ?")
            var out: [String: [Float]] = [:]
            for text in texts where out[text] == nil {
                guard let row = try Row.fetchOne(stmt, arguments: [model, NeedTextHash(text).data]) else { continue }
                let dims: Int = row[0]
                let blob: Data = row[1]
                guard blob.count == 2 * dims else { continue }
                out[text] = Self.floats(halfBlob: blob)
            }
            return out
        }
    }

    /// How many need vectors of `model` are stored.
    public func needVectorCount(model: String) throws(VMError) -> Int {
        try read("counting need vectors") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM need_vectors WHERE model = ?", arguments: [model]) ?? 0
        }
    }

    static func halfBlob(_ vector: [Float]) -> Data {
        var bits = [UInt16](repeating: 0, count: vector.count)
        for i in vector.indices { bits[i] = HalfFloat.bits(vector[i]).littleEndian }
        return bits.withUnsafeBytes { Data($0) }
    }

    static func floats(halfBlob blob: Data) -> [Float] {
        blob.withUnsafeBytes { raw in
            (0..<(raw.count / 2)).map { HalfFloat.value(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
        }
    }
}

/// IEEE half precision, round to nearest even (no `Float16` on every platform Swift builds for).
enum HalfFloat {
    static func bits(_ value: Float) -> UInt16 {
        let f = value.bitPattern
        let sign = UInt16((f >> 16) & 0x8000)
        let exponent = Int((f >> 23) & 0xFF)
        var mantissa = f & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0) }
        var e = exponent - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }
        if e <= 0 {
            guard e >= -10 else { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - e)
            var half = mantissa >> shift
            let rest = mantissa & ((1 << shift) - 1), halfway = UInt32(1) << (shift - 1)
            if rest > halfway || (rest == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = mantissa >> 13
        let rest = mantissa & 0x1FFF
        if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) {
            half += 1
            if half == 0x400 { half = 0; e += 1 }
            if e >= 0x1F { return sign | 0x7C00 }
        }
        return sign | UInt16(e << 10) | UInt16(half)
    }

    static func value(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            return Float(bitPattern: sign) + (sign != 0 ? -1 : 1) * Float(mantissa) * 0x1p-24
        }
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}

/// A 128-bit FNV-1a hash of a text's UTF-8 bytes: the key of its stored vector (a collision among a
/// billion texts has odds of about 1e-21).
public struct NeedTextHash: Hashable, Sendable {
    public let high: UInt64
    public let low: UInt64

    public init(_ text: String) {
        // FNV-1a 128: offset basis 0x6c62272e07bb014262b821756295c58d, prime 2^88 + 0x13b.
        var high: UInt64 = 0x6C62_272E_07BB_0142, low: UInt64 = 0x62B8_2175_6295_C58D
        for byte in text.utf8 {
            low ^= UInt64(byte)
            let (carry, product) = low.multipliedFullWidth(by: 0x13B)
            high = high &* 0x13B &+ carry &+ (low << 24)
            low = product
        }
        self.high = high
        self.low = low
    }

    /// Big-endian bytes, as stored.
    public var data: Data {
        withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Data($0) }
    }
}
