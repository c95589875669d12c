import Foundation
import Logging
import NIOCore
import NIOPosix
import SwiftProtobuf
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchWire

/// A `TestServer` with the HTTP listener (Connect API and console) on a second loopback port.
struct HTTPTestServer {
    let server: TestServer
    let httpPort: Int
    let task: Task<Void, any Error>

    static func start(_ configuration: ServerConfiguration = ServerConfiguration(), catalogue: Catalogue = smallCatalogue(),
                      keys: Bool = false, http: VendorMatchHTTPServer.Configuration = .init(port: 0)) async throws -> HTTPTestServer {
        let server = try await TestServer.start(configuration, catalogue: catalogue, keys: keys)
        var logger = Logger(label: "test.http")
        logger.logLevel = .critical
        var config = http
        config.port = 0
        let listener = VendorMatchHTTPServer(configuration: config, server: server.server, logger: logger)
        let task = Task { try await listener.run() }
        let port = try await listener.listeningAddress.port!
        return HTTPTestServer(server: server, httpPort: port, task: task)
    }

    func stop() async throws {
        task.cancel()
        try await task.value
        try await server.stop()
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] { try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) }
    }

    /// Sends raw bytes on a new loopback connection and reads until the server closes it.
    func raw(_ bytes: [UInt8]) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: httpPort) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        var received = ByteBuffer()
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            do {
                for try await var chunk in inbound { received.writeBuffer(&chunk) }
            } catch {
                // A reset after the response is as good as a close.
            }
        }
        return Array(received.readableBytesView)
    }

    /// One request with `Connection: close`; the response parsed.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) async throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let received = try await raw(Array((head + "\r\n").utf8) + body)
        return try Self.parse(received)
    }

    static func parse(_ received: [UInt8]) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        let split = try #require((0..<max(0, received.count - 3)).first { Array(received[$0..<$0 + 4]) == separator })
        let lines = String(decoding: received[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let status = try #require(Int(lines[0].split(separator: " ")[1]))
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            let name = kv[0].lowercased()
            let value = kv.count > 1 ? kv[1].trimmingCharacters(in: .whitespaces) : ""
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        return Response(status: status, headers: headers, body: Array(received[(split + 4)...]))
    }

    func connect(_ method: String, json: String, headers: [(String, String)] = []) async throws -> Response {
        try await request("POST", "/vendormatch.v1.VendorMatch/\(method)", headers: [("Content-Type", "application/json")] + headers,
                          body: Array(json.utf8))
    }
}

@Suite("HTTP: Connect unary calls")
struct ConnectTests {
    @Test func shortlistOverJSONAndProtoEqualsTheBinaryProtocol() async throws {
        let s = try await HTTPTestServer.start()
        let client = try await s.server.client()
        let request = shortlistRequest(id: "same")
        let binary = try await client.shortlist(request)

        let json = try await s.connect("Shortlist", json: try request.jsonString())
        #expect(json.status == 200)
        #expect(json.headers["content-type"] == "application/json")
        let fromJSON = try Vendormatch_V1_ShortlistResponse(jsonUTF8Bytes: json.body)
        #expect(fromJSON.vendors.map(\.vendorID) == binary.vendors.map(\.vendorID))
        #expect(fromJSON.vendors.map(\.score) == binary.vendors.map(\.score))
        #expect(fromJSON.vendors.map { $0.matchedCases.map(\.caseStudyID) } == binary.vendors.map { $0.matchedCases.map(\.caseStudyID) })

        let proto = try await s.request("POST", "/vendormatch.v1.VendorMatch/Shortlist", headers: [("Content-Type", "application/proto")],
                                        body: try request.serializedBytes())
        #expect(proto.status == 200)
        #expect(proto.headers["content-type"] == "application/proto")
        let fromProto = try Vendormatch_V1_ShortlistResponse(serializedBytes: proto.body)
        #expect(fromProto == binary)
        await client.close()
        try await s.stop()
    }

    @Test func snakeCaseFieldNamesAndAnEmptyBodyAreAccepted() async throws {
        let s = try await HTTPTestServer.start()
        let cases = try await s.connect("FindCaseStudies", json: #"{"industry": "522", "service_types": ["data.machine-learning"], "k": 2}"#)
        #expect(cases.status == 200)
        let parsed = try Vendormatch_V1_FindCaseStudiesResponse(jsonUTF8Bytes: cases.body)
        #expect(parsed.cases.count == 2)
        let health = try await s.connect("Health", json: "")
        #expect(health.status == 200)
        #expect(try health.json()["status"] as? String == "SERVING")
        try await s.stop()
    }

    @Test(arguments: [
        ("Shortlist", #"{"industry": "99x"}"#, 400, "invalid_argument", "industry"),
        ("Shortlist", #"{"k": "lots"}"#, 400, "invalid_argument", "\"k\""),
        ("Shortlist", #"[1, 2]"#, 400, "invalid_argument", "JSON object"),
        ("Shortlist", #"{"industry": "52"#, 400, "invalid_argument", "not valid JSON"),
        ("GetVendor", #"{"id": "nobody"}"#, 404, "not_found", "nobody"),
        ("GetVendor", #"{}"#, 400, "invalid_argument", "id"),
        ("Nonexistent", #"{}"#, 404, "unimplemented", "unknown method"),
    ])
    func errorsAreConnectErrorsWithTheirStatus(method: String, body: String, status: Int, code: String, mentions: String) async throws {
        let s = try await HTTPTestServer.start()
        let response = try await s.connect(method, json: body)
        #expect(response.status == status)
        #expect(response.headers["content-type"] == "application/json")
        let error = try response.json()
        #expect(error["code"] as? String == code)
        #expect((error["message"] as? String ?? "").contains(mentions))
        try await s.stop()
    }

    @Test func anExpiredTimeoutIsDeadlineExceeded() async throws {
        let s = try await HTTPTestServer.start()
        let expired = try await s.connect("Shortlist", json: "{}", headers: [("Connect-Timeout-Ms", "0")])
        #expect(expired.status == 504)
        #expect(try expired.json()["code"] as? String == "deadline_exceeded")
        let malformed = try await s.connect("Shortlist", json: "{}", headers: [("Connect-Timeout-Ms", "soon")])
        #expect(malformed.status == 400)
        try await s.stop()
    }

    @Test func keysScopesAndTenantsApplyAsOnTheWire() async throws {
        let s = try await HTTPTestServer.start(catalogue: catalogueWithAcmeReferrals(), keys: true)
        let reader = try s.server.store.createKey(tenant: "acme", scopes: .read).token.text
        let missing = try await s.connect("Stats", json: "{}")
        #expect(missing.status == 401)
        #expect(try missing.json()["code"] as? String == "unauthenticated")
        let other = try await s.connect("Shortlist", json: #"{"buyer_org": "bolt"}"#, headers: [("Authorization", "Bearer \(reader)")])
        #expect(other.status == 403)
        #expect(try other.json()["code"] as? String == "permission_denied")
        let write = try await s.connect("DeleteVendor", json: #"{"id": "credml"}"#, headers: [("Authorization", "Bearer \(reader)")])
        #expect(write.status == 403)
        let ok = try await s.connect("Stats", json: "{}", headers: [("Authorization", "Bearer \(reader)")])
        #expect(ok.status == 200)
        let health = try await s.connect("Health", json: "{}")
        #expect(health.status == 200)
        try await s.stop()
    }

    @Test func protocolLimitsAreEnforced() async throws {
        let s = try await HTTPTestServer.start(http: .init(maximumBodyBytes: 1024))
        let large = try await s.request("POST", "/vendormatch.v1.VendorMatch/Shortlist", headers: [("Content-Type", "application/json")],
                                        body: Array(repeating: UInt8(ascii: " "), count: 2048))
        #expect(large.status == 413)
        let media = try await s.request("POST", "/vendormatch.v1.VendorMatch/Shortlist", headers: [("Content-Type", "text/plain")], body: Array("{}".utf8))
        #expect(media.status == 415)
        let get = try await s.request("GET", "/vendormatch.v1.VendorMatch/Shortlist")
        #expect(get.status == 405)
        let garbage = try await s.raw(Array("NOT HTTP AT ALL\r\n\r\n".utf8))
        #expect(String(decoding: garbage, as: UTF8.self).hasPrefix("HTTP/1.1 400"))
        // The listener still answers.
        #expect(try await s.request("GET", "/healthz").status == 200)
        try await s.stop()
    }

    @Test func corsHeadersOnlyForTheConfiguredOrigin() async throws {
        let s = try await HTTPTestServer.start(http: .init(corsOrigin: "https://portal.example"))
        let allowed = try await s.connect("Health", json: "{}", headers: [("Origin", "https://portal.example")])
        #expect(allowed.headers["access-control-allow-origin"] == "https://portal.example")
        let other = try await s.connect("Health", json: "{}", headers: [("Origin", "https://evil.example")])
        #expect(other.headers["access-control-allow-origin"] == nil)
        let preflight = try await s.request("OPTIONS", "/vendormatch.v1.VendorMatch/Shortlist", headers: [("Origin", "https://portal.example")])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-headers"]?.contains("Connect-Timeout-Ms") == true)
        try await s.stop()
        let closed = try await HTTPTestServer.start()
        let none = try await closed.connect("Health", json: "{}", headers: [("Origin", "https://portal.example")])
        #expect(none.headers["access-control-allow-origin"] == nil)
        try await closed.stop()
    }
}

@Suite("HTTP: the web console")
struct ConsoleTests {
    @Test func finderShowsCaseStudiesInTheEnginesOrderWithTheirIds() async throws {
        let s = try await HTTPTestServer.start()
        let client = try await s.server.client()
        var q = Vendormatch_V1_FindCaseStudiesRequest()
        q.industry = "522"
        q.need = "loan defaults"
        let binary = try await client.findCaseStudies(q)
        let page = try await s.request("GET", "/?industry=522&need=loan+defaults")
        #expect(page.status == 200)
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        let ids = page.text.components(separatedBy: "data-case-study-id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids == binary.cases.map(\.caseStudyID))
        let csv = try await s.request("GET", "/cases.csv?industry=522&need=loan+defaults")
        #expect(csv.status == 200)
        #expect(csv.text.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[1]) } == binary.cases.map(\.caseStudyID))
        await client.close()
        try await s.stop()
    }

    @Test func anInvalidFieldShowsTheValidatorsMessageBesideIt() async throws {
        let s = try await HTTPTestServer.start()
        let page = try await s.request("GET", "/shortlist?industry=99x&need=loans")
        #expect(page.status == 400)
        #expect(page.text.contains("id=\"f-industry-error\""))
        #expect(page.text.contains("aria-invalid=\"true\""))
        #expect(page.text.contains("<form"))
        try await s.stop()
    }

    @Test func catalogueValuesAreEscaped() async throws {
        var catalogue = smallCatalogue()
        catalogue.vendors[0].name = "<img src=x onerror=alert(1)>"
        let s = try await HTTPTestServer.start(catalogue: catalogue)
        for path in ["/shortlist?industry=522&service_types=data", "/vendors/bankdata", "/?industry=5221"] {
            let page = try await s.request("GET", path)
            #expect(page.status == 200, "\(path)")
            #expect(!page.text.contains("<img src=x"), "\(path)")
        }
        let shortlist = try await s.request("GET", "/shortlist?industry=522&service_types=data")
        #expect(shortlist.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
        try await s.stop()
    }

    @Test func shortlistLinksVendorsInOrderAndComparesUpToThree() async throws {
        let s = try await HTTPTestServer.start()
        let client = try await s.server.client()
        var q = Vendormatch_V1_ShortlistRequest()
        q.industry = "522"
        q.explain = true
        let binary = try await client.shortlist(q)
        let page = try await s.request("GET", "/shortlist?industry=522&compare=bankdata&compare=credml")
        let linked = page.text.components(separatedBy: "<li class=\"vendor\" data-vendor-id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(linked == binary.vendors.map(\.vendorID))
        #expect(page.text.contains("href=\"/vendors/bankdata\""))
        #expect(page.text.contains("id=\"compare-h\""))
        let four = try await s.request("GET", "/shortlist?industry=522&compare=a&compare=b&compare=c&compare=d")
        #expect(four.text.contains("id=\"f-compare-error\""))
        await client.close()
        try await s.stop()
    }

    @Test func withKeysTheConsoleAsksForOneAndKeepsItInAStrictCookie() async throws {
        let s = try await HTTPTestServer.start(keys: true)
        let key = try s.server.store.createKey(tenant: "acme", scopes: .read).token.text
        let anonymous = try await s.request("GET", "/overview")
        #expect(anonymous.status == 401)
        #expect(anonymous.text.contains("name=\"key\""))
        let wrong = try await s.request("POST", "/session", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                        body: Array("key=nope&next=%2Foverview".utf8))
        #expect(wrong.status == 401)
        let signIn = try await s.request("POST", "/session", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                         body: Array("key=\(QueryEscape.escape(key))&next=%2Foverview".utf8))
        #expect(signIn.status == 303)
        #expect(signIn.headers["location"] == "/overview")
        let cookie = try #require(signIn.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let value = try #require(cookie.split(separator: ";").first.map(String.init))
        let overview = try await s.request("GET", "/overview", headers: [("Cookie", value)])
        #expect(overview.status == 200)
        #expect(overview.text.contains("Vendors"))
        let redirect = try await s.request("POST", "/session", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                           body: Array("key=\(QueryEscape.escape(key))&next=%2F%2Fevil.example".utf8))
        #expect(redirect.headers["location"] == "/")
        try await s.stop()
    }

    @Test func healthAndUnknownPages() async throws {
        let s = try await HTTPTestServer.start()
        #expect(try await s.request("GET", "/healthz").status == 200)
        #expect(try await s.request("GET", "/nowhere").status == 404)
        #expect(try await s.request("GET", "/vendors/nobody").status == 404)
        #expect(try await s.request("DELETE", "/").status == 405)
        let css = try await s.request("GET", "/static/console.css")
        #expect(css.status == 200 && css.headers["content-type"]?.hasPrefix("text/css") == true)
        try await s.stop()
    }
}

enum QueryEscape {
    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
