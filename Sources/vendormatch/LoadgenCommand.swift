import ArgumentParser
import Foundation
import SwiftProtobuf
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

struct LoadgenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Loads a running server and reports requests/s and latency percentiles.",
        discussion: """
        Opens --connections connections, each keeping --depth requests in flight, until --requests responses
        (default 10000) or --duration seconds — always bounded. Latency is from writing a request to reading
        its response, recorded in a log-linear histogram (≤ 3 % error). Shortlist requests come from
        --requests-file (requests.jsonl, e.g. from `vendormatch demo-data`) or a built-in set.
        Example: vendormatch loadgen --method shortlist --connections 16 --duration 10
        """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "health, shortlist or stats.")
    var method = "health"

    @Option(help: "TCP connections.")
    var connections = 1

    @Option(help: "Requests in flight per connection (pipelining depth).")
    var depth = 1

    @Option(help: "Total requests (default 10000 unless --duration is given).")
    var requests: Int?

    @Option(help: "Seconds to keep sending (then the requests in flight are awaited).")
    var duration: Double?

    @Option(name: .customLong("requests-file"), help: "requests.jsonl whose lines are sent in turn (shortlist).")
    var requestsFile: String?

    @Option(name: .customLong("k"), help: "k of the built-in shortlist requests.")
    var k = 10

    @Flag(help: "Ask for explanations in shortlist requests.")
    var explain = false

    @Option(help: "Also run one more connection sending this method (health or stats) one request at a time while the load runs, and report its latency apart.")
    var probe: String?

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func validate() throws {
        if connection.endpoints != nil {
            throw ValidationError("loadgen drives one server: give --host and --port, not --endpoints (run one loadgen per ranker)")
        }
        guard connections >= 1, connections <= 10_000 else { throw ValidationError("--connections must be 1…10000") }
        guard depth >= 1, depth <= 10_000 else { throw ValidationError("--depth must be 1…10000") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        if let duration, !(duration > 0 && duration <= 3600) { throw ValidationError("--duration must be in (0, 3600] seconds") }
        if requests != nil, duration != nil { throw ValidationError("give --requests or --duration, not both") }
        guard ["health", "shortlist", "stats"].contains(method) else { throw ValidationError("--method must be health, shortlist or stats") }
        if let probe, !["health", "stats"].contains(probe) { throw ValidationError("--probe must be health or stats") }
    }

    func run() async throws {
        do {
            let (wireMethod, payloads) = try workload()
            let limit: LoadGenerator.Limit = duration.map { .duration(.milliseconds(Int64($0 * 1000))) } ?? .requests(requests ?? 10_000)
            let report = try await LoadGenerator.run(.init(
                host: connection.host, port: connection.port, connections: connections, depth: depth,
                limit: limit, method: wireMethod, payloads: payloads, authToken: connection.token,
                probe: probe.map { $0 == "stats" ? .stats : .health }, tls: try connection.clientTLS()))
            print(json ? jsonReport(report) : textReport(report))
            if report.responses == 0 { Foundation.exit(1) }
        } catch let error as RPCError {
            exitWith(rpc: error)
        } catch {
            exitWith(error)
        }
    }

    private func workload() throws -> (VendorMatchMethod, [Data]) {
        switch method {
        case "health": return (.health, [try Vendormatch_V1_HealthRequest().serializedBytes()])
        case "stats": return (.stats, [try Vendormatch_V1_StatsRequest().serializedBytes()])
        default:
            let requests = try requestsFile.map(Self.readRequests) ?? Self.builtInRequests(k: k)
            return (.shortlist, try requests.map { var q = $0; q.explain = explain; return try q.serializedBytes() })
        }
    }

    private static func readRequests(_ path: String) throws -> [Vendormatch_V1_ShortlistRequest] {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        var out: [Vendormatch_V1_ShortlistRequest] = []
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw VMError(.invalidInput, "cannot read \(path): \(error.localizedDescription)")
        }
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            do { out.append(try Vendormatch_V1_ShortlistRequest(jsonString: String(line), options: options)) } catch {
                throw VMError(.invalidInput, "\(path):\(i + 1): not a request object: \(error)")
            }
        }
        guard !out.isEmpty else { throw VMError(.invalidInput, "\(path): no requests") }
        return out
    }

    /// A varied fixed set: different industries, sizes, services and needs.
    private static func builtInRequests(k: Int) -> [Vendormatch_V1_ShortlistRequest] {
        let rows: [(String, String, [String], String)] = [
            ("5221", "1000-9999", ["data.machine-learning"], "predict which loans will default"),
            ("622", "10000+", ["data.analytics-bi"], "dashboards for bed occupancy and patient flow"),
            ("44-45", "250-999", ["software.ecommerce"], "move our online shop to a faster platform"),
            ("31-33", "1000-9999", ["software.embedded-iot"], "monitor machines on the factory floor"),
            ("52", "50-249", ["security.assessment"], "penetration test before an audit"),
            ("541", "10-49", ["software.web-app"], "customer portal for our consulting clients"),
            ("513", "250-999", ["cloud.migration"], "move our data centre to the cloud"),
            ("481", "10000+", ["it.outsourcing"], "run our IT helpdesk and infrastructure"),
            ("524", "1000-9999", ["data.generative-ai"], "answer customer questions about policies with an assistant"),
            ("611", "50-249", ["software.mobile-app"], "an app for students to book courses"),
            ("221", "1000-9999", ["data.engineering"], "a data warehouse for smart meter readings"),
            ("423", "250-999", ["software.enterprise-app"], "replace our old ERP system"),
        ]
        return rows.enumerated().map { i, row in
            var q = Vendormatch_V1_ShortlistRequest()
            q.id = "loadgen-\(i + 1)"
            q.industry = row.0
            q.size = row.1
            q.serviceTypes = row.2
            q.need = row.3
            q.k = Int32(k)
            return q
        }
    }

    private func ms(_ micros: UInt64) -> String { String(format: "%.3f", Double(micros) / 1000) }

    private func textReport(_ r: LoadGenerator.Report) -> String {
        let seconds = r.elapsed.seconds
        var lines = [
            "\(method): \(r.responses) responses in \(String(format: "%.2f", seconds)) s over \(connections) connection(s), depth \(depth)",
            String(format: "requests/s %.0f", r.requestsPerSecond),
            "latency ms: p50 \(ms(r.latency.value(atPercentile: 50)))  p90 \(ms(r.latency.value(atPercentile: 90)))  p99 \(ms(r.latency.value(atPercentile: 99)))  max \(ms(r.latency.max))",
        ]
        if r.errors > 0 {
            let byStatus = r.statuses.filter { $0.key != 0 }.sorted { $0.key < $1.key }
                .map { "\(StatusCode(rawValue: $0.key)): \($0.value)" }.joined(separator: ", ")
            lines.append("errors: \(r.errors) (\(byStatus))")
        }
        if r.connectionsLost > 0 { lines.append("connections lost: \(r.connectionsLost)") }
        if let p = r.probe, let probe {
            lines.append("probe (\(probe), 1 connection, depth 1): \(p.responses) responses, \(p.errors) errors; latency ms: p50 \(ms(p.latency.value(atPercentile: 50)))  p99 \(ms(p.latency.value(atPercentile: 99)))  max \(ms(p.latency.max))")
        }
        return lines.joined(separator: "\n")
    }

    private func jsonReport(_ r: LoadGenerator.Report) -> String {
        let seconds = r.elapsed.seconds
        let value: JSONValue = .object([
            ("method", .string(method)), ("connections", .number(Double(connections))), ("depth", .number(Double(depth))),
            ("responses", .number(Double(r.responses))), ("errors", .number(Double(r.errors))),
            ("seconds", .number(seconds)), ("requests_per_second", .number(r.requestsPerSecond.rounded())),
            ("p50_ms", .number(Double(r.latency.value(atPercentile: 50)) / 1000)),
            ("p90_ms", .number(Double(r.latency.value(atPercentile: 90)) / 1000)),
            ("p99_ms", .number(Double(r.latency.value(atPercentile: 99)) / 1000)),
            ("max_ms", .number(Double(r.latency.max) / 1000)),
            ("connections_lost", .number(Double(r.connectionsLost))),
            ("probe_responses", .number(Double(r.probe?.responses ?? 0))),
            ("probe_errors", .number(Double(r.probe?.errors ?? 0))),
            ("probe_p50_ms", .number(Double(r.probe?.latency.value(atPercentile: 50) ?? 0) / 1000)),
            ("probe_p99_ms", .number(Double(r.probe?.latency.value(atPercentile: 99) ?? 0) / 1000)),
            ("probe_max_ms", .number(Double(r.probe?.latency.max ?? 0) / 1000)),
        ])
        return value.serialized()
    }
}
