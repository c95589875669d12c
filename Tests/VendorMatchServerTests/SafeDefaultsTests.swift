import Foundation
import NIOCore
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchWire

@Suite("Safe defaults: frame timeout, per-address limit, unauthenticated exposure, required names")
struct SafeDefaultsTests {
    @Test func aConnectionTheServerClosedWhenIdleIsReopenedForTheNextCall() async throws {
        // The endpoints client keeps one connection per endpoint; after the server's idle timer closed it, a
        // call pinned to that endpoint (never retried elsewhere) must open a new one, not fail unsent.
        // An idle timer long enough not to fire between connecting and the first call on a loaded machine.
        let server = try await TestServer.start(ServerConfiguration(idleTimeout: .seconds(3)))
        let endpoints = VendorMatchEndpoints(endpoints: [.init(host: "127.0.0.1", port: server.port)])
        #expect(try await endpoints.health(at: 0).health.status == "SERVING")
        let first = try await endpoints.client(0)
        let closedBy = ContinuousClock.now + .seconds(30)
        while first.isOpen, ContinuousClock.now < closedBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!first.isOpen, "the idle timer did not close the connection")
        #expect(try await endpoints.health(at: 0).health.status == "SERVING")
        await endpoints.close()
        try await server.stop()
    }

    @Test func closesAClientDrippingAHeaderWithinTheFrameTimeout() async throws {
        // Which timer closed the connection is told by when, without a wall-clock bound that a loaded
        // machine can miss: the idle timer (60 s) cannot fire before 60 s after the last byte, so a close
        // sooner than that is the frame timer's (400 ms) however slowly the machine runs; a broken frame
        // timer fails the test at 60 s instead of hanging it.
        let frameTimeout = TimeAmount.milliseconds(400)
        let idleTimeout = TimeAmount.seconds(60)
        let server = try await TestServer.start(ServerConfiguration(idleTimeout: idleTimeout, frameTimeout: frameTimeout))
        try await RawConnection.with(port: server.port) { raw in
            let start = ContinuousClock.now
            // One header byte every 150 ms: traffic that would keep a 400 ms idle timer from firing, but
            // the frame never completes.
            for _ in 0..<4 {
                try? await raw.write([0])
                try await Task.sleep(for: .milliseconds(150))
            }
            let (frames, closed) = try await raw.read(count: 1)
            let elapsed = ContinuousClock.now - start
            #expect(closed)
            #expect(frames.isEmpty)
            #expect(elapsed >= .nanoseconds(frameTimeout.nanoseconds) - .milliseconds(50), "closed after \(elapsed), before the frame timeout")
            #expect(elapsed < .nanoseconds(idleTimeout.nanoseconds), "closed after \(elapsed): by the idle timer, not the frame timer")
        }
        // Everyone else is still served.
        let client = try await server.client()
        #expect(try await client.health().status == "SERVING")
        await client.close()
        try await server.stop()
    }

    @Test func aSlowFrameThatCompletesInTimeIsAnsweredAndAQuietConnectionStaysOpen() async throws {
        // Generous bounds: the whole test suite runs in parallel on two cores.
        let server = try await TestServer.start(ServerConfiguration(frameTimeout: .seconds(3)))
        try await RawConnection.with(port: server.port) { raw in
            let bytes = try FrameEncoder.bytes(.request(id: 7, method: .health, message: Vendormatch_V1_HealthRequest()))
            let third = bytes.count / 3
            for chunk in [bytes[..<third], bytes[third..<(2 * third)], bytes[(2 * third)...]] {
                try await raw.write(Array(chunk))
                try await Task.sleep(for: .milliseconds(100))
            }
            let (first, closedEarly) = try await raw.read(count: 1)
            #expect(!closedEarly)
            #expect(first.first?.id == 7 && first.first?.statusCode == .ok)
            // Longer than the frame timeout with no frame begun: not a slow frame, nothing to close.
            try await Task.sleep(for: .milliseconds(3500))
            try await raw.write(try FrameEncoder.bytes(.request(id: 8, method: .health, message: Vendormatch_V1_HealthRequest())))
            let (second, closed) = try await raw.read(count: 1)
            #expect(!closed)
            #expect(second.first?.id == 8)
        }
        try await server.stop()
    }

    @Test func refusesConnectionsBeyondThePerAddressLimit() async throws {
        let server = try await TestServer.start(ServerConfiguration(maximumConnectionsPerAddress: 3))
        var clients: [VendorMatchClient] = []
        for _ in 0..<3 {
            let c = try await server.client()
            _ = try await c.health()
            clients.append(c)
        }
        try await RawConnection.with(port: server.port) { raw in
            let (frames, closed) = try await raw.read(count: 2)
            #expect(closed)
            #expect(frames.first?.statusCode == .resourceExhausted)
            #expect(frames.first?.status.message.contains("per address") == true, "\(frames.first?.status.message ?? "")")
        }
        // A slot freed by a closed connection is given to the next one.
        await clients.removeLast().close()
        var admitted = false
        for _ in 0..<40 where !admitted {
            let c = try await server.client()
            admitted = await status { _ = try await c.health() } == .ok
            if admitted { clients.append(c) } else { await c.close(); try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(admitted)
        for c in clients { await c.close() }
        try await server.stop()
    }

    @Test func refusesToServeANonLoopbackAddressUnauthenticated() throws {
        for host in ["0.0.0.0", "::", "192.0.2.10", "example.org"] {
            #expect(throws: VMError.self, "\(host)") {
                try ServerConfiguration(host: host).checkSafeToServe(keysExist: false)
            }
            do {
                try ServerConfiguration(host: host).checkSafeToServe(keysExist: false)
            } catch {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("--allow-unauthenticated"))
            }
            try ServerConfiguration(host: host).checkSafeToServe(keysExist: true)
            try ServerConfiguration(host: host, authToken: "t").checkSafeToServe(keysExist: false)
            try ServerConfiguration(host: host, allowUnauthenticated: true).checkSafeToServe(keysExist: false)
        }
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1"] {
            try ServerConfiguration(host: host).checkSafeToServe(keysExist: false)
        }
        #expect(throws: VMError.self) { try ServerConfiguration(authToken: "").checkSafeToServe(keysExist: true) }
    }

    @Test func theServerItselfRefusesAnEmptyToken() async throws {
        await #expect(throws: VMError.self) { _ = try await TestServer.start(ServerConfiguration(authToken: "")) }
    }

    @Test(arguments: ["", "   "])
    func aVendorWithoutANameIsInvalidArgumentNamingTheField(name: String) async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var named = Vendormatch_V1_Vendor()
        named.id = "named"
        named.name = "Named"
        var nameless = Vendormatch_V1_Vendor()
        nameless.id = "nameless"
        nameless.name = name
        do {
            _ = try await client.upsertVendors([named, nameless])
            Issue.record("a vendor without a name was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field == "vendors[1].name")
            #expect(error.message.contains("name"))
        }
        #expect(await status { _ = try await client.vendor(id: "named") } == .notFound, "half the batch was written")
        await client.close()
        try await server.stop()
    }
}
