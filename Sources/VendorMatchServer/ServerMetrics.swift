import CoreMetrics
import Foundation
import NIOConcurrencyHelpers
import Prometheus
import VendorMatchWire

/// The server's Prometheus metrics (CONTRACT §7), kept through swift-metrics handles backed by a
/// swift-prometheus registry of their own (not the process-wide `MetricsSystem`, so two servers in one
/// process, as in the tests, count apart). Every name starts with `vendormatch_`; `help` lists them.
///
/// Per request the cost is one lock-protected dictionary lookup for the (method, status) counter, one
/// atomic add, one histogram observation and two gauge updates. Gauges that describe state rather than
/// events (index sizes, the model version) are set from `collect` just before each scrape.
public final class ServerMetrics: Sendable {
    /// What a scrape reads from the serving process: the live index sizes and the serving model.
    public struct Snapshot: Sendable {
        public var vendors: Int
        public var caseStudies: Int
        public var referrals: Int
        public var modelVersion: String

        public init(vendors: Int, caseStudies: Int, referrals: Int, modelVersion: String) {
            self.vendors = vendors
            self.caseStudies = caseStudies
            self.referrals = referrals
            self.modelVersion = modelVersion
        }
    }

    /// Request latency buckets, 100 µs to 10 s: an in-memory Shortlist takes 0.1–20 ms, writes up to seconds.
    public static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// `# HELP` text per metric name (swift-metrics handles carry none; `exposition()` adds them).
    public static let help: [String: String] = [
        "vendormatch_requests_total": "Requests answered, by method and gRPC status name.",
        "vendormatch_request_duration_seconds": "Time from reading a request frame to its response, by method.",
        "vendormatch_requests_in_flight": "Requests read and not yet answered.",
        "vendormatch_connections_open": "Wire-protocol connections open now.",
        "vendormatch_connections_total": "Wire-protocol connections admitted since start.",
        "vendormatch_connections_refused_total": "Connections refused (answered RESOURCE_EXHAUSTED and closed), by reason.",
        "vendormatch_index_vendors": "Live vendors in the ranking index.",
        "vendormatch_index_case_studies": "Live case studies in the ranking index.",
        "vendormatch_index_referrals": "Referrals in the ranking index.",
        "vendormatch_model_info": "The serving ranking model: 1 for its version label.",
        "vendormatch_records_written_total": "Records written by acknowledged wire writes, by kind.",
        "vendormatch_start_time_seconds": "Unix time the metrics of this process started.",
    ]

    /// Method labels: every method's short name, then "unknown" for paths that name none.
    private static let methodLabels = VendorMatchMethod.allCases.map(\.name) + ["unknown"]

    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let collect: @Sendable () -> Snapshot?
    private let inFlight: Meter
    private let connectionsOpen: Meter
    private let connectionsTotal: CoreMetrics.Counter
    private let latency: [CoreMetrics.Timer]
    private let requests = NIOLockedValueBox<[Int: CoreMetrics.Counter]>([:])
    private let labelled = NIOLockedValueBox<[String: CoreMetrics.Counter]>([:])
    private let indexVendors: CoreMetrics.Gauge
    private let indexCaseStudies: CoreMetrics.Gauge
    private let indexReferrals: CoreMetrics.Gauge
    private let model = NIOLockedValueBox<(version: String, gauge: CoreMetrics.Gauge)?>(nil)

    /// `collect` is called on every scrape (on an event loop: keep it quick); nil leaves the state gauges as they are.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                collect: @escaping @Sendable () -> Snapshot? = { nil }) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
        self.collect = collect
        inFlight = Meter(label: "vendormatch_requests_in_flight", factory: factory)
        connectionsOpen = Meter(label: "vendormatch_connections_open", factory: factory)
        connectionsTotal = CoreMetrics.Counter(label: "vendormatch_connections_total", factory: factory)
        latency = Self.methodLabels.map {
            CoreMetrics.Timer(label: "vendormatch_request_duration_seconds", dimensions: [("method", $0)], factory: factory)
        }
        indexVendors = CoreMetrics.Gauge(label: "vendormatch_index_vendors", factory: factory)
        indexCaseStudies = CoreMetrics.Gauge(label: "vendormatch_index_case_studies", factory: factory)
        indexReferrals = CoreMetrics.Gauge(label: "vendormatch_index_referrals", factory: factory)
        // Families that exist from the start, so a dashboard sees zeros rather than nothing.
        _ = counter("vendormatch_connections_refused_total", "reason", "max_connections")
        for kind in ["vendors", "case_studies", "referrals", "outcomes", "vendor_deletions"] {
            _ = counter("vendormatch_records_written_total", "kind", kind)
        }
        CoreMetrics.Gauge(label: "vendormatch_start_time_seconds", factory: factory).record(Date().timeIntervalSince1970.rounded(.down))
    }

    // MARK: Events

    /// A request frame was read (answered later by `requestFinished`).
    func requestReceived() { inFlight.increment() }

    /// A request was answered with `status` after `nanoseconds`; `method` nil for an unknown path.
    func requestFinished(method: VendorMatchMethod?, status: StatusCode, nanoseconds: Int64) {
        let m = method.flatMap { VendorMatchMethod.allCases.firstIndex(of: $0) } ?? Self.methodLabels.count - 1
        inFlight.decrement()
        latency[m].recordNanoseconds(nanoseconds)
        let key = m << 8 | Int(UInt8(truncatingIfNeeded: status.rawValue))
        let counter = requests.withLockedValue { cache in
            if let c = cache[key] { return c }
            let c = CoreMetrics.Counter(label: "vendormatch_requests_total",
                                        dimensions: [("method", Self.methodLabels[m]), ("status", status.name)], factory: factory)
            cache[key] = c
            return c
        }
        counter.increment()
    }

    func connectionOpened() {
        connectionsOpen.increment()
        connectionsTotal.increment()
    }

    func connectionClosed() { connectionsOpen.decrement() }

    /// A connection refused before any request was read; `reason` is a short label (`max_connections`).
    public func connectionRefused(reason: String) {
        counter("vendormatch_connections_refused_total", "reason", reason).increment()
    }

    /// `count` records of `kind` (`vendors`, `case_studies`, `referrals`, `outcomes`, `vendor_deletions`) written.
    public func recordsWritten(kind: String, count: Int) {
        guard count > 0 else { return }
        counter("vendormatch_records_written_total", "kind", kind).increment(by: count)
    }

    private func counter(_ name: String, _ label: String, _ value: String) -> CoreMetrics.Counter {
        labelled.withLockedValue { cache in
            let key = "\(name){\(value)}"
            if let c = cache[key] { return c }
            let c = CoreMetrics.Counter(label: name, dimensions: [(label, value)], factory: factory)
            cache[key] = c
            return c
        }
    }

    // MARK: Scrape

    /// Sets the index and model gauges from `snapshot`; the model info series follows the version (the old
    /// label disappears from the next scrape).
    func update(_ snapshot: Snapshot) {
        indexVendors.record(snapshot.vendors)
        indexCaseStudies.record(snapshot.caseStudies)
        indexReferrals.record(snapshot.referrals)
        model.withLockedValue { current in
            guard current?.version != snapshot.modelVersion else { return }
            current?.gauge.destroy()
            let gauge = CoreMetrics.Gauge(label: "vendormatch_model_info", dimensions: [("version", snapshot.modelVersion)], factory: factory)
            gauge.record(1)
            current = (snapshot.modelVersion, gauge)
        }
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric, state gauges refreshed first.
    public func exposition() -> [UInt8] {
        if let snapshot = collect() { update(snapshot) }
        var raw: [UInt8] = []
        registry.emit(into: &raw)
        return Self.addingHelp(to: raw)
    }

    /// Puts a `# HELP` line before each `# TYPE` line of a metric that `help` describes.
    static func addingHelp(to text: [UInt8]) -> [UInt8] {
        let typePrefix = Array("# TYPE ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count + help.count * 80)
        var start = 0
        while start < text.count {
            let end = text[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? text.count
            let line = text[start..<end]
            if line.starts(with: typePrefix) {
                let nameStart = start + typePrefix.count
                let nameEnd = text[nameStart..<end].firstIndex(of: UInt8(ascii: " ")) ?? end
                if let h = help[String(decoding: text[nameStart..<nameEnd], as: UTF8.self)] {
                    out += Array("# HELP ".utf8) + text[nameStart..<nameEnd] + [UInt8(ascii: " ")] + Array(h.utf8) + [UInt8(ascii: "\n")]
                }
            }
            out += line
            start = end
        }
        return out
    }
}

extension StatusCode {
    /// The gRPC name, `INVALID_ARGUMENT` (from `description`, `INVALID_ARGUMENT (3)`).
    var name: String { String(description.prefix { $0 != " " }) }
}
