import Foundation
import Logging
import NIOCore
import NIOPosix
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchRanking
import VendorMatchServer
import VendorMatchStore
import VendorMatchWire

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let repositoryModels = repositoryRoot.appendingPathComponent("Models")
let taxonomy: Taxonomy = try! Taxonomy.load(modelsDirectory: repositoryModels)

/// A small readable market: two banking specialists and a retail generalist.
func smallCatalogue() -> Catalogue {
    Catalogue(
        vendors: [
            Vendor(id: "bankdata", name: "Bank Data Partners", size: .medium, industries: ["522"], serviceTypes: ["data"],
                   description: "Data engineering and machine learning for banks", regions: ["DE", "US"], languages: ["en", "de"]),
            Vendor(id: "credml", name: "Credit ML", size: .small, industries: ["5221"], serviceTypes: ["data.machine-learning"],
                   description: "Credit risk models", regions: ["US"], languages: ["en"]),
            Vendor(id: "shopworks", name: "Shopworks", size: .large, industries: ["44-45"],
                   serviceTypes: ["software.ecommerce", "data.analytics-bi"], description: "Shops and dashboards", regions: ["GB"]),
        ],
        caseStudies: [
            CaseStudy(id: "c1", vendorID: "bankdata", clientIndustry: "5221", serviceTypes: ["data.machine-learning"],
                      clientSize: .enterprise, need: "predict loan defaults for our retail credit portfolio", year: 2023,
                      verified: true, evaluation: Evaluation(expertise: 4.8, wouldRecommend: 9)),
            CaseStudy(id: "c2", vendorID: "credml", clientIndustry: "522", serviceTypes: ["data.machine-learning"],
                      clientSize: .large, need: "credit scoring model for small business loans", year: 2024),
            CaseStudy(id: "c3", vendorID: "shopworks", clientIndustry: "4451", serviceTypes: ["software.ecommerce"],
                      clientSize: .large, need: "an online shop for our grocery chain", year: 2022),
        ],
        referrals: [
            Referral(id: "r1", vendorID: "bankdata", referrerType: .pastClient, referrerOrg: "bigbank", date: "2024-03-01"),
        ]
    )
}

/// A new empty directory under the system's temporary directory, named `prefix-<uuid>`.
func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// A real server on a loopback port picked by the kernel, over a real SQLite file in a temporary directory.
/// With `keys`, it checks API keys stored in that file (`store.createKey`, `store.revokeKey`).
struct TestServer {
    let server: VendorMatchServer
    let port: Int
    let directory: URL
    let databasePath: String
    let store: CatalogueStore
    let backend: CatalogueBackend
    let engine: RankingEngine
    private let task: Task<Void, any Error>

    /// With `shortlistLog`, the backend logs served shortlists (and checks outcomes against the log).
    static func start(_ configuration: ServerConfiguration = ServerConfiguration(), catalogue: Catalogue = smallCatalogue(),
                      model: RankingModel = .defaults, shortlistLog: ShortlistLogger.Configuration? = nil,
                      keys: Bool = false, telemetry: ServerTelemetry = ServerTelemetry(),
                      wrap: (CatalogueBackend) -> any VendorMatchBackend = { $0 }) async throws -> TestServer {
        let directory = try makeTemporaryDirectory("vm-server")
        let path = directory.appendingPathComponent("catalogue.sqlite").path
        let store = try CatalogueStore(path: path)
        try store.upsert(vendors: catalogue.vendors)
        try store.upsert(caseStudies: catalogue.caseStudies)
        try store.insert(referrals: catalogue.referrals)
        let engine = RankingEngine(
            taxonomy: taxonomy, model: model, analyzer: LexicalAnalyzer.load(modelsDirectory: repositoryModels),
            catalogue: try store.loadCatalogue())
        var config = configuration
        config.port = 0
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        let backend = CatalogueBackend(engine: engine, store: store, codec: RecordCodec(taxonomy: taxonomy),
                                       shortlistLog: shortlistLog.map { ShortlistLogger(store: store, configuration: $0, logger: logger) },
                                       version: try store.catalogueVersion())
        let server = VendorMatchServer(configuration: config, backend: wrap(backend), keys: keys ? try store.keyRing() : nil, logger: logger,
                                       telemetry: telemetry)
        let task = Task { try await server.run() }
        let address = try await server.listeningAddress
        return TestServer(server: server, port: address.port!, directory: directory, databasePath: path, store: store,
                          backend: backend, engine: engine, task: task)
    }

    func client(token: String? = nil) async throws -> VendorMatchClient {
        try await VendorMatchClient.connect(host: "127.0.0.1", port: port, configuration: .init(authToken: token))
    }

    /// Drains and waits for `run()` to return.
    func stop() async throws {
        server.beginDraining()
        try await task.value
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A connection that writes raw bytes and reads decoded frames: for malformed, split and oversized input.
final class RawConnection {
    private var iterator: NIOAsyncChannelInboundStream<Vendormatch_V1_Frame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    private init(inbound: NIOAsyncChannelInboundStream<Vendormatch_V1_Frame>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Opens a connection (with a small kernel receive buffer if `receiveBufferBytes` is given, for
    /// backpressure tests), runs `body` on it, closes it.
    static func with(port: Int, receiveBufferBytes: Int? = nil, _ body: (RawConnection) async throws -> Void) async throws {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let receiveBufferBytes {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferBytes))
        }
        let channel = try await bootstrap
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: 64 << 20)))
                    return try NIOAsyncChannel<Vendormatch_V1_Frame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            try await body(RawConnection(inbound: inbound, outbound: outbound))
        }
    }

    /// Writes `bytes`, optionally one byte per write (each write is flushed).
    func write(_ bytes: [UInt8], byteByByte: Bool = false) async throws {
        if byteByByte {
            for b in bytes { try await outbound.write(ByteBuffer(bytes: [b])) }
        } else {
            try await outbound.write(ByteBuffer(bytes: bytes))
        }
    }

    /// Reads frames until `count` have arrived or the server closes; returns them and whether it closed.
    func read(count: Int) async throws -> (frames: [Vendormatch_V1_Frame], closed: Bool) {
        var frames: [Vendormatch_V1_Frame] = []
        while frames.count < count {
            do {
                guard let frame = try await iterator.next() else { return (frames, true) }
                frames.append(frame)
            } catch {
                return (frames, true)
            }
        }
        return (frames, false)
    }
}

func shortlistRequest(id: String, industry: String = "5221", services: [String] = ["data.machine-learning"], k: Int32? = nil) -> Vendormatch_V1_ShortlistRequest {
    var q = Vendormatch_V1_ShortlistRequest()
    q.id = id
    q.industry = industry
    q.serviceTypes = services
    q.need = "predict loan defaults"
    if let k { q.k = k }
    q.explain = true
    return q
}
