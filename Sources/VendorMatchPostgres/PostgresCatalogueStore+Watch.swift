import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import VendorMatchStore

/// LISTEN/NOTIFY: wakes a follower as soon as any writer commits.
extension PostgresCatalogueStore {
    /// Listens on `notificationChannel` on a connection of its own and calls `onChange` with each committed
    /// version. Each time it starts listening (at first, and after the connection dropped — PostgreSQL
    /// restarting, say — and it reconnected, trying every second) it calls `onChange(nil)`: notifications
    /// sent meanwhile are lost, so the follower reads the log from its last applied version.
    public func watchChanges(_ onChange: @escaping @Sendable (UInt64?) -> Void) -> (@Sendable () -> Void)? {
        watch(channel: Self.notificationChannel) { payload in onChange(payload.flatMap { UInt64($0) }) }
    }

    /// Listens on `channel` on a connection of its own and calls `onNotification` with each payload, and
    /// with nil each time listening (re)starts: notifications sent while not listening are lost, so the
    /// listener reads what it follows again. Returns the function that stops it.
    func watch(channel: String, _ onNotification: @escaping @Sendable (String?) -> Void) -> @Sendable () -> Void {
        let url = self.url
        let logger = Logger(label: "vendormatch.postgres.listen")
        let task = Task.detached {
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnector.connect(
                        url, on: MultiThreadedEventLoopGroup.singleton.next(), timeout: .seconds(5), id: 2, logger: logger).get()
                    defer { BlockingPostgres.close(connection) }
                    try await connection.listen(on: channel) { notifications in
                        onNotification(nil)
                        for try await n in notifications { onNotification(n.payload) }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.debug("listen connection lost; reconnecting", metadata: ["vm.error": "\(PostgresErrors.describe(error))", "vm.channel": "\(channel)"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return { task.cancel() }
    }
}
