import Foundation
import NIOCore
import NIOPosix
import SwiftProtobuf
import VendorMatchProto
import VendorMatchWire

/// An async/await client of the VendorMatch wire protocol.
///
/// One TCP connection carries any number of concurrent calls: each gets its own frame id and the
/// responses are matched by id, in whatever order the server sends them. Safe to share between tasks.
/// With `Configuration.tls` the connection is TLS (1.2+), verified against the host connected to.
///
/// ```swift
/// let client = try await VendorMatchClient.connect(host: "127.0.0.1", port: 7420)
/// defer { Task { await client.close() } }
/// let list = try await client.shortlist(request)
/// ```
public final class VendorMatchClient: VendorMatchCalling {
    /// Options of a client.
    public struct Configuration: Sendable {
        /// Sent as `authorization: Bearer <token>` on every call.
        public var authToken: String?
        /// Sent as `deadline-ms` on every call unless the call gives its own.
        public var defaultDeadline: Duration?
        /// Largest response frame accepted. Default 64 MiB.
        public var maximumFrameBytes: Int
        /// Connect over TLS (1.2+) with these trust settings; `connect` returns once the handshake is done.
        /// Default nil: plaintext TCP.
        public var tls: ClientTLS?

        public init(authToken: String? = nil, defaultDeadline: Duration? = nil, maximumFrameBytes: Int = 64 * 1024 * 1024,
                    tls: ClientTLS? = nil) {
            self.authToken = authToken
            self.defaultDeadline = defaultDeadline
            self.maximumFrameBytes = maximumFrameBytes
            self.tls = tls
        }
    }

    private let channel: any Channel
    private let configuration: Configuration

    private init(channel: any Channel, configuration: Configuration) {
        self.channel = channel
        self.configuration = configuration
    }

    /// Whether the connection is still open (a server closes idle connections, `serve --idle-timeout`).
    public var isOpen: Bool { channel.isActive }

    /// Connects to a server.
    public static func connect(
        host: String, port: Int, configuration: Configuration = Configuration(),
        group: MultiThreadedEventLoopGroup = .singleton
    ) async throws(RPCError) -> VendorMatchClient {
        let (maxFrame, tls) = (configuration.maximumFrameBytes, configuration.tls)
        let channel: any Channel
        let loop = group.next()
        let handshake = loop.makePromise(of: Void.self)
        do {
            channel = try await ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(try tls.makeHandler(host: host))
                            try channel.pipeline.syncOperations.addHandler(HandshakeObserver(promise: handshake))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maxFrame)))
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                        try channel.pipeline.syncOperations.addHandler(ClientCallHandler())
                    }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            handshake.fail(error)
            throw RPCError(code: .unavailable, message: "cannot connect to \(host):\(port): \(error)")
        }
        guard tls != nil else {
            handshake.succeed()
            return VendorMatchClient(channel: channel, configuration: configuration)
        }
        do {
            try await handshake.futureResult.get()
        } catch {
            try? await channel.close()
            throw RPCError(code: .unavailable, message: "TLS handshake with \(host):\(port) failed: \(error)")
        }
        return VendorMatchClient(channel: channel, configuration: configuration)
    }

    /// Closes the connection; pending calls fail with UNAVAILABLE.
    public func close() async {
        try? await channel.close()
    }

    /// Sends a frame as is (its id is assigned if 0) and returns the response frame, whatever its status.
    /// For tools and tests that need to send unusual methods or payloads.
    public func send(_ frame: Vendormatch_V1_Frame) async throws(RPCError) -> Vendormatch_V1_Frame {
        let promise = channel.eventLoop.makePromise(of: Vendormatch_V1_Frame.self)
        let written = channel.eventLoop.makePromise(of: Void.self)
        // On a connection already closed the call never reaches `ClientCallHandler`: fail it here
        // (completing a promise twice is a no-op, so a failure seen by both is harmless).
        written.futureResult.whenFailure { error in
            promise.fail(RPCError(code: .unavailable, message: "request not sent: \(error)"))
        }
        channel.writeAndFlush(OutgoingCall(frame: frame, promise: promise), promise: written)
        do {
            return try await promise.futureResult.get()
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unavailable, message: "\(error)")
        }
    }

    /// Calls `method` with `request` and decodes the response as `Response`.
    public func call<Response: SwiftProtobuf.Message>(
        _ method: VendorMatchMethod, _ request: some SwiftProtobuf.Message, as: Response.Type = Response.self,
        deadline: Duration? = nil, metadata extra: [String: String] = [:]
    ) async throws(RPCError) -> Response {
        var metadata = extra
        if let token = configuration.authToken { metadata[MetadataKey.authorization] = "Bearer \(token)" }
        let frame = try Vendormatch_V1_Frame.call(method, request, metadata: metadata, deadline: deadline ?? configuration.defaultDeadline)
        return try await send(frame).decoded()
    }

    /// `VendorMatchCalling`'s call: the one above with no extra metadata.
    public func call<Response: SwiftProtobuf.Message>(
        _ method: VendorMatchMethod, _ request: some SwiftProtobuf.Message, as type: Response.Type, deadline: Duration?
    ) async throws(RPCError) -> Response {
        try await call(method, request, as: type, deadline: deadline, metadata: [:])
    }

    // MARK: Methods (the rest: `VendorMatchCalling`)

    /// Liveness.
    public func health() async throws(RPCError) -> Vendormatch_V1_HealthResponse {
        try await call(.health, Vendormatch_V1_HealthRequest())
    }
}
