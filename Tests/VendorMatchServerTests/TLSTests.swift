import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchWire

/// The test-only CA and server certificate of `Tests/Fixtures/tls` (CN/SAN 127.0.0.1, ::1, localhost).
enum TLSFixtures {
    static let directory = repositoryRoot.appendingPathComponent("Tests/Fixtures/tls")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    static var ca: String { path("ca.pem") }
    static var otherCA: String { path("other-ca.pem") }

    static func serverTLS() throws -> ServerTLS {
        try ServerTLS.load(certificatePath: path("server.pem"), keyPath: path("server.key"))
    }

    static func trustingCA(serverHostname: String? = nil) throws -> ClientTLS {
        try ClientTLS(caFile: ca, serverHostname: serverHostname)
    }
}

extension TestServer {
    /// A client over TLS (trusting the test CA unless `tls` says otherwise).
    func tlsClient(host: String = "127.0.0.1", tls: ClientTLS? = nil) async throws -> VendorMatchClient {
        try await VendorMatchClient.connect(host: host, port: port, configuration: .init(tls: try tls ?? TLSFixtures.trustingCA()))
    }
}

@Suite("TLS: the wire protocol over swift-nio-ssl, TLS 1.2+")
struct TLSTests {
    static func tlsServer(frameTimeout: TimeAmount = .seconds(10)) async throws -> TestServer {
        try await TestServer.start(ServerConfiguration(frameTimeout: frameTimeout, tls: try TLSFixtures.serverTLS()))
    }

    @Test func callsSucceedOverTLSByAddressAndByName() async throws {
        let server = try await Self.tlsServer()
        let client = try await server.tlsClient()
        #expect(try await client.health().status == "SERVING")
        var request = Vendormatch_V1_ShortlistRequest()
        request.industry = "522"
        request.k = 2
        let list = try await client.shortlist(request)
        #expect(list.vendors.map(\.vendorID).first == "bankdata")
        await client.close()
        // The certificate names localhost too (a DNS name, checked and sent as SNI).
        let byName = try await server.tlsClient(host: "localhost")
        #expect(try await byName.health().status == "SERVING")
        await byName.close()
        try await server.stop()
    }

    @Test func aPlaintextClientFailsCleanlyAndOthersKeepWorking() async throws {
        let server = try await Self.tlsServer()
        let tls = try await server.tlsClient()
        #expect(try await tls.health().status == "SERVING")
        // A plaintext frame is not a TLS record: the server closes that connection, and only that one.
        let plain = try await VendorMatchClient.connect(host: "127.0.0.1", port: server.port)
        await #expect(throws: RPCError.self) {
            _ = try await plain.health()
        }
        await plain.close()
        try await RawConnection.with(port: server.port) { raw in
            try await raw.write(Array(repeating: 0xFF, count: 4096))
            let (frames, closed) = try await raw.read(count: 1)
            #expect(closed)
            #expect(frames.isEmpty)
        }
        #expect(try await tls.health().status == "SERVING")
        let fresh = try await server.tlsClient()
        #expect(try await fresh.health().status == "SERVING")
        await fresh.close()
        await tls.close()
        try await server.stop()
    }

    @Test(arguments: [TLSVersion.tlsv1, .tlsv11])
    func refusesProtocolsOlderThanTLS12(_ version: TLSVersion) async throws {
        let server = try await Self.tlsServer()
        var old = TLSConfiguration.makeClientConfiguration()
        old.minimumTLSVersion = .tlsv1
        old.maximumTLSVersion = version
        old.additionalTrustRoots = [.file(TLSFixtures.ca)]
        let client = try ClientTLS(configuration: old)
        await #expect(throws: RPCError.self) {
            let c = try await server.tlsClient(tls: client)
            await c.close()
        }
        // The same client allowed TLS 1.2 gets through.
        old.maximumTLSVersion = .tlsv12
        let tls12 = try await server.tlsClient(tls: try ClientTLS(configuration: old))
        #expect(try await tls12.health().status == "SERVING")
        await tls12.close()
        try await server.stop()
    }

    @Test func aClientThatDoesNotTrustTheCAFailsAtConnect() async throws {
        let server = try await Self.tlsServer()
        for tls in [try ClientTLS(caFile: TLSFixtures.otherCA), try ClientTLS()] {
            do {
                let c = try await server.tlsClient(tls: tls)
                await c.close()
                Issue.record("connected without trusting the server's CA")
            } catch let error as RPCError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("TLS handshake"), "\(error.message)")
            }
        }
        let good = try await server.tlsClient()
        #expect(try await good.health().status == "SERVING")
        await good.close()
        try await server.stop()
    }

    @Test func closesAConnectionThatNeverFinishesItsHandshake() async throws {
        // Generous bounds: the whole test suite runs in parallel on two shared cores.
        let server = try await Self.tlsServer(frameTimeout: .seconds(2))
        let start = ContinuousClock.now   // before connecting: the server's timer starts after this
        try await RawConnection.with(port: server.port) { raw in
            let (_, closed) = try await raw.read(count: 1)
            let elapsed = ContinuousClock.now - start
            #expect(closed)
            #expect(elapsed >= .seconds(2), "closed after \(elapsed), before the 2 s timeout")
            #expect(elapsed < .seconds(15), "closed only after \(elapsed)")
        }
        let client = try await server.tlsClient()
        #expect(try await client.health().status == "SERVING")
        await client.close()
        try await server.stop()
    }

    @Test func drainingEndsTLSConnectionsPromptly() async throws {
        // TLS cannot close only its input: draining stops reading behind TLS instead, and the connection
        // closes once its requests are answered, not when the client closes it (this client never does
        // before the stop returns). Generous bound: the whole suite runs in parallel on two shared cores
        // (a stop took 4.6 s there once; alone it takes well under a second).
        let server = try await Self.tlsServer()
        let client = try await server.tlsClient()
        #expect(try await client.health().status == "SERVING")
        let start = ContinuousClock.now
        try await server.stop()
        #expect(ContinuousClock.now - start < .seconds(12), "draining took \(ContinuousClock.now - start)")
        await #expect(throws: RPCError.self) { _ = try await client.health() }
        await client.close()
    }

    @Test func loadingRefusesBadFilesNamingThem() throws {
        let missing = TLSFixtures.path("nowhere.pem")
        #expect(throws: VMError.self) { try ServerTLS.load(certificatePath: missing, keyPath: TLSFixtures.path("server.key")) }
        do {
            _ = try ServerTLS.load(certificatePath: missing, keyPath: TLSFixtures.path("server.key"))
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == "tls-cert")
            #expect(error.message.contains(missing))
        }
        // A key that is not a key, and a key of another certificate.
        for key in [TLSFixtures.path("README.md"), TLSFixtures.path("ca.key")] {
            do {
                _ = try ServerTLS.load(certificatePath: TLSFixtures.path("server.pem"), keyPath: key)
                Issue.record("accepted \(key) as the key of server.pem")
            } catch {
                #expect(error.code == .invalidInput)
                #expect(error.field == "tls-key")
                #expect(error.message.contains(key), "\(error.message)")
            }
        }
        do {
            _ = try ServerTLS.load(certificatePath: TLSFixtures.path("server.key"), keyPath: TLSFixtures.path("server.key"))
            Issue.record("accepted a key as a certificate")
        } catch {
            #expect(error.field == "tls-cert")
        }
        #expect(throws: RPCError.self) { try ClientTLS(caFile: missing) }
        #expect(throws: RPCError.self) { try ClientTLS(caFile: TLSFixtures.path("README.md")) }
    }
}
