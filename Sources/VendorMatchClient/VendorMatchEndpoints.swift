import Foundation
import Synchronization
import SwiftProtobuf
import VendorMatchProto
import VendorMatchWire

/// A client over several servers sharing one catalogue (rankers on one PostgreSQL store, CONTRACT §8).
///
/// Calls are spread round-robin. A read answered UNAVAILABLE (a ranker behind, draining or down) is
/// tried on the next endpoint, each at most once; a write is sent once. Read-your-writes: every write's
/// response carries `catalogue-version`, and the highest seen is sent as `min-catalogue-version` on every
/// later read, so a read through any ranker sees every write this client was told about.
public final class VendorMatchEndpoints: VendorMatchCalling {
    /// One server address, `HOST:PORT`.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port` (`[v6]:port` too).
        public init(parsing text: String) throws(RPCError) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                throw RPCError(code: .invalidArgument, message: "endpoint \"\(text)\" must be HOST:PORT")
            }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw RPCError(code: .invalidArgument, message: "endpoint \"\(text)\" names no host") }
            self.host = host
            self.port = port
        }

        /// A comma-separated list (`a:7420,b:7420`).
        public static func list(_ text: String) throws(RPCError) -> [Endpoint] {
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !parts.isEmpty else { throw RPCError(code: .invalidArgument, message: "--endpoints names no endpoint") }
            return try parts.map { (p) throws(RPCError) in try Endpoint(parsing: p) }
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public let endpoints: [Endpoint]
    private let configuration: VendorMatchClient.Configuration
    private let connections: Mutex<[VendorMatchClient?]>
    private let next = Atomic<Int>(0)
    private let seen = Atomic<UInt64>(0)

    /// A client of `endpoints` (connections are opened on first use, and again after one fails).
    public init(endpoints: [Endpoint], configuration: VendorMatchClient.Configuration = .init()) {
        precondition(!endpoints.isEmpty, "at least one endpoint")
        self.endpoints = endpoints
        self.configuration = configuration
        connections = Mutex(Array(repeating: nil, count: endpoints.count))
    }

    /// The highest catalogue version a write through this client returned (0: none yet).
    public var catalogueVersionSeen: UInt64 { seen.load(ordering: .acquiring) }

    /// Closes every connection.
    public func close() async {
        let open = connections.withLock { c -> [VendorMatchClient] in
            defer { c = Array(repeating: nil, count: c.count) }
            return c.compactMap { $0 }
        }
        for client in open { await client.close() }
    }

    /// The connection to endpoint `index`, opened when needed (again, when the server closed the one kept:
    /// a call on it would fail unsent, and a write or a call to one endpoint is not retried).
    public func client(_ index: Int) async throws(RPCError) -> VendorMatchClient {
        if let open = connections.withLock({ $0[index] }) {
            if open.isOpen { return open }
            drop(index)
        }
        let e = endpoints[index]
        let client = try await VendorMatchClient.connect(host: e.host, port: e.port, configuration: configuration)
        connections.withLock { $0[index] = client }
        return client
    }

    private func drop(_ index: Int) {
        let old = connections.withLock { c -> VendorMatchClient? in
            defer { c[index] = nil }
            return c[index]
        }
        if let old { Task { await old.close() } }
    }

    /// Sends `frame` to one endpoint (`index`, else the next in turn), retrying a read on the others after
    /// UNAVAILABLE (the last answer is returned whatever its status). Adds the auth token, the deadline and `min-catalogue-version`; records the version of a
    /// write's response. Returns the response frame and the endpoint that answered.
    public func send(_ frame: Vendormatch_V1_Frame, method: VendorMatchMethod, at index: Int? = nil) async throws(RPCError)
        -> (response: Vendormatch_V1_Frame, endpoint: Int) {
        var frame = frame
        if let token = configuration.authToken { frame.metadata[MetadataKey.authorization] = "Bearer \(token)" }
        if frame.metadata[MetadataKey.deadlineMilliseconds] == nil, let d = configuration.defaultDeadline {
            frame.metadata[MetadataKey.deadlineMilliseconds] = "\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)"
        }
        let version = catalogueVersionSeen
        if !method.isWrite, version > 0, frame.metadata[MetadataKey.minimumCatalogueVersion] == nil {
            frame.metadata[MetadataKey.minimumCatalogueVersion] = String(version)
        }
        let first = index ?? next.wrappingAdd(1, ordering: .relaxed).oldValue
        let attempts = method.isWrite || index != nil ? 1 : endpoints.count
        var last = RPCError(code: .unavailable, message: "no endpoint answered")
        for attempt in 0..<attempts {
            let i = (first + attempt) % endpoints.count
            do {
                let response = try await client(i).send(frame)
                // UNAVAILABLE: try the next endpoint; the last one's answer is returned as it is.
                if response.statusCode == .unavailable, attempt < attempts - 1 { continue }
                if let raw = response.metadata[MetadataKey.catalogueVersion], let v = UInt64(raw), method.isWrite {
                    _ = seen.max(v, ordering: .acquiringAndReleasing)
                }
                return (response, i)
            } catch {
                drop(i)
                last = RPCError(code: error.code, message: "\(endpoints[i]): \(error.message)")
                if error.code != .unavailable { throw last }
            }
        }
        throw last
    }

    /// Calls `method` and decodes the response.
    public func call<Response: SwiftProtobuf.Message>(
        _ method: VendorMatchMethod, _ request: some SwiftProtobuf.Message, as: Response.Type = Response.self,
        deadline: Duration? = nil, at index: Int? = nil
    ) async throws(RPCError) -> Response {
        let frame = try Vendormatch_V1_Frame.call(method, request, deadline: deadline)
        return try await send(frame, method: method, at: index).0.decoded()
    }

    /// `VendorMatchCalling`'s call: the one above, on the next endpoint in turn.
    public func call<Response: SwiftProtobuf.Message>(
        _ method: VendorMatchMethod, _ request: some SwiftProtobuf.Message, as type: Response.Type, deadline: Duration?
    ) async throws(RPCError) -> Response {
        try await call(method, request, as: type, deadline: deadline, at: nil)
    }

    // MARK: Methods (the rest: `VendorMatchCalling`)

    /// Liveness of one endpoint (the next in turn without `index`), with its response metadata
    /// (`catalogue-version`, `catalogue-lag-versions`, `catalogue-lag-ms` from a ranker).
    public func health(at index: Int? = nil) async throws(RPCError) -> (health: Vendormatch_V1_HealthResponse, metadata: [String: String]) {
        let frame = try Vendormatch_V1_Frame.call(.health, Vendormatch_V1_HealthRequest(), deadline: nil)
        let (response, _) = try await send(frame, method: .health, at: index)
        return (try response.decoded(), response.metadata)
    }
}
