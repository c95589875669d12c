/// Why a byte stream could not be decoded into frames. The connection cannot be resynchronised after
/// any of these, so the server answers with an error frame (id 0) and closes the connection.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable { case tooLarge, compressed, malformed }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The header announces more bytes than the limit allows.
        public static let tooLarge = Code(.tooLarge)
        /// The compression flag is not 0.
        public static let compressed = Code(.compressed)
        /// The payload is not a serialized `Frame`.
        public static let malformed = Code(.malformed)

        public var description: String { "\(wrapped)" }

        /// The status sent back before the connection is closed.
        public var status: StatusCode {
            switch wrapped {
            case .tooLarge: return .resourceExhausted
            case .compressed: return .unimplemented
            case .malformed: return .invalidArgument
            }
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
