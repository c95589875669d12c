import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import VendorMatchCore
import VendorMatchPostgres
import VendorMatchRanking
import VendorMatchServer
import VendorMatchStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serves the VendorMatch wire protocol (protobuf frames over TCP, CONTRACT §4).",
        discussion: """
        Each message is a gRPC length-prefixed vendormatch.v1.Frame (Protos/vendormatch/v1/). Clients may
        pipeline; responses carry the request's id and may come back in any order. SIGTERM or SIGINT stops
        accepting, answers the requests already read, and exits 0. SIGHUP reloads the ranking model
        (--model, else Models/ranking-model.json) without dropping connections. Every served shortlist is
        logged (request, its candidates' features as the second phase saw them, the model version) in the
        database for RecordOutcomes and `train --from-outcomes`; a model promoted there (`--promote`,
        `model promote`, `model rollback`) is picked up within --model-poll-ms.
        Authentication: once the database holds any API key (`vendormatch keys create`), every method but
        Health needs "authorization: Bearer <key>", and the key's scopes and tenant decide what it may do;
        keys created or revoked while serving count from the next request. --auth-token (or
        $VENDORMATCH_AUTH_TOKEN) adds one admin key with no tenant. Serving a non-loopback --host with
        neither keys nor a token is refused unless --allow-unauthenticated is given.
        Limits: a frame must arrive whole within --frame-timeout seconds of its first byte (else the
        connection is closed); --max-connections-per-address connections from one address.
        HTTP (--http, default 127.0.0.1:7480; off to disable): Connect unary calls for every method at
        POST /vendormatch.v1.VendorMatch/<Method> (application/json or application/proto), and the read-only web
        console at / (case-study finder), /shortlist, /vendors/ID, /overview, /healthz; both go through the same
        router as the binary protocol (keys, tenants, deadlines, validation).
        TLS: --tls-cert CERT.pem --tls-key KEY.pem (both, or neither) serve the wire protocol over TLS
        (1.2 or later) and the HTTP listener as https with the same certificate; the console's sign-in cookie
        is then Secure. The start-up line names the scheme ("listening on HOST:PORT (tls)"). Clients:
        `vendormatch client … --tls [--tls-ca CA.pem]`. A file that cannot be read or parsed, or a key that
        does not match the certificate, exits 2 naming the file.
        Example: vendormatch serve --port 7420 --db market.sqlite
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var telemetryOptions: TelemetryOptions

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0 picks a free one; the log line \"listening on HOST:PORT\" names it).")
    var port = 7420

    @Option(name: .customLong("auth-token"), help: "Also accept \"authorization: Bearer <token>\" as an admin key with no tenant, and require authorization (default: $VENDORMATCH_AUTH_TOKEN, else none; must not be empty).")
    var authToken: String?

    @Flag(name: .customLong("allow-unauthenticated"), help: "Serve a non-loopback --host even with no API key and no --auth-token.")
    var allowUnauthenticated = false

    @Option(name: .customLong("max-frame-bytes"), help: "Largest frame accepted; a larger header closes the connection.")
    var maxFrameBytes = 4_194_304

    @Option(name: .customLong("max-connections"), help: "Connections served at once.")
    var maxConnections = 1024

    @Option(name: .customLong("max-connections-per-address"), help: "Connections served at once from one peer address.")
    var maxConnectionsPerAddress = 64

    @Option(name: .customLong("max-in-flight"), help: "Requests of one connection on the worker pool at once (then reading that connection pauses).")
    var maxInFlight = 64

    @Option(name: .customLong("max-in-flight-total"), help: "Requests on the worker pool at once over all connections; one more is answered RESOURCE_EXHAUSTED (default: max(256, 64 × worker threads)).")
    var maxInFlightTotal: Int?

    @Option(name: .customLong("worker-threads"), help: "Threads that run everything but Health: ranking, encoding, SQLite reads (default: the number of cores).")
    var workerThreads: Int?

    @Option(name: .customLong("idle-timeout"), help: "Seconds without traffic before a connection is closed.")
    var idleTimeout = 300

    @Option(name: .customLong("frame-timeout"), help: "Seconds a frame may take to arrive whole, from its first byte, before the connection is closed.")
    var frameTimeout = 10.0

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Flag(name: .customLong("log-shortlists"), inversion: .prefixedNo,
          help: "Log every served shortlist (its candidates' features and the model version) for outcomes and `train --from-outcomes`.")
    var logShortlists = true

    @Option(name: .customLong("log-retention-rows"), help: "Logged shortlists kept at most (the newest; 0 = no limit).")
    var logRetentionRows = 250_000

    @Option(name: .customLong("log-retention-days"), help: "Days a logged shortlist is kept (0 = no limit).")
    var logRetentionDays: Double = 180

    @Option(name: .customLong("http"),
            help: "HTTP listener for the Connect API and the web console, HOST:PORT, or off (default 127.0.0.1:7480; with --port 0, 127.0.0.1:0, a free port; the log line \"console on http://HOST:PORT/\" names it).")
    var http: String?

    @Option(name: .customLong("http-cors"), help: "The one browser origin allowed to call the Connect API cross-origin (default: none, no CORS headers).")
    var httpCORS: String?

    @Option(name: .customLong("max-lag"), help: "Seconds this ranker may be behind the catalogue of record before Health reports NOT_SERVING (with --store).")
    var maxLag: Double = 30

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "PEM certificate chain (server certificate first): serve the wire protocol over TLS 1.2+, and the HTTP listener as https. Needs --tls-key.",
        valueName: "PEM"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert. Needs --tls-cert.", valueName: "PEM"))
    var tlsKey: String?

    @Option(name: .customLong("model-poll-ms"), help: "How often the promoted-model pointer in the database is checked, in milliseconds.")
    var modelPollMilliseconds = 1000

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard maxFrameBytes >= 64 else { throw ValidationError("--max-frame-bytes must be at least 64") }
        guard maxConnections >= 1, maxConnectionsPerAddress >= 1, maxInFlight >= 1, idleTimeout >= 1 else {
            throw ValidationError("--max-connections, --max-connections-per-address, --max-in-flight and --idle-timeout must be at least 1")
        }
        if let maxInFlightTotal, maxInFlightTotal < 1 { throw ValidationError("--max-in-flight-total must be at least 1") }
        if let workerThreads, !(1...1024).contains(workerThreads) { throw ValidationError("--worker-threads must be 1…1024") }
        guard frameTimeout > 0, frameTimeout.isFinite else { throw ValidationError("--frame-timeout must be a positive number of seconds") }
        if authToken?.isEmpty == true {
            throw ValidationError("--auth-token must not be empty (an empty token would accept \"Bearer \" from anyone); leave it out to serve without a token")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard logRetentionRows >= 0, logRetentionDays >= 0 else {
            throw ValidationError("--log-retention-rows and --log-retention-days must be at least 0 (0: no limit)")
        }
        guard maxLag > 0, maxLag.isFinite else { throw ValidationError("--max-lag must be a positive number of seconds") }
        guard modelPollMilliseconds >= 10 else { throw ValidationError("--model-poll-ms must be at least 10") }
        _ = try httpAddress()
        switch (tlsCert, tlsKey) {
        case (.some, nil): throw ValidationError("--tls-cert needs --tls-key (the certificate's private key)")
        case (nil, .some): throw ValidationError("--tls-key needs --tls-cert (the certificate it belongs to)")
        default: break
        }
    }

    /// `--http` as host and port; nil for `off`.
    func httpAddress() throws(ValidationError) -> (host: String, port: Int)? {
        let raw = http ?? (port == 0 ? "127.0.0.1:0" : "127.0.0.1:7480")
        if raw == "off" { return nil }
        guard let colon = raw.lastIndex(of: ":"), let p = Int(raw[raw.index(after: colon)...]), (0...65535).contains(p) else {
            throw ValidationError("--http must be HOST:PORT (port 0…65535) or off, got \"\(raw)\"")
        }
        var host = String(raw[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--http must name a host, got \"\(raw)\"") }
        return (host, p)
    }

    func run() async throws {
        // Run Swift Concurrency's jobs on the NIO event loops: a task resumed by a connection's event loop
        // stays on that thread, which saves two thread switches per request (see BENCHMARKS.md).
        let onEventLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        telemetryOptions.bootstrapLogging(level: level)
        let logger = Logger(label: "vendormatch.server")
        logger.debug("swift concurrency on the NIO event loops: \(onEventLoops)")
        do {
            // Read before the (slow) index build, so a bad file is reported at once (exit 2 naming it).
            let tls = try tlsCert.map { cert in try ServerTLS.load(certificatePath: cert, keyPath: tlsKey ?? "") }
            let token = authToken ?? ProcessInfo.processInfo.environment["VENDORMATCH_AUTH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            let configuration = ServerConfiguration(
                host: host, port: port, maximumFrameBytes: maxFrameBytes, maximumConnections: maxConnections,
                maximumConnectionsPerAddress: maxConnectionsPerAddress, maximumInFlightPerConnection: maxInFlight,
                idleTimeout: .seconds(Int64(idleTimeout)), frameTimeout: .nanoseconds(Int64(frameTimeout * 1e9)),
                authToken: token, allowUnauthenticated: allowUnauthenticated,
                maximumInFlight: maxInFlightTotal, workerThreads: workerThreads ?? System.coreCount,
                maximumCatalogueLag: .milliseconds(Int64(maxLag * 1000)), tls: tls
            )
            let httpBind = try httpAddress()
            var httpSafety = configuration
            if let httpBind { httpSafety.host = httpBind.host }
            try refuseUnsafeSettingsEarly(configuration)
            try refuseUnsafeSettingsEarly(httpSafety)
            let backend: CatalogueBackend, engine: RankingEngine, keys: (any KeyChecking)?
            var reloader: ModelReloader?
            if global.storeURL != nil {
                // A ranker on the shared store: it checks the store's API keys, watching them for changes
                // (`PostgresKeyWatch`), and logs its shortlists there; the model pointer is SQLite-only for now.
                let shared = try openSharedCatalogue(logger: logger)
                backend = shared.0
                engine = shared.1
                keys = shared.2
                try configuration.checkSafeToServe(keysExist: try shared.2.current().areRequired)
                try httpSafety.checkSafeToServe(keysExist: try shared.2.current().areRequired)
            } else {
                let local = try openDefaultCatalogue(logger: logger)
                backend = local.0
                engine = local.1
                let store = local.2
                let ring = try store.keyRing()
                keys = ring
                try configuration.checkSafeToServe(keysExist: try ring.current().areRequired)
                try httpSafety.checkSafeToServe(keysExist: try ring.current().areRequired)
                reloader = ModelReloader.start(global: global, engine: engine, store: store,
                                               pollInterval: .milliseconds(modelPollMilliseconds), logger: logger)
            }
            let (telemetry, telemetryServices) = telemetryOptions.telemetry(engine: engine, serverHost: host)
            defer { reloader?.cancel(); backend.follower?.stop(); keys?.stop() }
            let server = VendorMatchServer(configuration: configuration, backend: backend, keys: keys, logger: logger, telemetry: telemetry)
            var httpServices: [any Service] = []
            if let httpBind {
                let insights = ConsoleInsights(modelVersion: { engine.model.metadata[ServedCandidates.modelVersionKey] ?? "unversioned" })
                httpServices.append(VendorMatchHTTPServer(
                    configuration: .init(host: httpBind.host, port: httpBind.port, corsOrigin: httpCORS, tls: tls),
                    server: server, insights: insights, logger: logger))
            }
            let group = ServiceGroup(configuration: .init(
                services: [server] + httpServices + telemetryServices, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            try await backend.shortlistLog?.flush()
        } catch {
            exitWith(error)
        }
    }

    /// Refuses unsafe settings before the (slow) index build: keys are looked up only when they would
    /// make a difference, in a database that exists already.
    private func refuseUnsafeSettingsEarly(_ configuration: ServerConfiguration) throws {
        do {
            try configuration.checkSafeToServe(keysExist: false)
        } catch {
            guard global.storeURL == nil else {
                try configuration.checkSafeToServe(keysExist: !(try global.openStore().keys().isEmpty))
                return
            }
            let exists = FileManager.default.fileExists(atPath: global.databasePath)
            try configuration.checkSafeToServe(keysExist: exists && (try global.openCatalogueStore().keyRing().current().areRequired))
        }
    }

    /// The one place `serve` opens its catalogue: `--db`, or the default database seeded with the demo
    /// market on first use, loaded into the ranking engine.
    private func openDefaultCatalogue(logger: Logger) throws -> (CatalogueBackend, RankingEngine, CatalogueStore) {
        let (engine, store, codec) = try global.loadEngine(model: { store in
            try ModelReloader.initialModel(global: global, store: store, logger: logger)
        }, backgroundVectors: true)
        SemanticBackfill.start(engine: engine, store: store, modelsDirectory: try ModelsDirectory.locate(explicit: global.models)) {
            logger.info("\($0)")
        }
        return (CatalogueBackend(engine: engine, store: store, codec: codec, shortlistLog: shortlistLogger(store),
                                 version: try store.catalogueVersion()), engine, store)
    }

    /// The shortlist log `serve` keeps in its store (SQLite or PostgreSQL alike), or nil with
    /// `--no-log-shortlists`.
    private func shortlistLogger(_ store: any ShortlistLogStoring) -> ShortlistLogger? {
        guard logShortlists else { return nil }
        return ShortlistLogger(
            store: store,
            configuration: .init(retention: ShortlistLogRetention(rows: logRetentionRows > 0 ? logRetentionRows : nil,
                                                                  days: logRetentionDays > 0 ? logRetentionDays : nil)),
            logger: Logger(label: "vendormatch.shortlist-log"))
    }

    /// A ranker on a shared store (`--store`): the catalogue loaded from one consistent snapshot, then the
    /// change log followed from the snapshot's version, and the store's API keys watched. Lexical need
    /// similarity only (vectors are kept in SQLite). Served shortlists are logged in the shared store, as
    /// on SQLite (every ranker into one table).
    private func openSharedCatalogue(logger: Logger) throws -> (CatalogueBackend, RankingEngine, any KeyChecking) {
        let started = ContinuousClock.now
        let store = try global.openStore()
        let keys = try store.keyChecker()
        let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
        let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
        let snapshot = try store.loadSnapshot()
        let snapshotRead = ContinuousClock.now - started
        let engine = try store.rankingEngine(
            taxonomy: taxonomy, model: try global.rankingModel(modelsDirectory: modelsDirectory),
            analyzer: LexicalAnalyzer.load(modelsDirectory: modelsDirectory), catalogue: snapshot.catalogue, dense: nil)
        let follower = CatalogueFollower(store: store, engine: engine, startingAt: snapshot.version,
                                         logger: Logger(label: "vendormatch.change-feed"))
        follower.start()
        logger.notice("catalogue loaded from the shared store", metadata: [
            "vm.store": "\(store.location)", "vm.catalogue.version": "\(snapshot.version)",
            "vm.case_studies": "\(snapshot.catalogue.caseStudies.count)", "vm.load.seconds": "\(ContinuousClock.now - started)",
            "vm.snapshot.seconds": "\(snapshotRead)",
        ])
        let backend = CatalogueBackend(engine: engine, store: store, codec: RecordCodec(taxonomy: taxonomy),
                                       shortlistLog: shortlistLogger(store), version: snapshot.version, follower: follower)
        return (backend, engine, keys)
    }
}
