import VendorMatchWire

/// A call that did not end OK: the gRPC status code, the server's message and, for INVALID_ARGUMENT, the
/// field at fault. Connection failures are `UNAVAILABLE`.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    /// The field the server named (`k`, `vendors[2].size`), or empty.
    public var field: String

    public init(code: StatusCode, message: String, field: String = "") {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(code): \(message)" }
}
