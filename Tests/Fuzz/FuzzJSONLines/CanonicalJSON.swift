import VendorMatchCore

/// A reusable byte buffer for `JSONValue.write(to:)`: the import path serialises hundreds of thousands of
/// records without a `String` or a buffer per record.
struct CanonicalJSON {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    /// The value's text, reusing this writer's buffer.
    mutating func text(_ value: JSONValue) -> String {
        reset(value)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces `bytes` with the value's UTF-8 text.
    mutating func reset(_ value: JSONValue) {
        bytes.removeAll(keepingCapacity: true)
        value.write(to: &bytes)
    }
}
