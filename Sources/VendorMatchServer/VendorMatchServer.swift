import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import VendorMatchProto
import VendorMatchWire

/// The VendorMatch TCP server (CONTRACT §4) as a `Service`: run it in a `ServiceGroup` to get graceful
/// shutdown on SIGTERM/SIGINT.
///
/// Requests are served two ways. Reads of the in-memory index (Health, Shortlist, FindCaseStudies) are
/// answered as soon as they are read, on the connection's event loop (`InlineRequestHandler`); writes
/// and SQLite reads run as tasks of the connection, at most `maximumInFlightPerConnection` at once, and
/// answer out of order as they finish.
///
/// Lifecycle: `idle` → `running` (bound, accepting) → `draining` (listener closed; connections stop
/// reading, requests already read are answered) → `finished`. `run()` returns once every connection is
/// closed.
public final class VendorMatchServer: Service, Sendable {
    private enum State {
        case idle
        case running(listener: any Channel, address: SocketAddress)
        case draining
        case finished
        case failed(String)
    }

    private let configuration: ServerConfiguration
    private let router: RequestRouter
    private let stats: ServerStats
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let state = NIOLockedValueBox(State.idle)
    private let addressWaiters = NIOLockedValueBox<[CheckedContinuation<SocketAddress, any Error>]>([])
    private let connections = NIOLockedValueBox<[UInt64: any Channel]>([:])
    private let nextConnectionID = NIOLockedValueBox<UInt64>(0)
    private let draining = NIOLockedValueBox(false)

    public init(
        configuration: ServerConfiguration,
        backend: any VendorMatchBackend,
        logger: Logger = Logger(label: "vendormatch.server"),
        group: MultiThreadedEventLoopGroup = .singleton,
        telemetry: ServerTelemetry = ServerTelemetry()
    ) {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        let stats = ServerStats(telemetry: telemetry)
        self.stats = stats
        let draining = self.draining
        self.router = RequestRouter(
            backend: backend,
            authorizer: configuration.authToken.map(BearerAuthorizer.init(token:)),
            stats: stats,
            version: configuration.version,
            isDraining: { draining.withLockedValue { $0 } }
        )
    }

    /// The bound address, once the server listens (useful with port 0). Throws if binding failed.
    public var listeningAddress: SocketAddress {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<SocketAddress, any Error>? = state.withLockedValue { s in
                    switch s {
                    case let .running(_, address): return .success(address)
                    case .draining, .finished: return .failure(VendorMatchServerError("server is not running"))
                    case let .failed(reason): return .failure(VendorMatchServerError(reason))
                    case .idle:
                        addressWaiters.withLockedValue { $0.append(continuation) }
                        return nil
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    private func resumeAddressWaiters(with result: Result<SocketAddress, any Error>) {
        let waiters = addressWaiters.withLockedValue { w in defer { w.removeAll() }; return w }
        for w in waiters { w.resume(with: result) }
    }

    /// Binds, accepts connections until graceful shutdown (or cancellation), then waits for every
    /// connection to finish its in-flight requests.
    public func run() async throws {
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await bind()
        } catch {
            state.withLockedValue { $0 = .failed("cannot listen on \(configuration.host):\(configuration.port): \(error)") }
            resumeAddressWaiters(with: .failure(error))
            throw VendorMatchServerError("cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        let address = listener.channel.localAddress!
        state.withLockedValue { $0 = .running(listener: listener.channel, address: address) }
        resumeAddressWaiters(with: .success(address))
        logger.info("listening on \(configuration.host):\(address.port ?? configuration.port)", metadata: [
            "vm.address": "\(address)", "vm.auth": "\(configuration.authToken == nil ? "off" : "bearer")",
        ])

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask {
                            await self.serve(connection)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.beginDraining()
        }
        state.withLockedValue { $0 = .finished }
        logger.info("stopped", metadata: ["vm.requests": "\(stats.snapshot().methods.reduce(0) { $0 + $1.requests })"])
    }

    /// Stops accepting, tells every connection to stop reading; requests already read are answered.
    public func beginDraining() {
        let listener: (any Channel)? = state.withLockedValue { s in
            if case let .running(listener, _) = s {
                s = .draining
                return listener
            }
            return nil
        }
        draining.withLockedValue { $0 = true }
        guard let listener else { return }
        logger.info("draining: no new connections; finishing requests in flight")
        listener.close(promise: nil)
        for channel in connections.withLockedValue({ Array($0.values) }) {
            Self.stopReading(channel)
        }
    }

    private static func stopReading(_ channel: any Channel) {
        channel.close(mode: .input).whenFailure { _ in
            // A transport without half-closure: close entirely (in-flight responses are then lost).
            channel.close(promise: nil)
        }
    }

    /// An accepted connection: its id, its logger, whether it was admitted under the connection limit.
    private struct Connection: Sendable {
        let id: UInt64
        let admitted: Bool
        let logger: Logger
        let channel: NIOAsyncChannel<Vendormatch_V1_Frame, Vendormatch_V1_Frame>
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let maxFrame = configuration.maximumFrameBytes
        let idle = configuration.idleTimeout
        let (router, stats, limit) = (self.router, self.stats, configuration.maximumConnections)
        let (nextConnectionID, baseLogger) = (self.nextConnectionID, self.logger)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = nextConnectionID.withLockedValue { $0 += 1; return $0 }
                    var logger = baseLogger
                    logger[metadataKey: "vm.connection.id"] = "\(id)"
                    if let peer = channel.remoteAddress { logger[metadataKey: "vm.peer"] = "\(peer)" }
                    // Admitted here, before any request is read, so a refused connection answers nothing.
                    let admitted = stats.openConnection(limit: limit)
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idle))
                    try pipeline.addHandler(IdleCloseHandler())
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maxFrame)))
                    try pipeline.addHandler(MessageToByteHandler(FrameEncoder()))
                    if admitted { try pipeline.addHandler(InlineRequestHandler(router: router, logger: logger)) }
                    let frames = try NIOAsyncChannel<Vendormatch_V1_Frame, Vendormatch_V1_Frame>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(
                            backPressureStrategy: .init(lowWatermark: 8, highWatermark: 64),
                            isOutboundHalfClosureEnabled: false
                        )
                    )
                    return Connection(id: id, admitted: admitted, logger: logger, channel: frames)
                }
            }
    }

    /// Serves one connection's task-path requests (writes and SQLite reads; `InlineRequestHandler`
    /// answers the rest as they are read); never throws, so one bad peer cannot take the listener down.
    private func serve(_ accepted: Connection) async {
        let (id, logger, connection) = (accepted.id, accepted.logger, accepted.channel)
        guard accepted.admitted else {
            logger.warning("refused: \(configuration.maximumConnections) connections open already")
            try? await connection.executeThenClose { _, outbound in
                try await outbound.write(.failure(id: 0, method: "", code: .resourceExhausted, message: "too many connections (limit \(configuration.maximumConnections))"))
            }
            return
        }
        connections.withLockedValue { $0[id] = connection.channel }
        if draining.withLockedValue({ $0 }) { Self.stopReading(connection.channel) }
        defer {
            connections.withLockedValue { _ = $0.removeValue(forKey: id) }
            stats.closeConnection()
        }
        logger.debug("connection opened")

        let router = self.router
        let maxInFlight = max(1, configuration.maximumInFlightPerConnection)
        do {
            try await connection.executeThenClose { inbound, outbound in
                var streamError: (any Error)?
                await withTaskGroup(of: Void.self) { group in
                    var inFlight = 0
                    do {
                        for try await frame in inbound {
                            if inFlight >= maxInFlight {
                                await group.next()
                                inFlight -= 1
                            }
                            inFlight += 1
                            let received = ContinuousClock.now
                            group.addTask {
                                let response = await router.respond(to: frame, receivedAt: received, logger: logger)
                                do {
                                    try await outbound.write(response)
                                } catch {
                                    logger.debug("response not written: connection gone", metadata: ["vm.request.id": "\(frame.id)"])
                                }
                            }
                        }
                    } catch {
                        streamError = error
                    }
                    await group.waitForAll()
                }
                if let error = streamError as? FrameError {
                    logger.info("closing connection: \(error.message)", metadata: ["vm.status": "\(error.code.status)"])
                    try? await outbound.write(.failure(id: 0, method: "", code: error.code.status, message: error.message))
                } else if let error = streamError {
                    logger.debug("connection error: \(error)")
                }
            }
        } catch {
            logger.debug("connection ended with error: \(error)")
        }
        logger.debug("connection closed")
    }
}

/// An error of the server itself (binding, lifecycle).
public struct VendorMatchServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Closes a connection that has seen neither reads nor writes for the idle timeout.
private final class IdleCloseHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
