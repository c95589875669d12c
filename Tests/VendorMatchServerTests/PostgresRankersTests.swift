import Foundation
import SwiftProtobuf
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchPostgres
import VendorMatchProto
import VendorMatchRanking
import VendorMatchStore
import VendorMatchWire

/// Three `vendormatch serve --store postgres://…` processes on one real PostgreSQL server (CONTRACT §8):
/// read-your-writes across rankers through the catalogue versions, a ranker killed with SIGKILL catching up,
/// PostgreSQL restarted under load, and a failed write changing no ranker. Runs when
/// `$VENDORMATCH_TEST_POSTGRES` names a server (`Tests/ci.d/postgres-rankers.sh` starts one); the restart
/// stage runs when `$VENDORMATCH_TEST_POSTGRES_RESTART` is a shell command that restarts it.
@Suite("Rankers on one PostgreSQL store", .serialized)
struct PostgresRankersTests {
    static let server = ProcessInfo.processInfo.environment["VENDORMATCH_TEST_POSTGRES"]
        .flatMap { $0.isEmpty ? nil : try? PostgresStoreURL(parsing: $0) }
    static let restartCommand = ProcessInfo.processInfo.environment["VENDORMATCH_TEST_POSTGRES_RESTART"].flatMap { $0.isEmpty ? nil : $0 }
    static var enabled: Bool { server != nil && ServerProcess.executable != nil }

    /// A vendor and one case study of it, as the wire carries them.
    static func unit(_ n: Int) -> (vendor: Vendormatch_V1_Vendor, caseStudy: Vendormatch_V1_CaseStudy) {
        var v = Vendormatch_V1_Vendor()
        v.id = "w-\(n)"
        v.name = "Written vendor \(n)"
        v.serviceTypes = ["data.machine-learning"]
        var c = Vendormatch_V1_CaseStudy()
        c.id = "wc-\(n)"
        c.vendorID = v.id
        c.clientIndustry = "5221"
        c.serviceTypes = ["data.machine-learning"]
        c.need = "credit risk model number \(n)"
        return (v, c)
    }

    /// A new database on the test server holding `smallCatalogue()`, and a store on it.
    static func smallCatalogueStore(_ prefix: String) throws -> (PostgresStoreURL, PostgresCatalogueStore) {
        let url = try PostgresAdmin.createDatabase(prefix + UUID().uuidString.prefix(8).lowercased(), on: try #require(server))
        let store = try PostgresCatalogueStore(url: url)
        try store.upsert(smallCatalogue())
        return (url, store)
    }

    /// The case-study ids ranker `index` finds for vendor `vendorID`, once it has applied `version`.
    static func caseStudies(of vendorID: String, at index: Int, through client: VendorMatchEndpoints, minimum version: UInt64) async throws -> [String] {
        var q = Vendormatch_V1_FindCaseStudiesRequest()
        q.vendorID = vendorID
        q.k = 10
        var frame = try Vendormatch_V1_Frame.request(id: 0, method: .findCaseStudies, message: q,
                                                     metadata: [MetadataKey.minimumCatalogueVersion: String(version)])
        frame.metadata[MetadataKey.deadlineMilliseconds] = "10000"
        let (response, _) = try await client.send(frame, method: .findCaseStudies, at: index)
        guard response.statusCode == .ok else { throw RPCError(code: response.statusCode, message: response.status.message) }
        return try Vendormatch_V1_FindCaseStudiesResponse(serializedBytes: response.payload).cases.map(\.caseStudyID)
    }

    /// A write through ranker `index`, returning the `catalogue-version` its response carries.
    static func write(_ method: VendorMatchMethod, _ message: some SwiftProtobuf.Message, at index: Int, through client: VendorMatchEndpoints) async throws -> UInt64 {
        let frame = try Vendormatch_V1_Frame.request(id: 0, method: method, message: message)
        let (response, _) = try await client.send(frame, method: method, at: index)
        guard response.statusCode == .ok else { throw RPCError(code: response.statusCode, message: response.status.message) }
        return try #require(response.metadata[MetadataKey.catalogueVersion].flatMap(UInt64.init), "no catalogue-version on a write's response")
    }

    static func appliedVersion(at index: Int, through client: VendorMatchEndpoints) async throws -> UInt64 {
        let (_, metadata) = try await client.health(at: index)
        return try #require(metadata[MetadataKey.catalogueVersion].flatMap(UInt64.init))
    }

    static func topK(at index: Int, through client: VendorMatchEndpoints) async throws -> [String] {
        var q = Vendormatch_V1_ShortlistRequest()
        q.industry = "5221"
        q.serviceTypes = ["data.machine-learning"]
        q.need = "credit risk model"
        q.k = 20
        return try await client.call(.shortlist, q, as: Vendormatch_V1_ShortlistResponse.self, at: index).vendors
            .map { "\($0.vendorID) \(String(format: "%.5f", $0.score))" }
    }

    @Test(.enabled(if: enabled, "needs $VENDORMATCH_TEST_POSTGRES and the vendormatch executable"), .timeLimit(.minutes(10)))
    func threeRankersServeEveryWriteTheyWereToldAbout() async throws {
        let (url, store) = try Self.smallCatalogueStore("vmrankers_")
        let directory = try makeTemporaryDirectory("vm-rankers")
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalogue = ["--store", url.description]
        var rankers: [ServerProcess] = []
        for _ in 0..<3 { rankers.append(try await ServerProcess(database: "", directory: directory, extra: ["--http", "off"], catalogue: catalogue)) }
        defer { for r in rankers where r.process.isRunning { _ = r.terminate() } }
        func client() -> VendorMatchEndpoints {
            VendorMatchEndpoints(endpoints: rankers.map { .init(host: "127.0.0.1", port: $0.port) })
        }

        // 1. 1,000 writes spread over the rankers, each read back through another ranker with its version.
        let c = client()
        let visible = AcknowledgedWrites()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for n in stride(from: worker, to: 500, by: 4) {
                        let (vendor, caseStudy) = Self.unit(n)
                        var uv = Vendormatch_V1_UpsertVendorsRequest()
                        uv.vendors = [vendor]
                        _ = try await Self.write(.upsertVendors, uv, at: n % 3, through: c)
                        var uc = Vendormatch_V1_UpsertCaseStudiesRequest()
                        uc.caseStudies = [caseStudy]
                        let version = try await Self.write(.upsertCaseStudies, uc, at: (n + 1) % 3, through: c)
                        let acknowledged = ContinuousClock.now
                        let found = try await Self.caseStudies(of: vendor.id, at: (n + 2) % 3, through: c, minimum: version)
                        visible.time(ContinuousClock.now - acknowledged)
                        #expect(found == [caseStudy.id], "ranker \((n + 2) % 3) at version ≥ \(version) does not show \(caseStudy.id)")
                    }
                }
            }
            try await group.waitForAll()
        }
        Self.progress("write acknowledged → read through another ranker with min-catalogue-version: \(visible.percentiles)")
        let afterWrites = try store.catalogueVersion()
        #expect(afterWrites == 1 + 1000)

        // A version nobody wrote yet: UNAVAILABLE once the deadline passes, not a stale answer.
        var q = Vendormatch_V1_FindCaseStudiesRequest()
        q.vendorID = "w-1"
        let future = try Vendormatch_V1_Frame.request(id: 0, method: .findCaseStudies, message: q, metadata: [
            MetadataKey.minimumCatalogueVersion: String(afterWrites + 1000), MetadataKey.deadlineMilliseconds: "300"])
        let (late, _) = try await c.send(future, method: .findCaseStudies, at: 0)
        #expect(late.statusCode == .unavailable)

        // 2. A ranker killed with SIGKILL and restarted catches up and ranks like the others.
        rankers[2].kill9()
        for n in 500..<550 {
            var uv = Vendormatch_V1_UpsertVendorsRequest()
            uv.vendors = [Self.unit(n).vendor]
            _ = try await Self.write(.upsertVendors, uv, at: n % 2, through: c)
        }
        await c.close()
        rankers[2] = try await ServerProcess(database: "", directory: directory, extra: ["--http", "off"], catalogue: catalogue)
        let c2 = client()
        let latest = try store.catalogueVersion()
        var tops: [[String]] = []
        for i in 0..<3 {
            let deadline = ContinuousClock.now + .seconds(20)
            while try await Self.appliedVersion(at: i, through: c2) < latest, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try await Self.appliedVersion(at: i, through: c2) == latest)
            tops.append(try await Self.topK(at: i, through: c2))
        }
        #expect(!tops[0].isEmpty)
        #expect(tops[0] == tops[1])
        #expect(tops[2] == tops[0], "the restarted ranker ranks differently")

        // 3. A write that fails in PostgreSQL (a case study of a vendor it does not hold) is reported with its
        //    status and changes no ranker.
        var bad = Vendormatch_V1_UpsertCaseStudiesRequest()
        var orphan = Self.unit(9999).caseStudy
        orphan.vendorID = "no-such-vendor"
        bad.caseStudies = [orphan]
        let badFrame = try Vendormatch_V1_Frame.request(id: 0, method: .upsertCaseStudies, message: bad)
        let (refused, _) = try await c2.send(badFrame, method: .upsertCaseStudies, at: 1)
        #expect(refused.statusCode == .invalidArgument)
        #expect(refused.status.message.contains("no-such-vendor"))
        #expect(try store.catalogueVersion() == latest)
        for i in 0..<3 { #expect(try await Self.appliedVersion(at: i, through: c2) == latest) }

        Self.progress("writes, SIGKILL and failed-write stages passed")
        // 4. PostgreSQL restarted under load: rankers reconnect and catch up; no acknowledged write is lost.
        if let restart = Self.restartCommand {
            let acknowledged = AcknowledgedWrites()
            let load = Task {
                var n = 10_000
                while !Task.isCancelled {
                    let (vendor, caseStudy) = Self.unit(n)
                    var uv = Vendormatch_V1_UpsertVendorsRequest()
                    uv.vendors = [vendor]
                    var uc = Vendormatch_V1_UpsertCaseStudiesRequest()
                    uc.caseStudies = [caseStudy]
                    do {
                        _ = try await Self.write(.upsertVendors, uv, at: n % 3, through: c2)
                        let v = try await Self.write(.upsertCaseStudies, uc, at: n % 3, through: c2)
                        acknowledged.add(vendor.id, caseStudy.id, v)
                    } catch {
                        acknowledged.failed("ranker \(n % 3): \(error)")
                    }
                    n += 1
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            try await Task.sleep(for: .seconds(1))
            Self.progress("restarting PostgreSQL under load")
            let status = try await Self.shell(restart)
            Self.progress("PostgreSQL restarted (status \(status))")
            #expect(status == 0, "the restart command failed")
            // The load goes on until the rankers have acknowledged 20 more writes after the restart (they
            // reconnected), however slow the machine; 120 s at most.
            let beforeRestart = acknowledged.all.count
            let deadline = ContinuousClock.now + .seconds(120)
            while acknowledged.all.count < beforeRestart + 20, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            load.cancel()
            _ = await load.value
            let written = acknowledged.all
            Self.progress("\(written.count) writes acknowledged around the restart (\(written.count - beforeRestart) after it); checking every ranker")
            #expect(written.count >= beforeRestart + 20, "the rankers acknowledged too few writes after the restart")
            if written.count < beforeRestart + 20 {
                // What the writer and the rankers said, so a failure here can be diagnosed from the CI log.
                Self.progress("write failures after the restart: \(acknowledged.failures.count); last: \(acknowledged.failures.suffix(3))")
                for (i, ranker) in rankers.enumerated() {
                    Self.progress("ranker \(i) log, last lines:\n" + ranker.output.split(separator: "\n").suffix(15).joined(separator: "\n"))
                }
            }
            let top = written.map(\.version).max() ?? 0
            for i in 0..<3 {
                for (vendorID, caseStudyID, version) in written {
                    let found = try await Self.caseStudies(of: vendorID, at: i, through: c2, minimum: max(version, top))
                    #expect(found == [caseStudyID], "ranker \(i) lost acknowledged write \(caseStudyID)")
                }
            }
            let stored = try PostgresCatalogueStore(url: url)
            for (vendorID, caseStudyID, _) in written {
                #expect(try stored.caseStudies(vendorID: vendorID).map(\.id) == [caseStudyID])
            }
        }
        await c2.close()
    }

    /// The shortlist log on a shared store: what any ranker serves is logged in the one PostgreSQL table, so
    /// an outcome for it is accepted through any other ranker and reaches `train --from-outcomes`; a ranker
    /// with `--no-log-shortlists` logs nothing, and an outcome for its shortlist is refused.
    @Test(.enabled(if: enabled, "needs $VENDORMATCH_TEST_POSTGRES and the vendormatch executable"), .timeLimit(.minutes(5)))
    func shortlistsServedByAnyRankerAreLoggedInTheSharedStore() async throws {
        let (url, store) = try Self.smallCatalogueStore("vmlog_")
        let directory = try makeTemporaryDirectory("vm-rankers-log")
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalogue = ["--store", url.description]
        var rankers: [ServerProcess] = []
        for extra in [[], [], ["--no-log-shortlists"]] {
            rankers.append(try await ServerProcess(database: "", directory: directory, extra: ["--http", "off"] + extra, catalogue: catalogue))
        }
        defer { for r in rankers where r.process.isRunning { _ = r.terminate() } }
        let c = VendorMatchEndpoints(endpoints: rankers.map { .init(host: "127.0.0.1", port: $0.port) })

        var q = Vendormatch_V1_ShortlistRequest()
        q.id = "logged-a"
        q.buyerOrg = "acme"
        q.industry = "5221"
        q.serviceTypes = ["data.machine-learning"]
        q.k = 3
        let served = try await c.call(.shortlist, q, as: Vendormatch_V1_ShortlistResponse.self, at: 0).vendors.map(\.vendorID)
        #expect(!served.isEmpty)
        q.id = "unlogged-b"
        _ = try await c.call(.shortlist, q, as: Vendormatch_V1_ShortlistResponse.self, at: 2)

        // Ranker 0 writes its batch within about 100 ms; then it is in the shared table.
        let deadline = ContinuousClock.now + .seconds(10)
        while try store.loggedRequestBuyers(["logged-a"]).isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try store.loggedRequestBuyers(["logged-a", "unlogged-b"]) == ["logged-a": .some("acme")])
        var rows: [LoggedShortlist] = []
        try store.forEachLoggedShortlist(columns: Feature.allCases.count) { rows.append($0) }
        #expect(rows.map(\.requestID) == ["logged-a"])
        #expect(Array(try #require(rows.first).vendorIDs.prefix(served.count)) == served)

        // An outcome for it, through ranker 1, is accepted; ones for shortlists not logged are refused.
        func outcome(_ requestID: String, buyer: String? = nil) throws -> Vendormatch_V1_Frame {
            var o = Vendormatch_V1_Outcome()
            o.requestID = requestID
            o.vendorID = served[0]
            o.grade = 2
            if let buyer { o.buyerOrg = buyer }
            var r = Vendormatch_V1_RecordOutcomesRequest()
            r.outcomes = [o]
            return try Vendormatch_V1_Frame.request(id: 0, method: .recordOutcomes, message: r)
        }
        #expect(try await c.send(try outcome("logged-a", buyer: "acme"), method: .recordOutcomes, at: 1).0.statusCode == .ok)
        for id in ["unlogged-b", "never-served"] {
            let (refused, _) = try await c.send(try outcome(id), method: .recordOutcomes, at: 1)
            #expect(refused.statusCode == .invalidArgument, "an outcome for \(id) was not refused")
            #expect(refused.status.message.contains(id))
        }
        let (otherBuyer, _) = try await c.send(try outcome("logged-a", buyer: "globex"), method: .recordOutcomes, at: 0)
        #expect(otherBuyer.statusCode == .permissionDenied)
        let training = try store.loggedOutcomes(columns: Feature.allCases.count)
        #expect(training.map(\.shortlist.requestID) == ["logged-a"])
        #expect(training.first?.grades == [served[0]: 2])
        await c.close()
    }

    /// Runs `command` without blocking a concurrency thread; the server it starts must not hold this
    /// process's output open, so its output goes nowhere.
    static func shell(_ command: String) async throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Reap it ourselves: Foundation's own watch did not notice this child exit (left a zombie).
        let pid = p.processIdentifier
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return (status >> 8) & 0xFF }
            if reaped == -1 { return p.isRunning ? -1 : p.terminationStatus }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("PostgresRankersTests: \(text)\n".utf8))
    }
}

/// Writes acknowledged while PostgreSQL restarts.
final class AcknowledgedWrites: @unchecked Sendable {
    private let lock = NSLock()
    private var writes: [(String, String, UInt64)] = []

    private var durations: [Duration] = []

    private var failureMessages: [String] = []

    func add(_ vendorID: String, _ caseStudyID: String, _ version: UInt64) { lock.withLock { writes.append((vendorID, caseStudyID, version)) } }
    /// A write that was not acknowledged, with why.
    func failed(_ message: String) { lock.withLock { failureMessages.append(message) } }
    var failures: [String] { lock.withLock { failureMessages } }
    func time(_ d: Duration) { lock.withLock { durations.append(d) } }

    /// p50 and p99 of the recorded durations, in milliseconds.
    var percentiles: String {
        lock.withLock {
            let ms = durations.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) * 1e-15 }.sorted()
            guard !ms.isEmpty else { return "none" }
            func at(_ q: Double) -> Double { ms[min(ms.count - 1, Int((Double(ms.count) * q).rounded(.up)) - 1)] }
            return String(format: "n=%d p50 %.1f ms p99 %.1f ms max %.1f ms", ms.count, at(0.5), at(0.99), ms.last!)
        }
    }
    var all: [(vendorID: String, caseStudyID: String, version: UInt64)] { lock.withLock { writes.map { ($0.0, $0.1, $0.2) } } }
}
