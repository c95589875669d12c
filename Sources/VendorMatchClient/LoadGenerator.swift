import Foundation
import NIOCore
import NIOPosix
import VendorMatchProto
import VendorMatchWire

/// Drives a server with a fixed number of connections, each keeping `depth` requests in flight
/// (pipelining), until a request count or a duration is reached — always bounded. Runs on the event
/// loops (no task hop per request), so the generator itself costs little next to the server.
public enum LoadGenerator {
    /// When to stop.
    public enum Limit: Sendable {
        /// This many requests in all (spread evenly over the connections).
        case requests(Int)
        /// Stop sending after this long; requests in flight are still awaited.
        case duration(Duration)
    }

    /// What to send and how hard.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// TCP connections. Default 1.
        public var connections: Int
        /// Requests in flight per connection (pipelining depth). Default 1.
        public var depth: Int
        public var limit: Limit
        public var method: VendorMatchMethod
        /// Serialized request messages, sent in turn.
        public var payloads: [Data]
        /// Sent as `authorization: Bearer <token>`.
        public var authToken: String?
        /// With a method, one more connection sends it one request at a time (depth 1) for as long as the
        /// load runs, and its latency is reported apart (`Report.probe`): what a light client sees while
        /// the others load the server. Default none.
        public var probe: VendorMatchMethod?
        /// Connect over TLS with these trust settings. Default nil: plaintext TCP.
        public var tls: ClientTLS?

        public init(
            host: String = "127.0.0.1", port: Int = 7420, connections: Int = 1, depth: Int = 1,
            limit: Limit = .requests(10_000), method: VendorMatchMethod = .health, payloads: [Data] = [Data()],
            authToken: String? = nil, probe: VendorMatchMethod? = nil, tls: ClientTLS? = nil
        ) {
            self.tls = tls
            self.host = host; self.port = port; self.connections = connections; self.depth = depth
            self.limit = limit; self.method = method; self.payloads = payloads.isEmpty ? [Data()] : payloads
            self.authToken = authToken; self.probe = probe
        }
    }

    /// What happened.
    public struct Report: Sendable {
        /// Responses received.
        public var responses: UInt64 = 0
        /// Responses by status code.
        public var statuses: [Int32: UInt64] = [:]
        /// Latency from writing a request to reading its response, in microseconds.
        public var latency = LatencyHistogram()
        /// From the first request to the last response.
        public var elapsed: Duration = .zero
        /// Connections that closed before finishing.
        public var connectionsLost = 0
        /// The probe connection's own report (`Configuration.probe`), not counted in the others.
        public var probe: Probe?

        /// What the probe connection saw.
        public struct Probe: Sendable {
            public var responses: UInt64 = 0
            public var errors: UInt64 = 0
            public var latency = LatencyHistogram()
        }

        /// Responses with a non-OK status.
        public var errors: UInt64 { statuses.filter { $0.key != 0 }.values.reduce(0, +) }

        public var requestsPerSecond: Double {
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return s > 0 ? Double(responses) / s : 0
        }

        mutating func merge(_ other: Report) {
            responses += other.responses
            for (k, v) in other.statuses { statuses[k, default: 0] += v }
            latency.merge(other.latency)
            connectionsLost += other.connectionsLost
        }
    }

    /// Connects every connection, then starts them together and waits until all are done.
    public static func run(_ configuration: Configuration, group: MultiThreadedEventLoopGroup = .singleton) async throws -> Report {
        precondition(configuration.connections >= 1 && configuration.depth >= 1)
        var channels: [(any Channel, EventLoopFuture<Report>)] = []
        defer { for (c, _) in channels { c.close(promise: nil) } }
        for i in 0..<configuration.connections {
            let quota: Int?
            if case let .requests(total) = configuration.limit {
                quota = total / configuration.connections + (i < total % configuration.connections ? 1 : 0)
            } else {
                quota = nil
            }
            channels.append(try await connect(configuration, quota: quota, offset: i, group: group))
        }
        var probe: (channel: any Channel, done: EventLoopFuture<Report>)?
        if let method = configuration.probe {
            var c = configuration
            c.method = method
            c.depth = 1
            c.payloads = [Data()]
            c.limit = .duration(.seconds(3600))   // until the load is done (closed below)
            probe = try await connect(c, quota: nil, offset: 0, group: group)
        }
        defer { probe?.channel.close(promise: nil) }
        let start = ContinuousClock.now
        let stopAt: NIODeadline? = {
            guard case let .duration(d) = configuration.limit else { return nil }
            return .now() + .nanoseconds(d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000)
        }()
        for (c, _) in channels { c.triggerUserOutboundEvent(LoadDriver.Start(stopAt: stopAt), promise: nil) }
        probe?.channel.triggerUserOutboundEvent(LoadDriver.Start(stopAt: nil), promise: nil)
        var report = Report()
        for (_, f) in channels { report.merge(try await f.get()) }
        report.elapsed = ContinuousClock.now - start
        if let probe {
            // Stop it sending, then take what it saw.
            try? await probe.channel.triggerUserOutboundEvent(LoadDriver.Stop()).get()
            let seen = try await probe.done.get()
            report.probe = Report.Probe(responses: seen.responses, errors: seen.errors, latency: seen.latency)
        }
        return report
    }

    private static func connect(
        _ configuration: Configuration, quota: Int?, offset: Int, group: MultiThreadedEventLoopGroup
    ) async throws -> (any Channel, EventLoopFuture<Report>) {
        let loop = group.next()
        let done = loop.makePromise(of: Report.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = configuration.tls {
                        try channel.pipeline.syncOperations.addHandler(try tls.makeHandler(host: configuration.host))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: 64 << 20)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        LoadDriver(configuration: configuration, quota: quota, offset: offset, done: done))
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .get()
        return (channel, done.futureResult)
    }
}

/// Keeps `depth` requests in flight on one connection until its quota or the deadline is reached.
private final class LoadDriver: ChannelDuplexHandler {
    typealias InboundIn = Vendormatch_V1_Frame
    typealias OutboundIn = Never
    typealias OutboundOut = Vendormatch_V1_Frame

    struct Start { var stopAt: NIODeadline? }
    /// Stop sending now; done once the requests in flight are answered.
    struct Stop {}

    private let configuration: LoadGenerator.Configuration
    private let quota: Int?
    private var payloadIndex: Int
    private let done: EventLoopPromise<LoadGenerator.Report>
    private var report = LoadGenerator.Report()
    private var sentAt: [UInt64: NIODeadline] = [:]
    private var nextID: UInt64 = 1
    private var sent = 0
    private var stopAt: NIODeadline?
    private var started = false
    private var finished = false
    private let metadata: [String: String]

    init(configuration: LoadGenerator.Configuration, quota: Int?, offset: Int, done: EventLoopPromise<LoadGenerator.Report>) {
        self.configuration = configuration
        self.quota = quota
        self.payloadIndex = offset % configuration.payloads.count
        self.done = done
        self.metadata = configuration.authToken.map { [MetadataKey.authorization: "Bearer \($0)"] } ?? [:]
    }

    private var stopped = false

    private var maySend: Bool {
        if stopped { return false }
        if let quota, sent >= quota { return false }
        if let stopAt, NIODeadline.now() >= stopAt { return false }
        return true
    }

    private func sendOne(context: ChannelHandlerContext) {
        var frame = Vendormatch_V1_Frame()
        frame.id = nextID
        nextID += 1
        frame.method = configuration.method.path
        frame.payload = configuration.payloads[payloadIndex]
        payloadIndex = (payloadIndex + 1) % configuration.payloads.count
        frame.metadata = metadata
        sentAt[frame.id] = .now()
        sent += 1
        context.write(wrapOutboundOut(frame), promise: nil)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Stop {
            stopped = true
            promise?.succeed()
            finishIfDone(context: context)
            return
        }
        guard let start = event as? Start else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed()
        started = true
        stopAt = start.stopAt
        for _ in 0..<configuration.depth where maySend { sendOne(context: context) }
        context.flush()
        finishIfDone(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let t0 = sentAt.removeValue(forKey: frame.id) else { return }
        let micros = (NIODeadline.now() - t0).nanoseconds / 1000
        report.latency.record(UInt64(max(0, micros)))
        report.responses += 1
        report.statuses[frame.hasStatus ? frame.status.code : 0, default: 0] += 1
        if maySend {
            sendOne(context: context)
            context.flush()
        }
        finishIfDone(context: context)
    }

    private func finishIfDone(context: ChannelHandlerContext) {
        guard started, !finished, sentAt.isEmpty, !maySend else { return }
        finished = true
        done.succeed(report)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            finished = true
            report.connectionsLost += 1
            done.succeed(report)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
