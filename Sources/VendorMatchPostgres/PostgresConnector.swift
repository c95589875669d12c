import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Opens the store's connections on TCP sockets that notice a server gone silent.
///
/// A PostgreSQL host that dies or drops off the network without closing its sockets (power loss, a
/// fail-over moving its address) leaves an idle connection — the listener waiting for notifications —
/// open for good, and a sent statement waiting the kernel's retransmissions out (about 15 minutes).
/// Keepalive probes after `keepaliveIdle` seconds of silence (every `keepaliveInterval`, `keepaliveProbes`
/// unanswered ones close it) and `TCP_USER_TIMEOUT` (data unacknowledged for `unacknowledgedLimit`
/// closes it) bound both to well under a minute; the blocking calls then fail (`BlockingPostgres.Session`)
/// and the next call reconnects. A slow statement is not affected: the server's kernel acknowledges the
/// bytes and the probes whatever the server process is doing.
enum PostgresConnector {
    /// The server could not be reached (refused, unreachable, or no answer within the timeout).
    struct CannotConnect: Error, CustomStringConvertible {
        let underlying: any Error
        var description: String { "cannot connect: \(underlying)" }
    }

    static let keepaliveIdle = 10
    static let keepaliveInterval = 5
    static let keepaliveProbes = 3
    /// Milliseconds.
    static let unacknowledgedLimit = 30_000

    /// Connects to `url` on `eventLoop`: the socket (with the options above) within `timeout`, then
    /// postgres-nio's start-up and authentication, also within `timeout`.
    static func connect(_ url: PostgresStoreURL, on eventLoop: any EventLoop, timeout: TimeAmount, id: Int,
                        logger: Logger) -> EventLoopFuture<PostgresConnection> {
        socket(to: url, on: eventLoop, timeout: timeout).flatMapErrorThrowing { error in
            throw CannotConnect(underlying: error)
        }.flatMap { channel in
            var configuration = PostgresConnection.Configuration(
                establishedChannel: channel, username: url.user, password: url.password, database: url.database)
            configuration.options.connectTimeout = timeout
            return PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger)
                .flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
        }
    }

    /// The connected socket, before PostgreSQL's start-up message.
    static func socket(to url: PostgresStoreURL, on eventLoop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<any Channel> {
        let tcp = SocketOptionLevel(IPPROTO_TCP)
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.Types.SocketOption(level: tcp, name: TCP_KEEPIDLE), value: keepaliveIdle)
            .channelOption(ChannelOptions.Types.SocketOption(level: tcp, name: TCP_KEEPINTVL), value: keepaliveInterval)
            .channelOption(ChannelOptions.Types.SocketOption(level: tcp, name: TCP_KEEPCNT), value: keepaliveProbes)
            .channelOption(ChannelOptions.Types.SocketOption(level: tcp, name: TCP_USER_TIMEOUT), value: unacknowledgedLimit)
            .connect(host: url.host, port: url.port)
    }
}
