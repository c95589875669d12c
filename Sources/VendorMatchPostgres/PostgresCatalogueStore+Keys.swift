import Foundation
import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// API keys (CONTRACT §6) in PostgreSQL: the secret's SHA-256 digest only, as in SQLite. Creating or
/// revoking a key notifies `keyChannel`, which every ranker's `PostgresKeyWatch` listens on.
extension PostgresCatalogueStore {
    public func createKey(tenant: String?, scopes: KeyScopes, now: Date = Date()) throws(VMError) -> (key: APIKey, token: APIKeyToken) {
        let (key, token) = try CatalogueStore.newKey(tenant: tenant, scopes: scopes, now: now)
        let digest = ByteBuffer(bytes: KeyDigest.of(secret: token.secret))
        try db.withSession("creating an API key in \(url)") { s in
            try s.execute("""
                INSERT INTO api_keys (id, tenant, scopes, secret_sha256, created_at)
                VALUES (\(key.id), \(key.tenant), \(key.scopes.description), \(digest), \(now.timeIntervalSince1970))
                """)
            try s.execute("SELECT pg_notify(\(Self.keyChannel), \(key.id))")
        }
        return (key, token)
    }

    public func keys() throws(VMError) -> [APIKey] {
        try reader.withSession("listing API keys in \(url)") { s in
            try s.query("SELECT id, tenant, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at, id").map(Self.key(from:))
        }
    }

    @discardableResult
    public func revokeKey(id: String, now: Date = Date()) throws(VMError) -> APIKey {
        let key = try db.withSession("revoking API key \(id)") { s -> APIKey? in
            try s.execute("UPDATE api_keys SET revoked_at = \(now.timeIntervalSince1970) WHERE id = \(id) AND revoked_at IS NULL")
            // Rankers re-read their keys on this notification (`PostgresKeyWatch`).
            try s.execute("SELECT pg_notify(\(Self.keyChannel), \(id))")
            return try s.query("SELECT id, tenant, scopes, created_at, revoked_at FROM api_keys WHERE id = \(id)").first.map(Self.key(from:))
        }
        guard let key else { throw VMError(.notFound, "no API key with id \"\(id)\" (`vendormatch keys list` shows them)", field: "key_id") }
        return key
    }

    static func key(from row: PostgresRow) throws -> APIKey {
        let (id, tenant, scopes, created, revoked) = try row.decode((String, String?, String, Double, Double?).self)
        return APIKey(id: id, tenant: tenant, scopes: try KeyScopes(parsing: scopes), createdAt: Date(timeIntervalSince1970: created),
                      revokedAt: revoked.map(Date.init(timeIntervalSince1970:)))
    }
}
