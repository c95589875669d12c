/// A problem with one field of one record: `service_types[1]: unknown service type "data.foo"`.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "field \"\(field)\": \(reason)" }
}

/// Typed access to the fields of a JSON object, each failure naming the field and the type it wanted.
/// `null` counts as absent for optional fields.
public struct FieldReader: RecordFields {
    private var fields: [String: JSONValue] = [:]

    public init(_ value: JSONValue) throws(FieldError) {
        guard case let .object(pairs) = value else {
            throw FieldError(field: "", reason: "expected a JSON object, got \(value.typeName)")
        }
        fields.reserveCapacity(pairs.count)
        for (k, v) in pairs where fields[k] == nil { fields[k] = v }
    }

    private func present(_ key: String) -> JSONValue? {
        guard let v = fields[key], v != .null else { return nil }
        return v
    }

    private func mismatch(_ key: String, _ want: String, _ got: JSONValue) -> FieldError {
        FieldError(field: key, reason: "expected \(want), got \(got.typeName)")
    }

    public func string(_ key: String) throws(FieldError) -> String? {
        guard let v = present(key) else { return nil }
        guard case let .string(s) = v else { throw mismatch(key, "string", v) }
        return s
    }

    public func number(_ key: String) throws(FieldError) -> Double? {
        guard let v = present(key) else { return nil }
        guard case let .number(n) = v else { throw mismatch(key, "number", v) }
        return n
    }

    public func integer(_ key: String) throws(FieldError) -> Int? {
        guard let n = try number(key) else { return nil }
        guard n == n.rounded(), abs(n) < 1e15 else { throw FieldError(field: key, reason: "expected an integer, got \(n)") }
        return Int(n)
    }

    public func bool(_ key: String) throws(FieldError) -> Bool? {
        guard let v = present(key) else { return nil }
        guard case let .bool(b) = v else { throw mismatch(key, "boolean", v) }
        return b
    }

    public func stringArray(_ key: String) throws(FieldError) -> [String] {
        guard let v = present(key) else { return [] }
        guard case let .array(items) = v else { throw mismatch(key, "array of strings", v) }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case let .string(s) = item else { throw mismatch("\(key)[\(i)]", "string", item) }
            out.append(s)
        }
        return out
    }

    public func numberArray(_ key: String) throws(FieldError) -> [Double]? {
        guard let v = present(key) else { return nil }
        guard case let .array(items) = v else { throw mismatch(key, "array of numbers", v) }
        var out: [Double] = []
        for (i, item) in items.enumerated() {
            guard case let .number(n) = item else { throw mismatch("\(key)[\(i)]", "number", item) }
            out.append(n)
        }
        return out
    }

    public func object(_ key: String) throws(FieldError) -> FieldReader? {
        guard let v = present(key) else { return nil }
        guard case .object = v else { throw mismatch(key, "object", v) }
        do {
            return try FieldReader(v)
        } catch {
            throw FieldError(field: key, reason: error.reason)
        }
    }
}
