/// An error with a stable code, a message a user can act on, and an optional cause.
///
/// The code decides the CLI exit status (2 for bad input, 1 otherwise) and the wire status.
public struct VMError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case invalidInput, notFound, storage, io, internalError, unavailable, deadlineExceeded
            case unauthenticated, permissionDenied, resourceExhausted, unimplemented
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// Bad input from the user: a file, a flag, a request field.
        public static let invalidInput = Code(.invalidInput)
        public static let notFound = Code(.notFound)
        public static let storage = Code(.storage)
        public static let io = Code(.io)
        public static let internalError = Code(.internalError)
        public static let unavailable = Code(.unavailable)
        public static let deadlineExceeded = Code(.deadlineExceeded)
        public static let unauthenticated = Code(.unauthenticated)
        /// Authenticated, but the key's scopes or tenant do not allow the call.
        public static let permissionDenied = Code(.permissionDenied)
        public static let resourceExhausted = Code(.resourceExhausted)
        public static let unimplemented = Code(.unimplemented)

        public var description: String { "\(wrapped)" }

        /// The gRPC status code for this error code.
        public var grpcStatus: Int32 {
            switch wrapped {
            case .invalidInput: return 3
            case .notFound: return 5
            case .deadlineExceeded: return 4
            case .unauthenticated: return 16
            case .permissionDenied: return 7
            case .resourceExhausted: return 8
            case .unimplemented: return 12
            case .unavailable: return 14
            case .storage, .io, .internalError: return 13
            }
        }
    }

    public var code: Code
    public var message: String
    /// The field at fault, when there is one (`service_types[1]`).
    public var field: String?
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, field: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
