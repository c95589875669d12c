import NIOCore
import VendorMatchCore
import VendorMatchWire

/// Everything `VendorMatchServer` can be told; every limit has a documented default.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks a free one (see `VendorMatchServer.listeningAddress`). Default 7420.
    public var port: Int
    /// Largest frame payload accepted; a header announcing more closes the connection before the
    /// payload is read. Default 4 MiB.
    public var maximumFrameBytes: Int
    /// Connections served at once; one more is answered RESOURCE_EXHAUSTED and closed. Default 1024.
    public var maximumConnections: Int
    /// Connections served at once from one peer address (any port); one more is answered
    /// RESOURCE_EXHAUSTED and closed. Default 64.
    public var maximumConnectionsPerAddress: Int
    /// Requests of one connection on the worker pool at once; beyond it the server stops reading that
    /// connection (TCP backpressure) until one finishes. Reading also pauses while the client leaves its
    /// responses unread. Default 64.
    public var maximumInFlightPerConnection: Int
    /// Frames of one connection read past `maximumInFlightPerConnection` that wait for their turn (at most
    /// what one read delivered, since reading pauses); one more is answered RESOURCE_EXHAUSTED. Default 1024.
    public var maximumQueuedPerConnection: Int
    /// Requests on the worker pool at once over all connections (running, waiting for a worker thread or
    /// for the writer); one more is answered RESOURCE_EXHAUSTED at once, never queued. Default
    /// `max(256, 64 × workerThreads)`.
    public var maximumInFlight: Int
    /// Threads of the worker pool that runs everything but Health (ranking, encoding, SQLite reads, write
    /// validation). Default: the number of cores.
    public var workerThreads: Int
    /// A connection with neither reads nor writes for this long is closed. Default 5 minutes.
    public var idleTimeout: TimeAmount
    /// A frame must arrive whole within this time from its first byte, or the connection is closed
    /// (time the server spends not reading, under backpressure, does not count). Default 10 seconds.
    public var frameTimeout: TimeAmount
    /// With a token, every method but Health requires `authorization: Bearer <token>` or an API key; the
    /// token acts as one admin key with no tenant. Must not be empty. Default none.
    public var authToken: String?
    /// Serve on a non-loopback address with neither a token nor any API key (refused otherwise).
    /// Default false.
    public var allowUnauthenticated: Bool
    /// Reported by Health.
    public var version: String
    /// A ranker whose index is further behind the catalogue of record than this reports NOT_SERVING in
    /// Health, so a load balancer drops it. Default 30 s.
    public var maximumCatalogueLag: Duration
    /// How long a request with `min-catalogue-version` and no `deadline-ms` waits. Default 5 s.
    public var catalogueWait: Duration

    /// Serve over TLS (1.2 minimum) with this certificate and key; the TLS handler goes first in every
    /// connection's pipeline, and a handshake must finish within `frameTimeout`. Default nil: plaintext TCP.
    public var tls: ServerTLS?

    /// The scheme the listener speaks, for logs: `tls` or `tcp`.
    public var scheme: String { tls == nil ? "tcp" : "tls" }

    public init(
        host: String = "127.0.0.1",
        port: Int = 7420,
        maximumFrameBytes: Int = FrameDecoder.defaultMaximumFrameBytes,
        maximumConnections: Int = 1024,
        maximumConnectionsPerAddress: Int = 64,
        maximumInFlightPerConnection: Int = 64,
        idleTimeout: TimeAmount = .minutes(5),
        frameTimeout: TimeAmount = .seconds(10),
        authToken: String? = nil,
        allowUnauthenticated: Bool = false,
        version: String = "1.0.0",
        maximumQueuedPerConnection: Int = 1024,
        maximumInFlight: Int? = nil,
        workerThreads: Int = System.coreCount,
        maximumCatalogueLag: Duration = .seconds(30),
        catalogueWait: Duration = .seconds(5),
        tls: ServerTLS? = nil
    ) {
        self.maximumCatalogueLag = maximumCatalogueLag
        self.catalogueWait = catalogueWait
        self.host = host
        self.port = port
        self.maximumFrameBytes = maximumFrameBytes
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.maximumInFlightPerConnection = maximumInFlightPerConnection
        self.idleTimeout = idleTimeout
        self.frameTimeout = frameTimeout
        self.authToken = authToken
        self.allowUnauthenticated = allowUnauthenticated
        self.version = version
        self.maximumQueuedPerConnection = maximumQueuedPerConnection
        self.workerThreads = max(1, workerThreads)
        self.maximumInFlight = maximumInFlight ?? max(256, 64 * max(1, workerThreads))
        self.tls = tls
    }
}

extension ServerConfiguration {
    /// Refuses settings that would serve insecurely by accident (`invalidInput`): an empty token, and
    /// a non-loopback address with neither a token nor any API key (`keysExist`) unless
    /// `allowUnauthenticated` says so.
    public func checkSafeToServe(keysExist: Bool) throws(VMError) {
        if authToken?.isEmpty == true {
            throw VMError(.invalidInput, "--auth-token must not be empty (an empty token would accept \"Bearer \" from anyone)", field: "auth-token")
        }
        if !Self.isLoopback(host), authToken == nil, !keysExist, !allowUnauthenticated {
            throw VMError(.invalidInput, """
                refusing to serve \(host) (not a loopback address) without authentication: create a key \
                (`vendormatch keys create --tenant ORG --scopes read`), pass --auth-token, or pass \
                --allow-unauthenticated to serve anyone who can reach it
                """, field: "host")
        }
    }

    /// `127.0.0.0/8`, `::1` and `localhost`; anything else (a name, `0.0.0.0`, `::`) may be reachable.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
