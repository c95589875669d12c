import ArgumentParser
import Logging
import ServiceLifecycle
import VendorMatchRanking
import VendorMatchServer

/// `serve`'s metrics and log-format options (CONTRACT §7).
struct TelemetryOptions: ParsableArguments {
    @Option(name: .customLong("metrics-port"),
            help: "Answer GET /metrics over HTTP on this port in the Prometheus text format (0 picks a free one; default: off).")
    var metricsPort: Int?

    @Option(name: .customLong("metrics-host"), help: "Address of the metrics port (default: the --host of the server).")
    var metricsHost: String?

    @Option(name: .customLong("log-format"),
            help: "text, or json: one JSON object per line, with one line per answered request (request id, method, tenant, status, latency) at info.")
    var logFormat = "text"

    func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0…65535") }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json, got \(logFormat)") }
    }

    /// Sends every log line to standard error, as text or as JSON lines.
    func bootstrapLogging(level: Logger.Level) {
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler.standardError(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// The server's telemetry and, with --metrics-port, the HTTP service that serves the metrics.
    func telemetry(engine: RankingEngine, serverHost: String) -> (ServerTelemetry, [any Service]) {
        let requestLogLevel: Logger.Level = logFormat == "json" ? .info : .debug
        guard let metricsPort else { return (ServerTelemetry(requestLogLevel: requestLogLevel), []) }
        let metrics = ServerMetrics {
            let counts = engine.counts
            return ServerMetrics.Snapshot(
                vendors: counts.vendors, caseStudies: counts.caseStudies, referrals: counts.referrals,
                modelVersion: engine.model.metadata[ServedCandidates.modelVersionKey] ?? "unversioned")
        }
        let http = MetricsHTTPServer(
            configuration: .init(host: metricsHost ?? serverHost, port: metricsPort), metrics: metrics,
            logger: Logger(label: "vendormatch.metrics"))
        return (ServerTelemetry(metrics: metrics, requestLogLevel: requestLogLevel), [http])
    }
}
