import NIOConcurrencyHelpers
import VendorMatchProto
import VendorMatchWire

/// Request counters and latency histograms per method, and connection counters; shared by all connections.
final class ServerStats: Sendable {
    private struct MethodCounters {
        var requests: UInt64 = 0
        var errors: UInt64 = 0
        var latency = LatencyHistogram()
    }

    private struct State {
        var methods: [String: MethodCounters] = [:]
        var connectionsOpen = 0
        var connectionsTotal: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    let started = ContinuousClock.now
    let telemetry: ServerTelemetry

    init(telemetry: ServerTelemetry = ServerTelemetry()) {
        self.telemetry = telemetry
    }

    /// Records one answered call. Unknown method paths are counted under "unknown" so a client cannot
    /// grow the table without bound.
    func record(method: String, known: Bool, failed: Bool, microseconds: UInt64) {
        let key = known ? method : "unknown"
        state.withLockedValue { s in
            s.methods[key, default: MethodCounters()].requests += 1
            if failed { s.methods[key, default: MethodCounters()].errors += 1 }
            s.methods[key, default: MethodCounters()].latency.record(microseconds)
        }
    }

    /// Tries to admit a connection; false when `limit` are open already.
    func openConnection(limit: Int) -> Bool {
        let admitted = state.withLockedValue { s in
            guard s.connectionsOpen < limit else { return false }
            s.connectionsOpen += 1
            s.connectionsTotal += 1
            return true
        }
        if admitted { telemetry.metrics?.connectionOpened() } else { telemetry.metrics?.connectionRefused(reason: "max_connections") }
        return admitted
    }

    /// Counts a connection refused before `openConnection` (e.g. `per_address`).
    func refuseConnection(reason: String) {
        telemetry.metrics?.connectionRefused(reason: reason)
    }

    func closeConnection() {
        state.withLockedValue { $0.connectionsOpen -= 1 }
        telemetry.metrics?.connectionClosed()
    }

    var uptimeMilliseconds: UInt64 {
        let d = ContinuousClock.now - started
        return UInt64(max(0, d.components.seconds)) * 1000 + UInt64(max(0, d.components.attoseconds) / 1_000_000_000_000_000)
    }

    /// Everything but the catalogue counts.
    func snapshot() -> Vendormatch_V1_StatsResponse {
        var response = Vendormatch_V1_StatsResponse()
        response.uptimeMs = uptimeMilliseconds
        state.withLockedValue { s in
            response.connectionsOpen = UInt64(max(0, s.connectionsOpen))
            response.connectionsTotal = s.connectionsTotal
            for (method, c) in s.methods.sorted(by: { $0.key < $1.key }) {
                var m = Vendormatch_V1_MethodStats()
                m.method = method
                m.requests = c.requests
                m.errors = c.errors
                m.p50Us = Double(c.latency.value(atPercentile: 50))
                m.p90Us = Double(c.latency.value(atPercentile: 90))
                m.p99Us = Double(c.latency.value(atPercentile: 99))
                m.maxUs = Double(c.latency.max)
                response.methods.append(m)
            }
        }
        return response
    }
}
