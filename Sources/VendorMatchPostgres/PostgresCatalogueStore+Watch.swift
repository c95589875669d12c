import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import VendorMatchStore

/// LISTEN/NOTIFY: wakes a follower as soon as any writer commits.
extension PostgresCatalogueStore {
    /// Listens on `notificationChannel` on a connection of its own and calls `onChange` with each committed
    /// version. When the connection drops (PostgreSQL restarting, say) it reconnects every second and, once
    /// listening again, calls `onChange(nil)`: notifications sent meanwhile are lost, so the follower reads
    /// the log from its last applied version.
    public func watchChanges(_ onChange: @escaping @Sendable (UInt64?) -> Void) -> (@Sendable () -> Void)? {
        let url = self.url
        let logger = Logger(label: "vendormatch.postgres.listen")
        let task = Task.detached {
            var first = true
            while !Task.isCancelled {
                do {
                    var configuration = PostgresConnection.Configuration(
                        host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
                    configuration.options.connectTimeout = .seconds(5)
                    let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
                    defer { BlockingPostgres.close(connection) }
                    try await connection.listen(on: Self.notificationChannel) { notifications in
                        if !first { onChange(nil) }
                        first = false
                        for try await n in notifications { onChange(UInt64(n.payload)) }
                    }
                } catch {
                    if Task.isCancelled { break }
                    first = false
                    logger.debug("listen connection lost; reconnecting", metadata: ["vm.error": "\(PostgresErrors.describe(error))"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return { task.cancel() }
    }
}
