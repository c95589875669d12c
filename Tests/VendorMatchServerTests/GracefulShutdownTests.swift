import Foundation
import Testing
import VendorMatchClient
import VendorMatchProto
import VendorMatchWire

/// A `vendormatch serve` child process on a port it picks, over a database file.
final class ServerProcess {
    let process = Process()
    let port: Int
    private let log: URL

    /// The built `vendormatch` beside the test bundle (`swift build --build-tests` builds it too).
    static var executable: URL? {
        let candidates = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ]
        for dir in candidates {
            for up in [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()] {
                let candidate = up.appendingPathComponent("vendormatch")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate
                }
            }
        }
        return nil
    }

    /// `catalogue`: the flags naming the catalogue (default `--db database`).
    init(database: String, directory: URL, extra: [String] = [], catalogue: [String]? = nil) async throws {
        guard let executable = Self.executable else { throw CocoaError(.fileNoSuchFile) }
        log = directory.appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = executable
        process.arguments = ["serve"] + (catalogue ?? ["--db", database]) + ["--port", "0", "--models", repositoryModels.path] + extra
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for "listening on 127.0.0.1:PORT" (at most 60 s: the first start builds the index).
        var found: Int?
        for _ in 0..<600 where found == nil {
            try await Task.sleep(for: .milliseconds(100))
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on [0-9.]+:([0-9]+)"#, options: .regularExpression) {
                found = Int(text[range].split(separator: ":").last ?? "")
            }
            if !process.isRunning { break }
        }
        guard let found else {
            process.terminate()
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: (try? String(contentsOf: log, encoding: .utf8)) ?? ""])
        }
        port = found
    }

    func terminate() -> (status: Int32, reason: Process.TerminationReason) {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason)
    }

    /// SIGKILL: no shutdown at all.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

@Suite("Graceful shutdown of a serve process")
struct GracefulShutdownTests {
    @Test(.enabled(if: ServerProcess.executable != nil, "needs the vendormatch executable (swift build --build-tests)"))
    func sigtermAnswersOrRefusesEveryRequestInFlightAndLosesNoAcknowledgedWrite() async throws {
        let directory = try makeTemporaryDirectory("vm-sigterm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("catalogue.sqlite").path

        let server = try await ServerProcess(database: database, directory: directory)
        var clients: [VendorMatchClient] = []
        for _ in 0..<4 { clients.append(try await VendorMatchClient.connect(host: "127.0.0.1", port: server.port)) }
        _ = try await clients[0].health()

        enum Outcome: Sendable { case written(String), answered, refused(StatusCode) }
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for i in 0..<100 {
                let client = clients[i % clients.count]
                group.addTask {
                    do {
                        if i % 2 == 0 {
                            // Batches of 40 so that the writes (serialized, each fsynced) are still running at SIGTERM.
                            let batch = (0..<40).map { j in
                                var v = Vendormatch_V1_Vendor()
                                v.id = "v\(i)-\(j)"
                                v.name = "Vendor \(i)-\(j)"
                                v.serviceTypes = ["data"]
                                return v
                            }
                            _ = try await client.upsertVendors(batch)
                            return .written("v\(i)")
                        } else {
                            var q = Vendormatch_V1_ShortlistRequest()
                            q.id = "q\(i)"
                            q.serviceTypes = ["data"]
                            _ = try await client.shortlist(q)
                            return .answered
                        }
                    } catch {
                        return .refused((error as? RPCError)?.code ?? .unknown)
                    }
                }
            }
            // Let the requests reach the server, then stop it while they are being handled.
            try await Task.sleep(for: .milliseconds(30))
            let (status, reason) = server.terminate()
            #expect(reason == .exit, "\(server.output)")
            #expect(status == 0, "\(server.output)")
            var all: [Outcome] = []
            for try await o in group { all.append(o) }
            return all
        }
        for c in clients { await c.close() }

        #expect(outcomes.count == 100)
        var acknowledged: [String] = []
        for o in outcomes {
            switch o {
            case let .written(id): acknowledged.append(id)
            case .answered: break
            case let .refused(code): #expect(code == .unavailable, "a request in flight ended with \(code), not OK or UNAVAILABLE")
            }
        }

        let restarted = try await ServerProcess(database: database, directory: directory)
        let client = try await VendorMatchClient.connect(host: "127.0.0.1", port: restarted.port)
        for id in acknowledged {
            for j in [0, 39] {
                #expect(try await client.vendor(id: "\(id)-\(j)").id == "\(id)-\(j)", "acknowledged write \(id) missing after restart")
            }
        }
        await client.close()
        #expect(restarted.terminate().status == 0)
    }
}

@Suite("Model reload of a serve process")
struct ModelReloadTests {
    @Test(.enabled(if: ServerProcess.executable != nil, "needs the vendormatch executable (swift build --build-tests)"))
    func sighupSwapsTheModelOnTheSameConnection() async throws {
        let directory = try makeTemporaryDirectory("vm-sighup")
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelFile = directory.appendingPathComponent("model.json")
        // The linear model (no second phase), whose trust weight alone decides the trust component.
        let shipped = try Data(contentsOf: repositoryModels.appendingPathComponent("ranking-model.hand-set.json"))
        try shipped.write(to: modelFile)
        let server = try await ServerProcess(database: directory.appendingPathComponent("db.sqlite").path,
                                             directory: directory, extra: ["--model", modelFile.path])
        let client = try await VendorMatchClient.connect(host: "127.0.0.1", port: server.port)
        var good = Vendormatch_V1_Vendor()
        good.id = "trusted"
        good.name = "Trusted"
        var referral = Vendormatch_V1_Referral()
        referral.id = "r1"
        referral.vendorID = "trusted"
        referral.referrerType = "past_client"
        _ = try await client.upsertVendors([good])
        _ = try await client.recordReferrals([referral])
        var q = Vendormatch_V1_ShortlistRequest()
        q.id = "q"
        let before = try await client.shortlist(q)
        #expect((before.vendors.first?.breakdown.trust ?? 0) > 0)

        // A model that ignores trust, written atomically, then SIGHUP: the same connection sees it.
        var json = try JSONSerialization.jsonObject(with: shipped) as! [String: Any]
        var weights = json["weights"] as! [String: Double]
        weights["trust"] = 0
        json["weights"] = weights
        try JSONSerialization.data(withJSONObject: json).write(to: modelFile, options: .atomic)
        kill(server.process.processIdentifier, SIGHUP)
        var trust = 1.0
        for _ in 0..<50 where trust != 0 {
            try await Task.sleep(for: .milliseconds(100))
            trust = try await client.shortlist(q).vendors.first?.breakdown.trust ?? -1
        }
        #expect(trust == 0, "\(server.output)")
        await client.close()
        #expect(server.terminate().status == 0)
    }
}
