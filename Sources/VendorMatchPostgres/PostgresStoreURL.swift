import Foundation
import VendorMatchCore

/// A `--store` URL naming a PostgreSQL database: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`
/// (`postgresql://` too; the port defaults to 5432).
public struct PostgresStoreURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    /// Whether `text` is spelled as a PostgreSQL URL (anything else is not for this store).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; anything but a complete URL is `invalidInput` naming it.
    public init(parsing text: String) throws(VMError) {
        func bad(_ why: String) -> VMError {
            VMError(.invalidInput, "--store \(text): \(why) (expected postgres://USER@HOST:PORT/DB)", field: "store")
        }
        guard Self.isPostgres(text), let parts = URLComponents(string: text) else { throw bad("not a postgres:// URL") }
        guard let user = parts.user, !user.isEmpty else { throw bad("no user") }
        guard let host = parts.host, !host.isEmpty else { throw bad("no host") }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw bad("no database name") }
        if let port = parts.port, !(1...65535).contains(port) { throw bad("port \(port) is out of range") }
        self.user = user.removingPercentEncoding ?? user
        self.password = parts.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host
        self.port = parts.port ?? 5432
        self.database = database
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
