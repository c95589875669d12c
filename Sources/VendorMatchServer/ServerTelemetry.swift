import Foundation
import Logging
import SwiftProtobuf
import VendorMatchProto
import VendorMatchWire

/// What the server reports about itself beyond the Stats method: Prometheus metrics (`ServerMetrics`,
/// served by `MetricsHTTPServer`) and one log line per answered request.
public struct ServerTelemetry: Sendable {
    /// Counted into when set. Default none.
    public var metrics: ServerMetrics?
    /// The level of the per-request line (request id, method, tenant, status, latency); nil: none.
    /// Default `.debug` (quiet at the default log level; `serve --log-format json` raises it to `.info`).
    public var requestLogLevel: Logger.Level?

    public init(metrics: ServerMetrics? = nil, requestLogLevel: Logger.Level? = .debug) {
        self.metrics = metrics
        self.requestLogLevel = requestLogLevel
    }
}

extension ServerStats {
    /// Records one answered call everywhere it is counted: the Stats method's table, the metrics, and the
    /// request log. `tenant` is the caller's tenant where keys name one.
    func finished(
        _ frame: Vendormatch_V1_Frame, method: VendorMatchMethod?, response: Vendormatch_V1_Frame,
        elapsed: Duration, tenant: String?, logger: Logger
    ) {
        let nanoseconds = max(0, elapsed.components.seconds) * 1_000_000_000 + max(0, elapsed.components.attoseconds) / 1_000_000_000
        let status = response.statusCode
        record(method: frame.method, known: method != nil, failed: status != .ok, microseconds: UInt64(nanoseconds / 1000))
        if let metrics = telemetry.metrics {
            metrics.requestFinished(method: method, status: status, nanoseconds: nanoseconds)
            if status == .ok, let method, method.isWrite {
                let (kind, count) = Self.written(method, response.payload)
                metrics.recordsWritten(kind: kind, count: count)
            }
        }
        if let level = telemetry.requestLogLevel {
            logger.log(level: level, "request", metadata: [
                "vm.request.id": "\(frame.id)",
                "vm.method": "\(method?.name ?? "unknown")",
                "vm.tenant": tenant.map { .string($0) } ?? .stringConvertible(LogNull()),
                "vm.status": "\(status.name)",
                "vm.status.code": .stringConvertible(Int(status.rawValue)),
                "vm.latency.ms": .stringConvertible((Double(nanoseconds) / 1000).rounded() / 1000),
            ])
        }
    }

    /// The kind and number of records an acknowledged write wrote.
    private static func written(_ method: VendorMatchMethod, _ payload: Data) -> (String, Int) {
        let kind: String
        switch method {
        case .upsertVendors: kind = "vendors"
        case .upsertCaseStudies: kind = "case_studies"
        case .recordReferrals: kind = "referrals"
        case .recordOutcomes: kind = "outcomes"
        case .deleteVendor: return ("vendor_deletions", 1)
        default: return ("", 0)
        }
        let written = (try? Vendormatch_V1_WriteResponse(serializedBytes: payload))?.written ?? 0
        return (kind, Int(clamping: written))
    }
}

/// A log metadata value that a structured log handler writes as `null` (text logs print `null`).
public struct LogNull: CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "null" }
}
