import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import VendorMatchCore

/// Server-level chores the store itself never does: creating a database for a test or a new deployment.
public enum PostgresAdmin {
    /// Creates database `name` on the server of `server` (connecting to `server.database`), returning
    /// the URL of the new database. `name` must be a plain identifier (letters, digits, `_`).
    public static func createDatabase(_ name: String, on server: PostgresStoreURL) throws(VMError) -> PostgresStoreURL {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw VMError(.invalidInput, "database name \"\(name)\" must be letters, digits and _", field: "database")
        }
        let connection = BlockingPostgres(url: server, group: MultiThreadedEventLoopGroup.singleton, connectTimeout: .seconds(5),
                                          logger: Logger(label: "vendormatch.postgres.admin"))
        try connection.connectNow()
        try connection.withSession("creating database \(name) on \(server)") { s in
            try s.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var url = server
        url.database = name
        return url
    }
}
