import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
import VendorMatchServer

@Suite("HTTPS: the HTTP listener (Connect and console) with the wire listener's certificate")
struct HTTPSTests {
    /// One request with `Connection: close` over TLS (trusting the test CA); the response parsed.
    static func request(port: Int, _ text: String, body: [UInt8] = []) async throws -> HTTPTestServer.Response {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = [.file(TLSFixtures.ca)]
        let context = try NIOSSLContext(configuration: tls)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var received = ByteBuffer()
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: Array(text.utf8) + body))
            do {
                for try await var chunk in inbound { received.writeBuffer(&chunk) }
            } catch {
                // An unclean TLS shutdown after the response is as good as a close.
            }
        }
        return try HTTPTestServer.parse(Array(received.readableBytesView))
    }

    @Test func servesConnectAndTheConsoleOverHTTPSWithASecureCookie() async throws {
        let s = try await HTTPTestServer.start(http: .init(port: 0, tls: try TLSFixtures.serverTLS()))
        let health = try await Self.request(port: s.httpPort, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(health.status == 200)
        let body = Array(#"{}"#.utf8)
        let rpc = try await Self.request(port: s.httpPort, """
            POST /vendormatch.v1.VendorMatch/Health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
            Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n
            """, body: body)
        #expect(rpc.status == 200)
        #expect(rpc.text.contains("SERVING"), "\(rpc.text)")
        // Signing in to the console over TLS: the cookie is Secure (and still HttpOnly, SameSite=Strict).
        let form = Array("key=anything&next=%2F".utf8)
        let signIn = try await Self.request(port: s.httpPort, """
            POST /session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
            Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.count)\r\n\r\n
            """, body: form)
        let cookie = try #require(signIn.headers["set-cookie"])
        #expect(cookie.contains("; Secure"), "\(cookie)")
        #expect(cookie.contains("HttpOnly"))
        // A plaintext request to the HTTPS port gets no HTTP answer, and the listener keeps serving.
        let plain = try await s.raw(Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        #expect(!String(decoding: plain, as: UTF8.self).contains("200 OK"))
        let again = try await Self.request(port: s.httpPort, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(again.status == 200)
        try await s.stop()
    }

    @Test func plainHTTPSetsNoSecureCookie() async throws {
        let s = try await HTTPTestServer.start()
        let form = Array("key=anything&next=%2F".utf8)
        let signIn = try await s.request("POST", "/session", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form)
        let cookie = try #require(signIn.headers["set-cookie"])
        #expect(!cookie.contains("Secure"), "\(cookie)")
        try await s.stop()
    }
}
