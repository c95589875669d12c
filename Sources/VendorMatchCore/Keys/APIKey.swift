import Foundation

/// An API key as stored and listed: never its secret, which is shown once at creation and kept only
/// as a SHA-256 digest.
public struct APIKey: Sendable, Equatable {
    /// The public part of the key, also printed by `keys list` and taken by `keys revoke`.
    public var id: String
    /// The buyer organisation the key acts for; nil only for admin keys (catalogue administration).
    public var tenant: String?
    public var scopes: KeyScopes
    public var createdAt: Date
    /// When the key was revoked; a revoked key is refused.
    public var revokedAt: Date?

    public init(id: String, tenant: String?, scopes: KeyScopes, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.tenant = tenant
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// The text a client sends as `authorization: Bearer <token>`: `vmk_<id>_<secret>`, where the id
/// (12 hex digits) finds the stored key and the secret (64 hex digits, 256 random bits) is checked
/// against its digest in constant time.
public struct APIKeyToken: Sendable, Equatable {
    public static let prefix = "vmk_"

    public var id: String
    public var secret: String

    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// A new key with a fresh random id and secret (the system's cryptographically secure generator).
    public static func generate() -> APIKeyToken {
        var rng = SystemRandomNumberGenerator()
        func hex(_ bytes: Int) -> String {
            (0..<bytes).map { _ in
                let b = UInt8.random(in: 0...255, using: &rng)
                return String(b, radix: 16).leftPadded(to: 2)
            }.joined()
        }
        return APIKeyToken(id: hex(6), secret: hex(32))
    }

    /// Reads `vmk_<id>_<secret>`; nil when the text does not have that shape.
    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let parts = text.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 12, parts[1].count == 64,
              parts.allSatisfy({ $0.utf8.allSatisfy(Self.isLowerHex) }) else { return nil }
        id = String(parts[0])
        secret = String(parts[1])
    }

    private static func isLowerHex(_ c: UInt8) -> Bool { (48...57).contains(c) || (97...102).contains(c) }

    /// The token as the client sends it.
    public var text: String { Self.prefix + id + "_" + secret }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
