import Foundation
import GRDB
import VendorMatchCore

/// API keys (CONTRACT §6), kept in the catalogue's database so they survive restarts and every process
/// sharing the file sees them.
extension CatalogueStore {
    /// Creates a key and returns it with its token, the only time the secret exists outside the
    /// client. A key without a tenant must have the admin scope (a tenant-less read key could read as
    /// any buyer).
    public func createKey(tenant: String?, scopes: KeyScopes, now: Date = Date()) throws(VMError) -> (key: APIKey, token: APIKeyToken) {
        let (key, token) = try Self.newKey(tenant: tenant, scopes: scopes, now: now)
        try write("creating an API key") { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, tenant, scopes, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.tenant, key.scopes.description, Data(KeyDigest.of(secret: token.secret)), now.timeIntervalSince1970])
        }
        return (key, token)
    }

    /// A new key and its token after checking the tenant and scopes (shared by every store).
    package static func newKey(tenant: String?, scopes: KeyScopes, now: Date) throws(VMError) -> (key: APIKey, token: APIKeyToken) {
        let tenant = tenant?.trimmingCharacters(in: .whitespaces)
        if tenant?.isEmpty == true { throw VMError(.invalidInput, "--tenant must not be empty", field: "tenant") }
        if tenant == nil, !scopes.contains(.admin) {
            throw VMError(.invalidInput, "a key with scopes \(scopes) needs --tenant ORG (the buyer organisation it acts for); only admin keys may have none", field: "tenant")
        }
        let token = APIKeyToken.generate()
        return (APIKey(id: token.id, tenant: tenant, scopes: scopes, createdAt: now), token)
    }

    /// Every key, revoked ones included, oldest first.
    public func keys() throws(VMError) -> [APIKey] {
        try read("listing API keys") { db in
            try Row.fetchAll(db, sql: "SELECT id, tenant, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at, id")
                .map(Self.key(from:))
        }
    }

    /// Revokes a key at once (a running server refuses it from its next request); revoking a revoked
    /// key changes nothing. An unknown id is `notFound`.
    @discardableResult
    public func revokeKey(id: String, now: Date = Date()) throws(VMError) -> APIKey {
        let key = try write("revoking API key \(id)") { db -> APIKey? in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [now.timeIntervalSince1970, id])
            return try Row.fetchOne(db, sql: "SELECT id, tenant, scopes, created_at, revoked_at FROM api_keys WHERE id = ?", arguments: [id])
                .map(Self.key(from:))
        }
        guard let key else { throw VMError(.notFound, "no API key with id \"\(id)\" (`vendormatch keys list` shows them)", field: "key_id") }
        return key
    }

    static func key(from row: Row) throws -> APIKey {
        let scopesText: String = row["scopes"]
        let revoked: Double? = row["revoked_at"]
        return APIKey(
            id: row["id"], tenant: row["tenant"], scopes: try KeyScopes(parsing: scopesText),
            createdAt: Date(timeIntervalSince1970: row["created_at"]), revokedAt: revoked.map(Date.init(timeIntervalSince1970:)))
    }

    /// The live key checker a server uses (`KeyRing`), on its own connection to this database.
    public func keyRing() throws(VMError) -> KeyRing {
        try KeyRing(path: path)
    }

    public func keyChecker() throws(VMError) -> any KeyChecking {
        try keyRing()
    }
}
