import Crypto

/// The digest stored for an API key's secret: SHA-256 of its text. The secret is 256 random bits, so a
/// plain hash (no salt, no stretching) is enough: there is nothing to guess.
package enum KeyDigest {
    package static func of(secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }
}
