import ArgumentParser
import Foundation
import SwiftProtobuf
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchWire

/// Where the server is and how to talk to it.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Server address.")
    var host = "127.0.0.1"

    @Option(help: "Server port.")
    var port = 7420

    @Option(help: "Several servers sharing one catalogue, HOST:PORT,HOST:PORT: calls are spread over them, a read answered UNAVAILABLE is retried on the next, and reads wait for the versions of this client's writes (overrides --host/--port).")
    var endpoints: String?

    @Option(name: .customLong("auth-token"), help: "Bearer token (default: $VENDORMATCH_AUTH_TOKEN).")
    var authToken: String?

    @Option(name: .customLong("deadline-ms"), help: "Deadline sent with each call, in milliseconds.")
    var deadlineMilliseconds: Int?

    @Flag(name: .customLong("tls"), help: "Connect over TLS (1.2+), checking the server's certificate against the system's CAs and --tls-ca.")
    var tls = false

    @Option(name: .customLong("tls-ca"), help: ArgumentHelp(
        "Also trust the CA certificate(s) in this PEM file (a private CA, or a self-signed server certificate); implies --tls.",
        valueName: "PEM"))
    var tlsCA: String?

    /// The TLS settings of `--tls`/`--tls-ca`, nil for plaintext; a bad `--tls-ca` file is INVALID_ARGUMENT (exit 2).
    func clientTLS() throws(RPCError) -> ClientTLS? {
        guard tls || tlsCA != nil else { return nil }
        return try ClientTLS(caFile: tlsCA)
    }

    var token: String? {
        authToken ?? ProcessInfo.processInfo.environment["VENDORMATCH_AUTH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The servers to call: `--endpoints`, else `--host`/`--port`. Connections open on the first call.
    func connect() async throws -> VendorMatchEndpoints {
        let list = try endpoints.map { (text) throws(RPCError) in try VendorMatchEndpoints.Endpoint.list(text) }
            ?? [VendorMatchEndpoints.Endpoint(host: host, port: port)]
        return VendorMatchEndpoints(
            endpoints: list, configuration: .init(authToken: token, defaultDeadline: deadlineMilliseconds.map { .milliseconds($0) }, tls: try clientTLS()))
    }
}

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Calls a running server (vendormatch serve) over the wire protocol.",
        discussion: """
        Exit status: 0 OK; 2 when the server answers INVALID_ARGUMENT, NOT_FOUND or UNAUTHENTICATED; 1 otherwise.
        The error names the gRPC status, e.g. "INVALID_ARGUMENT (3): field \\"k\\": …".
        """,
        subcommands: [ClientShortlist.self, ClientCases.self, ClientHealth.self, ClientStats.self]
    )
}

/// Prints `message` as proto3 JSON with the .proto field names.
func printProtoJSON(_ message: some SwiftProtobuf.Message) throws {
    var options = JSONEncodingOptions()
    options.preserveProtoFieldNames = true
    print(try message.jsonString(options: options))
}

/// Exits with a message naming the status: 2 for the caller's mistakes, 1 for the rest.
func exitWith(rpc error: RPCError) -> Never {
    FileHandle.standardError.write(Data("vendormatch: \(error.code): \(error.message)\n".utf8))
    let callerMistakes: Set<StatusCode> = [.invalidArgument, .notFound, .unauthenticated]
    Foundation.exit(callerMistakes.contains(error.code) ? 2 : 1)
}

/// Runs `body`, mapping failures to exit codes.
func runClient(_ body: () async throws -> Void) async {
    do {
        try await body()
    } catch let error as RPCError {
        exitWith(rpc: error)
    } catch {
        exitWith(error)
    }
}

struct ClientShortlist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist", abstract: "Ranks vendors for a request on the server (same flags as `shortlist`).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var requestOptions: RequestOptions

    @Flag(help: "Leave out explanations (reasons, matched cases, referral summaries).")
    var brief = false

    @Flag(help: "Print the response as proto3 JSON.")
    var json = false

    func run() async throws {
        await runClient {
            let request = try requestOptions.shortlistRequest(explain: !brief)
            let client = try await connection.connect()
            let response = try await client.shortlist(request)
            await client.close()
            if json { return try printProtoJSON(response) }
            if response.vendors.isEmpty {
                print("No vendor meets the request's hard constraints.")
                return
            }
            print("\(response.vendors.count) of \(response.candidateCount) vendors that meet the hard constraints (request \(response.requestID)):\n")
            for (i, v) in response.vendors.enumerated() {
                print(String(format: "%2d. %@ (%@)  score %.3f", i + 1, v.name, v.vendorID, v.score))
                let b = v.breakdown
                print(String(format: "    industry %+.3f, size %+.3f, need %+.3f, service %+.3f, trust %+.3f, quality %+.3f, other %+.3f",
                             b.industry, b.size, b.need, b.service, b.trust, b.quality, b.other))
                for reason in v.reasons { print("    - " + reason) }
                for m in v.matchedCases { print(String(format: "    case %@: score %.3f", m.caseStudyID, m.score)) }
                print("")
            }
        }
    }
}

struct ClientCases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "Finds case studies comparable to a prospect profile on the server.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Prospect industry (NAICS).") var industry: String?
    @Option(help: "Prospect size band.") var size: String?
    @Option(help: "The prospect's need in its own words.") var need: String?
    @Option(name: .long, parsing: .singleValue, help: "Service type (repeatable).") var service: [String] = []
    @Option(help: "Only this vendor's case studies.") var vendor: String?
    @Option(name: .short, help: "How many (1…1000, default 10).") var k: Int?
    @Flag(help: "Print the response as proto3 JSON.") var json = false

    func run() async throws {
        await runClient {
            var q = Vendormatch_V1_FindCaseStudiesRequest()
            if let industry { q.industry = industry }
            if let size { q.size = size }
            if let need { q.need = need }
            q.serviceTypes = service.flatMap { $0.split(separator: ",").map(String.init) }
            if let vendor { q.vendorID = vendor }
            if let k { q.k = Int32(clamping: k) }
            let client = try await connection.connect()
            let response = try await client.findCaseStudies(q)
            await client.close()
            if json { return try printProtoJSON(response) }
            for (i, m) in response.cases.enumerated() {
                var dims: [String] = []
                if m.hasIndustry { dims.append(String(format: "industry %.2f", m.industry)) }
                if m.hasSize { dims.append(String(format: "size %.2f", m.size)) }
                if m.hasNeed { dims.append(String(format: "need %.2f", m.need)) }
                if m.hasService { dims.append(String(format: "service %.2f", m.service)) }
                print(String(format: "%2d. %@ (vendor %@)  score %.3f  ", i + 1, m.caseStudyID, m.vendorID, m.score) + dims.joined(separator: ", "))
                if m.caseStudy.hasNeed { print("    need: \(m.caseStudy.need)") }
            }
        }
    }
}

struct ClientHealth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Asks the server whether it is up.")

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print the response as proto3 JSON.") var json = false

    func run() async throws {
        await runClient {
            let client = try await connection.connect()
            let (h, metadata) = try await client.health()
            await client.close()
            if json { return try printProtoJSON(h) }
            var line = "\(h.status) version \(h.version), up \(h.uptimeMs / 1000) s"
            if let v = metadata[MetadataKey.catalogueVersion] {
                line += "; catalogue version \(v), lag \(metadata[MetadataKey.catalogueLagVersions] ?? "0") versions / \(metadata[MetadataKey.catalogueLagMilliseconds] ?? "0") ms"
            }
            print(line)
        }
    }
}

struct ClientStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Catalogue counts, request counters and latency percentiles per method.")

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print the response as proto3 JSON.") var json = false

    func run() async throws {
        await runClient {
            let client = try await connection.connect()
            let s = try await client.stats()
            await client.close()
            if json { return try printProtoJSON(s) }
            print("catalogue: \(s.counts.vendors) vendors, \(s.counts.caseStudies) case studies, \(s.counts.referrals) referrals, \(s.counts.outcomes) outcomes")
            print("up \(s.uptimeMs / 1000) s; connections: \(s.connectionsOpen) open, \(s.connectionsTotal) since start")
            if !s.outcomeWeeks.isEmpty {
                print("\nonline evaluation (shortlists served and the outcomes recorded for them):")
                print(OutcomeReport.table(s.outcomeWeeks.map(OutcomeReport.Row.init)))
            }
            if s.methods.isEmpty { return }
            print("\n" + "method".padding(toLength: 46, withPad: " ", startingAt: 0) + "  requests    errors   p50 ms   p90 ms   p99 ms   max ms")
            for m in s.methods {
                print(m.method.padding(toLength: 46, withPad: " ", startingAt: 0)
                    + String(format: "  %8llu  %8llu  %7.3f  %7.3f  %7.3f  %7.3f", m.requests, m.errors,
                             m.p50Us / 1000, m.p90Us / 1000, m.p99Us / 1000, m.maxUs / 1000))
            }
        }
    }
}

extension RequestOptions {
    /// The wire request: `--request FILE` (requests.jsonl form, read as proto3 JSON) with the flags on top.
    /// Not validated here: the server validates and names the field at fault.
    func shortlistRequest(explain: Bool) throws -> Vendormatch_V1_ShortlistRequest {
        var q = Vendormatch_V1_ShortlistRequest()
        if let request {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: request)) } catch {
                throw VMError(.invalidInput, "cannot read request file \(request): \(error.localizedDescription)")
            }
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            do { q = try Vendormatch_V1_ShortlistRequest(jsonUTF8Data: data, options: options) } catch {
                throw VMError(.invalidInput, "\(request): not a request object: \(error)")
            }
        }
        func list(_ values: [String]) -> [String] { values.flatMap { $0.split(separator: ",").map(String.init) } }
        if q.id.isEmpty { q.id = "cli" }
        if let buyer { q.buyerOrg = buyer }
        if let industry { q.industry = industry }
        if let size { q.size = size }
        if let need { q.need = need }
        if !service.isEmpty { q.serviceTypes = list(service) }
        if !region.isEmpty { q.regions = list(region) }
        if !language.isEmpty { q.languages = list(language) }
        if !certification.isEmpty { q.requiredCertifications = list(certification) }
        if let budget { q.budgetUsd = budget }
        if !exclude.isEmpty { q.excludeVendors = list(exclude) }
        if let k { q.k = Int32(clamping: k) }
        q.explain = explain
        return q
    }
}
