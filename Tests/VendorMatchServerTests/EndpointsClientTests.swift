import Foundation
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchWire

/// Issue 14 item 3: the client over several rankers (`--endpoints`) spreads calls over them and retries a
/// read on another endpoint after UNAVAILABLE; a write is never sent twice.
@Suite("The client over several endpoints")
struct EndpointsClientTests {
    /// A loopback port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func callsAreSpreadOverTheEndpointsInTurn() async throws {
        let a = try await TestServer.start(), b = try await TestServer.start()
        let client = VendorMatchEndpoints(endpoints: [.init(host: "127.0.0.1", port: a.port), .init(host: "127.0.0.1", port: b.port)])
        var answered: [Int] = []
        for _ in 0..<6 {
            let frame = try Vendormatch_V1_Frame.request(id: 0, method: .health, message: Vendormatch_V1_HealthRequest())
            answered.append(try await client.send(frame, method: .health).endpoint)
        }
        #expect(Set(answered) == [0, 1])
        #expect(zip(answered, answered.dropFirst()).allSatisfy { $0 != $1 }, "not in turn: \(answered)")
        await client.close()
        try await a.stop()
        try await b.stop()
    }

    @Test func aReadIsRetriedOnAnotherEndpointAndAWriteIsNot() async throws {
        let live = try await TestServer.start()
        let client = VendorMatchEndpoints(endpoints: [.init(host: "127.0.0.1", port: try Self.closedPort()),
                                                      .init(host: "127.0.0.1", port: live.port)])
        // The read starts at the dead endpoint (0) and is answered by the live one.
        let read = try Vendormatch_V1_Frame.request(id: 0, method: .health, message: Vendormatch_V1_HealthRequest())
        let (response, endpoint) = try await client.send(read, method: .health, at: nil)
        #expect(response.statusCode == .ok)
        #expect(endpoint == 1)
        // A write to the dead endpoint fails and is not sent to the live one.
        var upsert = Vendormatch_V1_UpsertVendorsRequest()
        var vendor = Vendormatch_V1_Vendor()
        vendor.id = "never-written"
        vendor.name = "Never Written"
        upsert.vendors = [vendor]
        let write = try Vendormatch_V1_Frame.request(id: 0, method: .upsertVendors, message: upsert)
        await #expect(throws: RPCError.self) { _ = try await client.send(write, method: .upsertVendors, at: 0) }
        #expect(live.engine.vendor(id: "never-written") == nil)
        await client.close()
        try await live.stop()
    }
}
