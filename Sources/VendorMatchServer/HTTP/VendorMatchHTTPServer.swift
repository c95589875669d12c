import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import VendorMatchProto

/// The HTTP/1.1 listener of CONTRACT §9 as a `Service` beside the wire-protocol server, on the same event
/// loops: Connect unary calls for every method (`ConnectUnary`) and the read-only web console
/// (`Console`). Both reach the engine only through `VendorMatchServer.respond(to:receivedAt:logger:)`,
/// the router of the binary protocol, so keys, scopes, tenant rules, deadlines and validation are the same.
///
/// Limits: NIO's HTTP/1.1 parser (a malformed request gets 400 and the connection is closed), a request
/// head within `headTimeout` of opening or of the previous response, its body within `bodyTimeout` of the
/// head (408 otherwise), at most `maximumBodyBytes` of body (413 and close), at most
/// `maximumConnections` open (one more is closed unanswered).
public final class VendorMatchHTTPServer: Service, Sendable {
    public struct Configuration: Sendable {
        /// Address to bind. Default `127.0.0.1`.
        public var host: String
        /// Port to bind; 0 picks a free one (`listeningAddress`). Default 7480.
        public var port: Int
        /// Largest request body; more is refused with 413 and the connection closed. Default 4 MiB.
        public var maximumBodyBytes: Int
        /// Time a connection has to send a request head, from opening or from its previous response. Default 10 s.
        public var headTimeout: TimeAmount
        /// Time a request's body has to arrive whole after its head. Default 30 s.
        public var bodyTimeout: TimeAmount
        /// Connections open at once. Default 1024.
        public var maximumConnections: Int
        /// The one origin allowed to call the Connect API from a browser (CORS); nil: no CORS headers. Default nil.
        public var corsOrigin: String?
        /// Serve HTTPS with this certificate (the wire listener's, `serve --tls-cert`); the console's
        /// sign-in cookie is then `Secure`, and the TLS handshake must finish within `headTimeout`.
        /// Default nil: plain HTTP.
        public var tls: ServerTLS?

        public init(host: String = "127.0.0.1", port: Int = 7480, maximumBodyBytes: Int = 4 << 20,
                    headTimeout: TimeAmount = .seconds(10), bodyTimeout: TimeAmount = .seconds(30),
                    maximumConnections: Int = 1024, corsOrigin: String? = nil, tls: ServerTLS? = nil) {
            self.host = host
            self.port = port
            self.maximumBodyBytes = maximumBodyBytes
            self.headTimeout = headTimeout
            self.bodyTimeout = bodyTimeout
            self.maximumConnections = maximumConnections
            self.corsOrigin = corsOrigin
            self.tls = tls
        }
    }

    private let configuration: Configuration
    private let application: HTTPApplication
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let address = BoundAddress()
    private let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// `server` answers every call (its router); `insights` adds what the overview page shows beyond Stats.
    public init(configuration: Configuration, server: VendorMatchServer, insights: ConsoleInsights = ConsoleInsights(),
                logger: Logger = Logger(label: "vendormatch.http"), group: MultiThreadedEventLoopGroup = .singleton) {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        let call: @Sendable (Vendormatch_V1_Frame, ContinuousClock.Instant) async -> Vendormatch_V1_Frame = { frame, receivedAt in
            await server.respond(to: frame, receivedAt: receivedAt, logger: logger)
        }
        self.application = HTTPApplication(
            connect: ConnectUnary(call: call),
            console: Console(call: call, taxonomy: server.taxonomy, insights: insights),
            corsOrigin: configuration.corsOrigin
        )
    }

    /// The bound address once listening (useful with port 0); throws if binding failed.
    public var listeningAddress: SocketAddress {
        get async throws { try await address.value }
    }

    private func settle(_ result: Result<SocketAddress, any Error>) { address.settle(result) }

    /// Listens until graceful shutdown or cancellation; then finishes the requests in hand and closes.
    public func run() async throws {
        let (configuration, application, connections) = (self.configuration, self.application, self.connections)
        let handle: @Sendable (HTTPRequest) async -> HTTPResponse = { await application.handle($0) }
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    let admitted = connections.withLockedValue { open in
                        guard open.count < configuration.maximumConnections else { return false }
                        open[ObjectIdentifier(channel)] = channel
                        return true
                    }
                    guard admitted else { return channel.close() }
                    channel.closeFuture.whenComplete { _ in
                        connections.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
                    }
                    return channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls = configuration.tls {
                            try pipeline.addHandler(tls.makeHandler())
                            try pipeline.addHandler(HandshakeTimeoutHandler(timeout: configuration.headTimeout))
                        }
                        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                        try pipeline.addHandler(HTTPConnectionHandler(
                            configuration: configuration, isSecure: configuration.tls != nil, application: handle))
                    }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            let failure = VendorMatchServerError("cannot serve HTTP on \(configuration.host):\(configuration.port): \(error)")
            settle(.failure(failure))
            throw failure
        }
        let address = channel.localAddress!
        settle(.success(address))
        let shown = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let scheme = configuration.tls == nil ? "http" : "https"
        logger.info("console on \(scheme)://\(shown):\(address.port ?? configuration.port)/ (Connect API at POST /vendormatch.v1.VendorMatch/<Method>)")
        try? await gracefulShutdown()
        try? await channel.close()
        for connection in connections.withLockedValue({ Array($0.values) }) {
            connection.pipeline.fireUserInboundEventTriggered(HTTPConnectionHandler.Drain())
        }
        // Requests in hand get up to a few seconds to finish.
        for _ in 0..<50 where !connections.withLockedValue({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        for connection in connections.withLockedValue({ Array($0.values) }) { try? await connection.close() }
    }
}

/// Routes a request to the Connect API, the console or a static asset, and adds the headers every
/// response carries.
struct HTTPApplication: Sendable {
    let connect: ConnectUnary
    let console: Console
    let corsOrigin: String?

    static let servicePrefix = "/vendormatch.v1.VendorMatch/"

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let isRPC = request.path.hasPrefix(Self.servicePrefix)
        var response: HTTPResponse
        if isRPC, request.method == .OPTIONS {
            response = preflight(request)
        } else if isRPC {
            response = await connect.handle(request)
        } else {
            response = await console.handle(request)
        }
        if isRPC, let corsOrigin, request.header("Origin") == corsOrigin {
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: corsOrigin)
            response.headers.add(name: "Vary", value: "Origin")
            response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: "Content-Type, Catalogue-Version")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if response.headers["Cache-Control"].isEmpty { response.headers.add(name: "Cache-Control", value: "no-store") }
        return response
    }

    /// A CORS preflight: answered with the allowed methods and headers only for `--http-cors`'s origin.
    private func preflight(_ request: HTTPRequest) -> HTTPResponse {
        guard let corsOrigin, request.header("Origin") == corsOrigin else {
            return .text(.methodNotAllowed, "cross-origin calls are not enabled (serve --http-cors ORIGIN)\n", headers: [("Allow", "POST")])
        }
        var response = HTTPResponse(status: .noContent, contentType: "text/plain", body: [], headers: [
            ("Access-Control-Allow-Methods", "POST"),
            ("Access-Control-Allow-Headers", "Content-Type, Authorization, Connect-Protocol-Version, Connect-Timeout-Ms"),
            ("Access-Control-Max-Age", "7200"),
        ])
        response.headers.remove(name: "Content-Type")
        return response
    }
}
