import VendorMatchCore
import Foundation
import NIOCore
import Testing
import VendorMatchClient
import VendorMatchProto
import VendorMatchServer
import VendorMatchWire

@Suite("Transport over loopback")
struct TransportTests {
    @Test func answersFiveHundredPipelinedRequestsWithTheirIds() async throws {
        let server = try await TestServer.start()
        try await RawConnection.with(port: server.port) { raw in
            var bytes: [UInt8] = []
            for id in UInt64(1)...500 {
                let frame: Vendormatch_V1_Frame = id % 2 == 0
                    ? try .request(id: id, method: .shortlist, message: shortlistRequest(id: "q\(id)", k: 2))
                    : try .request(id: id, method: .health, message: Vendormatch_V1_HealthRequest())
                bytes += try FrameEncoder.bytes(frame)
            }
            try await raw.write(bytes)
            let (frames, closed) = try await raw.read(count: 500)
            #expect(!closed)
            #expect(Set(frames.map(\.id)) == Set(1...500))
            for f in frames {
                #expect(f.statusCode == .ok)
                #expect(f.endOfStream)
                if f.id % 2 == 0 {
                    #expect(f.method == VendorMatchMethod.shortlist.path)
                    let r = try Vendormatch_V1_ShortlistResponse(serializedBytes: f.payload)
                    #expect(r.requestID == "q\(f.id)")
                    #expect(!r.vendors.isEmpty)
                } else {
                    #expect(try Vendormatch_V1_HealthResponse(serializedBytes: f.payload).status == "SERVING")
                }
            }
        }
        try await server.stop()
    }

    @Test func servesSixtyFourConcurrentConnections() async throws {
        // 65 from one address, the last maybe before the server saw the first 64 close.
        let server = try await TestServer.start(ServerConfiguration(maximumConnectionsPerAddress: 128))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for c in 0..<64 {
                group.addTask {
                    let client = try await server.client()
                    var ok = 0
                    for i in 0..<5 {
                        let r = try await client.shortlist(shortlistRequest(id: "c\(c)-\(i)"))
                        if r.requestID == "c\(c)-\(i)" { ok += 1 }
                    }
                    await client.close()
                    return ok
                }
            }
            var total = 0
            for try await ok in group { total += ok }
            #expect(total == 64 * 5)
        }
        let client = try await server.client()
        let stats = try await client.stats()
        #expect(stats.connectionsTotal >= 65)
        await client.close()
        try await server.stop()
    }

    @Test func multiplexesConcurrentCallsOnOneClientConnection() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask { try await client.shortlist(shortlistRequest(id: "m\(i)", k: 1)).requestID == "m\(i)" }
            }
            for try await matched in group { #expect(matched) }
        }
        await client.close()
        try await server.stop()
    }

    @Test func reassemblesFramesSplitByteByByte() async throws {
        let server = try await TestServer.start()
        try await RawConnection.with(port: server.port) { raw in
            let bytes = try FrameEncoder.bytes(.request(id: 77, method: .shortlist, message: shortlistRequest(id: "split")))
                + FrameEncoder.bytes(.request(id: 78, method: .health, message: Vendormatch_V1_HealthRequest()))
            try await raw.write(bytes, byteByByte: true)
            let (frames, _) = try await raw.read(count: 2)
            #expect(Set(frames.map(\.id)) == [77, 78])
            #expect(frames.allSatisfy { $0.statusCode == .ok })
        }
        try await server.stop()
    }

    @Test func refusesSixtyFourMebibyteHeaderBeforeAnyPayload() async throws {
        let server = try await TestServer.start()
        try await RawConnection.with(port: server.port) { raw in
            var header: [UInt8] = [0]
            withUnsafeBytes(of: UInt32(64 << 20).bigEndian) { header += $0 }
            try await raw.write(header)   // no payload follows
            let (frames, closed) = try await raw.read(count: 2)
            #expect(closed)
            #expect(frames.count == 1)
            #expect(frames.first?.id == 0)
            #expect(frames.first?.statusCode == .resourceExhausted)
            #expect(frames.first?.status.message.contains("exceeds the limit") == true)
        }
        try await server.stop()
    }

    @Test func refusesCompressedFrames() async throws {
        let server = try await TestServer.start()
        try await RawConnection.with(port: server.port) { raw in
            var bytes = try FrameEncoder.bytes(.request(id: 5, method: .health, message: Vendormatch_V1_HealthRequest()))
            bytes[0] = 1
            try await raw.write(bytes)
            let (frames, closed) = try await raw.read(count: 2)
            #expect(closed)
            #expect(frames.first?.statusCode == .unimplemented)
        }
        try await server.stop()
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomBytesCloseOnlyThatConnection(seed: UInt64) async throws {
        let server = try await TestServer.start()
        let bystander = try await server.client()
        _ = try await bystander.health()
        try await RawConnection.with(port: server.port) { raw in
            var rng = SplitMix64(seed: seed)
            var bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if seed == 4 {
                // A plausible header (flag 0, 200 bytes) followed by noise that cannot be a Frame (tag 0x07: field 0).
                bytes.replaceSubrange(0..<6, with: [0, 0, 0, 0, 200, 0x07])
            }
            try await raw.write(bytes)
            let (_, closed) = try await raw.read(count: 10)
            #expect(closed)
            #expect(try await bystander.health().status == "SERVING")
            let fresh = try await server.client()
            #expect(try await fresh.health().status == "SERVING")
            await fresh.close()
            await bystander.close()
        }
        try await server.stop()
    }

    @Test func closesIdleConnections() async throws {
        let server = try await TestServer.start(ServerConfiguration(idleTimeout: .milliseconds(200)))
        try await RawConnection.with(port: server.port) { raw in
            let (frames, closed) = try await raw.read(count: 1)
            #expect(closed)
            #expect(frames.isEmpty)
        }
        try await server.stop()
    }

    @Test func refusesConnectionsBeyondTheLimit() async throws {
        let server = try await TestServer.start(ServerConfiguration(maximumConnections: 2))
        let a = try await server.client(), b = try await server.client()
        _ = try await a.health()
        _ = try await b.health()
        try await RawConnection.with(port: server.port) { raw in
            let (frames, closed) = try await raw.read(count: 2)
            #expect(closed)
            #expect(frames.first?.statusCode == .resourceExhausted)
        }
        #expect(try await a.health().status == "SERVING")
        await a.close()
        await b.close()
        try await server.stop()
    }

    @Test func answersEverythingToAClientThatReadsLate() async throws {
        // Megabytes of responses, answered as they are read, to a client with a small receive buffer that
        // starts reading only later: the server's output queues up (the connection turns unwritable)
        // and every answer must still arrive, in full, on the same connection.
        let server = try await TestServer.start()
        let count = 2_000
        try await RawConnection.with(port: server.port, receiveBufferBytes: 4096) { raw in
            var bytes: [UInt8] = []
            for id in UInt64(1)...UInt64(count) {
                bytes += try FrameEncoder.bytes(.request(id: id, method: .shortlist, message: shortlistRequest(id: "late\(id)", k: 10)))
            }
            try await raw.write(bytes)
            try await Task.sleep(for: .milliseconds(300))
            let (frames, closed) = try await raw.read(count: count)
            #expect(!closed)
            #expect(Set(frames.map(\.id)) == Set(1...UInt64(count)))
            #expect(frames.allSatisfy { $0.statusCode == .ok })
            #expect(frames.reduce(0) { $0 + $1.payload.count } > 2 << 20)
        }
        try await server.stop()
    }

    @Test func answersEveryPipelinedRequestWithOneInFlight() async throws {
        let server = try await TestServer.start(ServerConfiguration(maximumInFlightPerConnection: 1))
        try await RawConnection.with(port: server.port) { raw in
            var bytes: [UInt8] = []
            for id in UInt64(1)...100 {
                bytes += try FrameEncoder.bytes(.request(id: id, method: .shortlist, message: shortlistRequest(id: "b\(id)", k: 1)))
            }
            try await raw.write(bytes)
            let (frames, _) = try await raw.read(count: 100)
            // One at a time, so in order.
            #expect(frames.map(\.id) == Array(1...100))
        }
        try await server.stop()
    }
}

