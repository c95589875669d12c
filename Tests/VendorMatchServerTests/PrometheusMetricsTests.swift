import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import VendorMatchClient
import VendorMatchProto
import VendorMatchRanking
import VendorMatchServer
import VendorMatchWire

@Suite("Prometheus metrics and structured logs")
struct PrometheusMetricsTests {
    /// A test server whose metrics are served over HTTP on a second loopback port.
    struct MeteredServer {
        let server: TestServer
        let metricsPort: Int
        let metricsTask: Task<Void, any Error>

        static func start(_ configuration: ServerConfiguration = ServerConfiguration()) async throws -> MeteredServer {
            let engine = NIOLockedValueBox<RankingEngine?>(nil)
            let metrics = ServerMetrics {
                engine.withLockedValue { $0 }.map {
                    ServerMetrics.Snapshot(vendors: $0.counts.vendors, caseStudies: $0.counts.caseStudies,
                                           referrals: $0.counts.referrals,
                                           modelVersion: $0.model.metadata[ServedCandidates.modelVersionKey] ?? "unversioned")
                }
            }
            let server = try await TestServer.start(configuration, telemetry: ServerTelemetry(metrics: metrics))
            engine.withLockedValue { $0 = server.engine }
            var logger = Logger(label: "test.metrics")
            logger.logLevel = .critical
            let http = MetricsHTTPServer(configuration: .init(port: 0), metrics: metrics, logger: logger)
            let task = Task { try await http.run() }
            let port = try await http.listeningAddress.port!
            return MeteredServer(server: server, metricsPort: port, metricsTask: task)
        }

        func stop() async throws {
            metricsTask.cancel()
            try await metricsTask.value
            try await server.stop()
        }
    }

    /// One HTTP/1.1 exchange over a raw loopback connection: status code, headers (lower-cased names), body.
    static func http(port: Int, _ request: String) async throws -> (status: Int, headers: [String: String], body: String) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        var received = ByteBuffer()
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            for try await var chunk in inbound { received.writeBuffer(&chunk) }
        }
        let text = String(buffer: received)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let lines = parts[0].components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1])!
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The samples of a Prometheus text exposition: `name{a="x",b="y"}` (labels sorted) → value.
    static func samples(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let split = try #require(line.lastIndex(of: " "))
            let series = line[..<split]
            let value = try #require(Double(line[line.index(after: split)...]))
            var key = String(series)
            if let open = series.firstIndex(of: "{") {
                let labels = series[series.index(after: open)..<series.index(before: series.endIndex)]
                    .split(separator: ",").map(String.init).sorted()
                key = series[..<open] + "{" + labels.joined(separator: ",") + "}"
            }
            #expect(samples[key] == nil, "series \(key) appears twice")
            samples[key] = value
        }
        return samples
    }

    static func scrape(_ server: MeteredServer) async throws -> (text: String, samples: [String: Double]) {
        let response = try await http(port: server.metricsPort, "GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.headers["content-length"] == "\(response.body.utf8.count)")
        return (response.body, try samples(response.body))
    }

    @Test func scrapeCountsTheRequestsSentThroughTheClient() async throws {
        let server = try await MeteredServer.start()
        let client = try await server.server.client()
        for i in 0..<5 { _ = try await client.shortlist(shortlistRequest(id: "q\(i)")) }
        _ = try? await client.shortlist(shortlistRequest(id: "bad", k: 0))
        for _ in 0..<2 { _ = try await client.health() }
        var unknown = Vendormatch_V1_Frame()
        unknown.method = "/vendormatch.v1.VendorMatch/Nope"
        _ = try await client.send(unknown)
        var a = Vendormatch_V1_Vendor(), b = Vendormatch_V1_Vendor()
        (a.id, a.name, b.id, b.name) = ("new1", "New One", "new2", "New Two")
        _ = try await client.upsertVendors([a, b])

        let (text, samples) = try await Self.scrape(server)
        #expect(samples[#"vendormatch_requests_total{method="Shortlist",status="OK"}"#] == 5)
        #expect(samples[#"vendormatch_requests_total{method="Shortlist",status="INVALID_ARGUMENT"}"#] == 1)
        #expect(samples[#"vendormatch_requests_total{method="Health",status="OK"}"#] == 2)
        #expect(samples[#"vendormatch_requests_total{method="unknown",status="UNIMPLEMENTED"}"#] == 1)
        #expect(samples[#"vendormatch_requests_total{method="UpsertVendors",status="OK"}"#] == 1)
        #expect(samples[#"vendormatch_request_duration_seconds_count{method="Shortlist"}"#] == 6)
        #expect(samples[#"vendormatch_request_duration_seconds_bucket{le="+Inf",method="Shortlist"}"#] == 6)
        #expect(samples[#"vendormatch_request_duration_seconds_count{method="GetVendor"}"#] == 0)
        #expect(samples[#"vendormatch_records_written_total{kind="vendors"}"#] == 2)
        #expect(samples[#"vendormatch_records_written_total{kind="referrals"}"#] == 0)
        #expect(samples["vendormatch_requests_in_flight"] == 0)
        #expect(samples["vendormatch_connections_open"] == 1)
        #expect(samples["vendormatch_connections_total"] == 1)
        #expect(samples[#"vendormatch_connections_refused_total{reason="max_connections"}"#] == 0)
        #expect(samples["vendormatch_index_vendors"] == 5)
        #expect(samples["vendormatch_index_case_studies"] == 3)
        #expect(samples["vendormatch_index_referrals"] == 1)
        #expect(samples[#"vendormatch_model_info{version="unversioned"}"#] == 1)
        #expect(samples.keys.allSatisfy { $0.hasPrefix("vendormatch_") })
        for name in ServerMetrics.help.keys {
            #expect(text.contains("# HELP \(name) "), "no HELP line for \(name)")
        }

        await client.close()
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await Self.scrape(server).samples["vendormatch_connections_open"] == 0)
        try await server.stop()
    }

    @Test func refusedConnectionsAreCountedByReason() async throws {
        let server = try await MeteredServer.start(ServerConfiguration(maximumConnections: 1))
        let first = try await server.server.client()
        _ = try await first.health()
        let second = try await server.server.client()
        _ = try? await second.health()
        await second.close()
        let samples = try await Self.scrape(server).samples
        #expect(samples[#"vendormatch_connections_refused_total{reason="max_connections"}"#] == 1)
        #expect(samples["vendormatch_connections_open"] == 1)
        await first.close()
        try await server.stop()
    }

    @Test func anythingButGetMetricsIsRefused() async throws {
        let server = try await MeteredServer.start()
        let notFound = try await Self.http(port: server.metricsPort, "GET /other HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(notFound.status == 404)
        let post = try await Self.http(port: server.metricsPort, "POST /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        let garbage = try await Self.http(port: server.metricsPort, "NOT HTTP AT ALL\r\n\r\n")
        #expect(garbage.status == 400)
        let huge = try await Self.http(port: server.metricsPort,
                                       "POST /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + String(repeating: "x", count: 100_000))
        #expect(huge.status == 413)
        // Two requests on one keep-alive connection: both answered.
        let twice = try await Self.http(port: server.metricsPort,
                                        "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\nGET /metrics?x=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(twice.status == 200)
        #expect(twice.body.components(separatedBy: "HTTP/1.1 200 OK").count == 2)
        _ = try await Self.scrape(server)
        try await server.stop()
    }

    @Test func jsonLogLinesCarryTheRequestFields() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "vendormatch.server") { JSONLogHandler(label: $0) { line in lines.withLockedValue { $0.append(line) } } }
        logger[metadataKey: "vm.connection.id"] = "3"
        logger.info("request", metadata: [
            "vm.request.id": "7", "vm.method": "Shortlist", "vm.tenant": .stringConvertible(LogNull()), "vm.status": "OK",
            "vm.status.code": .stringConvertible(0), "vm.latency.ms": .stringConvertible(0.25), "vm.note": "a \"quoted\"\nline",
        ])
        let line = try #require(lines.withLockedValue { $0 }.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "request")
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "vendormatch.server")
        #expect(object["vm.request.id"] as? String == "7")
        #expect(object["vm.connection.id"] as? String == "3")
        #expect(object["vm.method"] as? String == "Shortlist")
        #expect(object["vm.tenant"] is NSNull)
        #expect((object["vm.status.code"] as? NSNumber)?.intValue == 0)
        #expect((object["vm.latency.ms"] as? NSNumber)?.doubleValue == 0.25)
        #expect(object["vm.note"] as? String == "a \"quoted\"\nline")
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
    }
}
