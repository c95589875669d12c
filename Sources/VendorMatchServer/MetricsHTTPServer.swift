import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// `GET /metrics` over HTTP/1.1 in the Prometheus text format (CONTRACT §7), as a `Service` beside the
/// wire-protocol server, on the same event loops. Anything else is 404 (405 for `/metrics` with another
/// method than GET or HEAD).
///
/// Kept small and robust for a port a scraper polls: NIO's HTTP/1.1 parser (request head at most 80 KiB),
/// request bodies discarded and capped, a connection must send a request head within `requestTimeout` of
/// opening or of its previous response, an idle connection is closed after `idleTimeout`, and at most
/// `maximumConnections` are open at once (one more is closed unanswered).
public final class MetricsHTTPServer: Service, Sendable {
    public struct Configuration: Sendable {
        /// Address to bind. Default `127.0.0.1`.
        public var host: String
        /// Port to bind; 0 picks a free one (`listeningAddress`). Default 9420.
        public var port: Int
        /// Connections open at once. Default 64.
        public var maximumConnections: Int
        /// Time a connection has to send a request head. Default 10 s.
        public var requestTimeout: TimeAmount
        /// A keep-alive connection with no traffic for this long is closed. Default 60 s.
        public var idleTimeout: TimeAmount
        /// Largest request body read (and discarded); more closes the connection with 413. Default 64 KiB.
        public var maximumBodyBytes: Int

        public init(host: String = "127.0.0.1", port: Int = 9420, maximumConnections: Int = 64,
                    requestTimeout: TimeAmount = .seconds(10), idleTimeout: TimeAmount = .seconds(60),
                    maximumBodyBytes: Int = 64 << 10) {
            self.host = host
            self.port = port
            self.maximumConnections = maximumConnections
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
            self.maximumBodyBytes = maximumBodyBytes
        }
    }

    private let configuration: Configuration
    private let metrics: ServerMetrics
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let address = BoundAddress()
    private let open = NIOLockedValueBox(0)

    public init(configuration: Configuration, metrics: ServerMetrics, logger: Logger = Logger(label: "vendormatch.metrics"),
                group: MultiThreadedEventLoopGroup = .singleton) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.group = group
    }

    /// The bound address once listening (useful with port 0); throws if binding failed.
    public var listeningAddress: SocketAddress {
        get async throws { try await address.value }
    }

    private func settle(_ result: Result<SocketAddress, any Error>) { address.settle(result) }

    /// Listens until graceful shutdown or cancellation.
    public func run() async throws {
        let (configuration, metrics, open) = (self.configuration, self.metrics, self.open)
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 64)
                .childChannelInitializer { channel in
                    let admitted = open.withLockedValue { n in
                        guard n < configuration.maximumConnections else { return false }
                        n += 1
                        return true
                    }
                    guard admitted else { return channel.close() }
                    channel.closeFuture.whenComplete { _ in open.withLockedValue { $0 -= 1 } }
                    return channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                        try pipeline.addHandler(IdleStateHandler(allTimeout: configuration.idleTimeout))
                        try pipeline.addHandler(MetricsHTTPHandler(metrics: metrics, configuration: configuration))
                    }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            let failure = VendorMatchServerError("cannot serve metrics on \(configuration.host):\(configuration.port): \(error)")
            settle(.failure(failure))
            throw failure
        }
        let address = channel.localAddress!
        settle(.success(address))
        logger.info("metrics on http://\(configuration.host):\(address.port ?? configuration.port)/metrics")
        try? await gracefulShutdown()
        try? await channel.close()
    }
}

/// One HTTP connection of the metrics port: answers each request once its end has arrived.
private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: ServerMetrics
    private let configuration: MetricsHTTPServer.Configuration
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    private var headTimer: Scheduled<Void>?

    init(metrics: ServerMetrics, configuration: MetricsHTTPServer.Configuration) {
        self.metrics = metrics
        self.configuration = configuration
    }

    func handlerAdded(context: ChannelHandlerContext) { armHeadTimer(context: context) }

    func handlerRemoved(context: ChannelHandlerContext) { headTimer?.cancel() }

    private func armHeadTimer(context: ChannelHandlerContext) {
        headTimer?.cancel()
        let channel = context.channel
        headTimer = context.eventLoop.scheduleTask(in: configuration.requestTimeout) {
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(request):
            headTimer?.cancel()
            headTimer = nil
            head = request
            bodyBytes = 0
        case let .body(buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > configuration.maximumBodyBytes, let request = head {
                head = nil
                respond(context: context, request: request, status: .payloadTooLarge, body: "request body too large\n", close: true)
            }
        case .end:
            guard let request = head else { return }
            head = nil
            route(context: context, request: request)
        }
    }

    private func route(context: ChannelHandlerContext, request: HTTPRequestHead) {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard path == "/metrics" else {
            respond(context: context, request: request, status: .notFound, body: "not found: the metrics are at GET /metrics\n")
            return
        }
        guard request.method == .GET || request.method == .HEAD else {
            respond(context: context, request: request, status: .methodNotAllowed, body: "use GET /metrics\n", extra: [("Allow", "GET, HEAD")])
            return
        }
        respond(context: context, request: request, status: .ok, bytes: metrics.exposition(),
                contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    private func respond(context: ChannelHandlerContext, request: HTTPRequestHead, status: HTTPResponseStatus, body: String,
                         extra: [(String, String)] = [], close: Bool = false) {
        respond(context: context, request: request, status: status, bytes: Array(body.utf8),
                contentType: "text/plain; charset=utf-8", extra: extra, close: close)
    }

    private func respond(context: ChannelHandlerContext, request: HTTPRequestHead, status: HTTPResponseStatus, bytes: [UInt8],
                         contentType: String, extra: [(String, String)] = [], close: Bool = false) {
        let keepAlive = request.isKeepAlive && !close
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(bytes.count)")] + extra)
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        var responseHead = HTTPResponseHead(version: request.version, status: status, headers: headers)
        responseHead.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepAlive {
            armHeadTimer(context: context)
        } else {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
