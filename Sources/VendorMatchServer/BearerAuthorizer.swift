import VendorMatchCore

/// Checks `authorization: Bearer <token>` against the configured token in constant time: the time taken
/// depends only on the expected token's length, never on where the first differing byte is, and lengths
/// are compared at full width (a header 256 bytes longer than the token is not accepted).
struct BearerAuthorizer: Sendable {
    private let expected: [UInt8]

    init(token: String) {
        expected = Array("Bearer \(token)".utf8)
    }

    func isAuthorized(_ header: String?) -> Bool {
        guard let header else { return false }
        return ConstantTime.equals(header.utf8, expected)
    }
}
