import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import VendorMatchCore
import VendorMatchProto
import VendorMatchStore
import VendorMatchWire

/// The VendorMatch TCP server (CONTRACT §4) as a `Service`: run it in a `ServiceGroup` to get graceful
/// shutdown on SIGTERM/SIGINT.
///
/// Requests: each connection's event loop decodes frames, routes them (`RequestRouter`) and writes the
/// responses (`RequestHandler`); Health is answered right there, every other method runs on a bounded
/// worker pool sized to the cores (`RequestWorkers`), with a global in-flight limit
/// (`maximumInFlight`, then RESOURCE_EXHAUSTED) and a per-connection one (`maximumInFlightPerConnection`,
/// then reading pauses). Responses come back out of order as they finish.
///
/// Authentication: with `--auth-token` or any API key in the database (`keys`), every method but Health
/// needs `authorization: Bearer …`; a key's scopes and tenant decide what it may do (`Caller`).
///
/// TLS: with `ServerConfiguration.tls`, TLS (1.2 or later) goes first in every connection's pipeline;
/// everything behind it is the same.
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
    let router: RequestRouter
    private let stats: ServerStats
    private let addresses: AddressLimiter
    private let keys: (any KeyChecking)?
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let state = NIOLockedValueBox(State.idle)
    private let addressWaiters = NIOLockedValueBox<[CheckedContinuation<SocketAddress, any Error>]>([])
    private let connections = NIOLockedValueBox<[UInt64: any Channel]>([:])
    private let nextConnectionID = NIOLockedValueBox<UInt64>(0)
    private let draining = NIOLockedValueBox(false)

    /// `keys` checks API keys against the store (`CatalogueStoring.keyChecker()`); without it only
    /// `configuration.authToken` (if any) is required.
    public init(
        configuration: ServerConfiguration,
        backend: any VendorMatchBackend,
        keys: (any KeyChecking)? = nil,
        logger: Logger = Logger(label: "vendormatch.server"),
        group: MultiThreadedEventLoopGroup = .singleton,
        telemetry: ServerTelemetry = ServerTelemetry()
    ) {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        let stats = ServerStats(telemetry: telemetry)
        self.stats = stats
        self.addresses = AddressLimiter(limit: configuration.maximumConnectionsPerAddress)
        self.keys = keys
        let draining = self.draining
        self.router = RequestRouter(
            backend: backend,
            authenticator: Authenticator(token: configuration.authToken, keys: keys),
            stats: stats,
            version: configuration.version,
            maximumCatalogueLag: configuration.maximumCatalogueLag,
            catalogueWait: configuration.catalogueWait,
            isDraining: { draining.withLockedValue { $0 } },
            workers: RequestWorkers(threads: configuration.workerThreads, maximumInFlight: configuration.maximumInFlight)
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
            try configuration.checkSafeToServe(keysExist: try keys?.current().areRequired ?? false)
        } catch {
            state.withLockedValue { $0 = .failed(error.message) }
            resumeAddressWaiters(with: .failure(error))
            throw error
        }
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
        logger.info("listening on \(configuration.host):\(address.port ?? configuration.port) (\(configuration.scheme))", metadata: [
            "vm.address": "\(address)", "vm.auth": "\(authDescription)", "vm.scheme": "\(configuration.scheme)",
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

    private var authDescription: String {
        let keyed = (try? keys?.current().areRequired) == true
        switch (configuration.authToken != nil, keyed) {
        case (true, true): return "token and keys"
        case (true, false): return "token"
        case (false, true): return "keys"
        case (false, false): return keys == nil ? "off" : "off until a key is created"
        }
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
            // TLS cannot close only its input: stop reading, and tell the handlers behind TLS that the
            // input is over, so requests already read are answered before the connection closes.
            if Self.endInputBehindTLS(channel) { return }
            // A transport without half-closure: close entirely (in-flight responses are then lost).
            channel.close(promise: nil)
        }
    }

    /// On the channel's event loop: whether the connection has a TLS handler, whose successors were
    /// told `ChannelEvent.inputClosed` after reading was switched off.
    private static func endInputBehindTLS(_ channel: any Channel) -> Bool {
        guard let tls = try? channel.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self) else { return false }
        _ = channel.setOption(.autoRead, value: false)
        tls.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        return true
    }

    /// An accepted connection: its id, its logger, why it was refused (nil: admitted under the
    /// connection limits), the address it is counted under.
    private struct Connection: Sendable {
        let id: UInt64
        let refusal: String?
        let peer: String
        let logger: Logger
        let channel: any Channel
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let maxFrame = configuration.maximumFrameBytes
        let (idle, frameTimeout) = (configuration.idleTimeout, configuration.frameTimeout)
        let (router, stats, limit) = (self.router, self.stats, configuration.maximumConnections)
        let (addresses, perAddress) = (self.addresses, configuration.maximumConnectionsPerAddress)
        let (nextConnectionID, baseLogger) = (self.nextConnectionID, self.logger)
        let (perConnection, queued) = (configuration.maximumInFlightPerConnection, configuration.maximumQueuedPerConnection)
        let tls = configuration.tls
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
                    let peer = AddressLimiter.key(of: channel.remoteAddress)
                    var refusal: String?
                    if !addresses.admit(peer) {
                        refusal = "too many connections from \(peer) (limit \(perAddress) per address)"
                        stats.refuseConnection(reason: "per_address")
                    } else if !stats.openConnection(limit: limit) {
                        addresses.release(peer)
                        refusal = "too many connections (limit \(limit))"
                    }
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(tls.makeHandler())
                        try pipeline.addHandler(HandshakeTimeoutHandler(timeout: frameTimeout))
                    }
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idle))
                    try pipeline.addHandler(IdleCloseHandler())
                    try pipeline.addHandler(FrameTimeoutHandler(timeout: frameTimeout))
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maxFrame)))
                    try pipeline.addHandler(MessageToByteHandler(FrameEncoder()))
                    if let refusal {
                        try pipeline.addHandler(RefusalHandler(message: refusal))
                    } else {
                        try pipeline.addHandler(RequestHandler(router: router, logger: logger, maximumInFlight: perConnection, maximumQueued: queued))
                    }
                    return Connection(id: id, refusal: refusal, peer: peer, logger: logger, channel: channel)
                }
            }
    }

    /// Keeps one connection registered (for draining) until it closes; `RequestHandler` serves it, on its
    /// event loop. Never throws, so one bad peer cannot take the listener down.
    private func serve(_ accepted: Connection) async {
        let (id, logger, channel) = (accepted.id, accepted.logger, accepted.channel)
        if let refusal = accepted.refusal {
            logger.warning("refused: \(refusal)")   // RefusalHandler answers and closes
            try? await channel.closeFuture.get()
            return
        }
        connections.withLockedValue { $0[id] = channel }
        if draining.withLockedValue({ $0 }) { Self.stopReading(channel) }
        defer {
            connections.withLockedValue { _ = $0.removeValue(forKey: id) }
            stats.closeConnection()
            addresses.release(accepted.peer)
        }
        logger.debug("connection opened")
        try? await channel.closeFuture.get()
        logger.debug("connection closed")
    }
}

/// An error of the server itself (binding, lifecycle).
public struct VendorMatchServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Answers a refused connection RESOURCE_EXHAUSTED (id 0) as soon as it is active, then closes it; reads nothing.
private final class RefusalHandler: ChannelInboundHandler {
    typealias InboundIn = Vendormatch_V1_Frame
    typealias OutboundOut = Vendormatch_V1_Frame

    private let message: String
    private var answered = false
    init(message: String) { self.message = message }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { answer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        answer(context: context)
        context.fireChannelActive()
    }

    private func answer(context: ChannelHandlerContext) {
        guard !answered else { return }
        answered = true
        context.writeAndFlush(wrapOutboundOut(.failure(id: 0, method: "", code: .resourceExhausted, message: message)))
            .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
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
