import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchStore

/// The `vendormatch` binary itself: exit codes, messages, and a crash in the middle of an import.
@Suite struct CommandLineTests {
    let dir = TempDir()

    @Test func badImportExitsTwoNamingFileLineAndField() throws {
        let db = dir.file("cli.sqlite")
        #expect(try run(["import", fixtureMarket, "--db", db]).status == 0)
        let before = try Snapshot(CatalogueStore(path: db))
        let bad = dir.sub("bad")
        try write(["vendors.jsonl": goodVendor + "\n" + #"{"id":"n2","name":"N","size":"huge"}"#], to: bad)
        let result = try run(["import", bad, "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr.contains(#"vendors.jsonl:2: field "size": unknown size band "huge""#), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was written"))
        #expect(try Snapshot(CatalogueStore(path: db)) == before)
        #expect(try run(["import", dir.file("nowhere"), "--db", db]).status == 2)
    }

    @Test func importOfANamelessVendorExitsTwoNamingFileLineAndField() throws {
        let db = dir.file("nameless.sqlite")
        let bad = dir.sub("nameless")
        try write(["vendors.jsonl": goodVendor + "\n" + #"{"id":"n2","name":""}"#], to: bad)
        let result = try run(["import", bad, "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr.contains(#"vendors.jsonl:2: field "name": must not be empty"#), "\(result.stderr)")
        #expect(try CatalogueStore(path: db).counts().vendors == 0)
    }

    @Test func importStatsAndExportThroughTheBinary() throws {
        let db = dir.file("cli.sqlite")
        let imported = try run(["import", fixtureMarket, "--db", db])
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("vendors.jsonl       4 records: 4 inserted, 0 updated"), "\(imported.stdout)")
        let again = try run(["import", fixtureMarket, "--db", db, "--json"])
        let summary = try JSONParser.parse(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["files"]?["case_studies.jsonl"]?["updated"] == .number(4))
        let stats = try run(["stats", "--db", db, "--json"])
        #expect(stats.status == 0)
        let json = try JSONParser.parse(stats.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(json["counts"]?["vendors"] == .number(4))
        #expect(json["database"]?["path"] == .string(db))
        let text = try run(["stats", "--db", db])
        #expect(text.stdout.contains("Finance and Insurance"))
        let out = dir.file("export")
        #expect(try run(["export", out, "--db", db]).status == 0)
        #expect(try String(contentsOfFile: out + "/referrals.jsonl", encoding: .utf8).split(separator: "\n").count == 4)
    }

    @Test func importStoresNeedVectorsUnlessToldNotTo() throws {
        func vectors(_ db: String) throws -> JSONValue? {
            let stats = try run(["stats", "--db", db, "--json"])
            return try JSONParser.parse(stats.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["counts"]?["need_vectors"]
        }
        let fixtureNeeds = try String(contentsOfFile: fixtureMarket + "/case_studies.jsonl", encoding: .utf8)
            .split(separator: "\n").filter { $0.contains(#""need""#) }.count
        #expect(fixtureNeeds > 0)

        let plain = dir.file("plain.sqlite")
        #expect(try run(["import", fixtureMarket, "--db", plain, "--no-embed"]).status == 0)
        #expect(try vectors(plain) == .number(0))

        let embedded = dir.file("embedded.sqlite")
        let imported = try run(["import", fixtureMarket, "--db", embedded])
        #expect(imported.status == 0)
        let stored = Set(try CatalogueStore(path: embedded).loadCatalogue().caseStudies.compactMap(\.need)).count
        #expect(try vectors(embedded) == .number(Double(stored)))
        #expect(imported.stderr.contains("encoding case-study needs"), "\(imported.stderr)")
        // A re-import encodes nothing again: the vectors are kept by need text.
        let again = try run(["import", fixtureMarket, "--db", embedded])
        #expect(!again.stderr.contains("encoding case-study needs"), "\(again.stderr)")
        #expect(try vectors(embedded) == .number(Double(stored)))
    }

    /// 20,000 vendors and 150,000 case studies: long enough to be caught mid-transaction.
    func writeLargeImport(to directory: String) throws {
        var vendors = [UInt8]()
        vendors.reserveCapacity(20_000 * 120)
        for i in 0..<20_000 {
            vendors += Array(#"{"id":"big-\#(i)","name":"Big Vendor \#(i)","service_types":["data","cloud"],"regions":["DE","US"],"languages":["en"]}"#.utf8)
            vendors.append(0x0A)
        }
        var cases = [UInt8]()
        cases.reserveCapacity(150_000 * 200)
        for i in 0..<150_000 {
            cases += Array(#"{"id":"big-c\#(i)","vendor_id":"big-\#(i % 20_000)","client_industry":"5221","service_types":["data.machine-learning"],"need":"Forecast demand for \#(i) products across regions"}"#.utf8)
            cases.append(0x0A)
        }
        try Data(vendors).write(to: URL(fileURLWithPath: directory).appendingPathComponent("vendors.jsonl"))
        try Data(cases).write(to: URL(fileURLWithPath: directory).appendingPathComponent("case_studies.jsonl"))
    }

    @Test func sigkillInTheMiddleOfAnImportLeavesThePreviousContent() throws {
        let db = dir.file("crash.sqlite")
        let store = try CatalogueStore(path: db)
        _ = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        let before = try Snapshot(store)
        let big = dir.sub("big")
        try writeLargeImport(to: big)

        let process = Process()
        process.executableURL = try vendormatchBinary()
        process.arguments = ["import", big, "--db", db]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let walStart = walSize(db)
        try process.run()
        // Kill once uncommitted pages reach the write-ahead log (the transaction is well under way).
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, walSize(db) < walStart + (4 << 20), Date() < deadline {
            usleep(5_000)
        }
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(wasRunning, "the import finished before it could be killed")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)

        let reopened = try CatalogueStore(path: db)
        #expect(try Snapshot(reopened) == before)
        let integrity = try reopened.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        // And the database still takes writes.
        try reopened.upsert(vendors: [Vendor(id: "after-crash", name: "After")])
        #expect(try reopened.counts().vendors == before.counts.vendors + 1)
    }

    func walSize(_ db: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: db + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
