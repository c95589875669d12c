import Foundation

/// Vectors stored exactly as text: base64 of little-endian float32 (the `f32le` field of the reference
/// fixtures `Tools/make_minilm_fixtures.py` writes), read by the tests and `bench-encoder --fixture`.
public enum Float32Base64 {
    /// The floats of `text`, or nil when it is not base64 of a whole number of float32s.
    public static func decode(_ text: String) -> [Float]? {
        guard let raw = Data(base64Encoded: text), raw.count % 4 == 0 else { return nil }
        return raw.withUnsafeBytes { buffer in
            (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
