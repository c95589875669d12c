/// Checks `authorization: Bearer <token>` against the configured token in constant time: the time taken
/// depends only on the lengths involved, never on where the first differing byte is.
struct BearerAuthorizer: Sendable {
    private let expected: [UInt8]

    init(token: String) {
        expected = Array("Bearer \(token)".utf8)
    }

    func isAuthorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let given = Array(header.utf8)
        var difference = UInt8(truncatingIfNeeded: given.count ^ expected.count)
        for i in 0..<expected.count {
            let g = i < given.count ? given[i] : 0
            difference |= g ^ expected[i]
        }
        return difference == 0
    }
}
