import VendorMatchCore

/// Appends records' JSON text to the demo writer's buffer (`JSONValue.write(to:)`, no `String` per record).
enum JSONBytes {
    static func append(_ value: JSONValue, to out: inout [UInt8]) {
        value.write(to: &out)
    }
}
