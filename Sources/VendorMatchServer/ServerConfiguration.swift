import NIOCore
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
    /// Requests of one connection handled at once; beyond it the server stops reading that connection
    /// (TCP backpressure) until one finishes. Reads of the index are answered one at a time as they are
    /// read; reading also pauses while the client leaves its responses unread. Default 128.
    public var maximumInFlightPerConnection: Int
    /// A connection with neither reads nor writes for this long is closed. Default 5 minutes.
    public var idleTimeout: TimeAmount
    /// With a token, every method but Health requires `authorization: Bearer <token>`. Default none.
    public var authToken: String?
    /// Reported by Health.
    public var version: String

    public init(
        host: String = "127.0.0.1",
        port: Int = 7420,
        maximumFrameBytes: Int = FrameDecoder.defaultMaximumFrameBytes,
        maximumConnections: Int = 1024,
        maximumInFlightPerConnection: Int = 128,
        idleTimeout: TimeAmount = .minutes(5),
        authToken: String? = nil,
        version: String = "1.0.0"
    ) {
        self.host = host
        self.port = port
        self.maximumFrameBytes = maximumFrameBytes
        self.maximumConnections = maximumConnections
        self.maximumInFlightPerConnection = maximumInFlightPerConnection
        self.idleTimeout = idleTimeout
        self.authToken = authToken
        self.version = version
    }
}
