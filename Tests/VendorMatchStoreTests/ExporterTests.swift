import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchStore

@Suite struct ExporterTests {
    let dir = TempDir()

    func contents(_ directory: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        return out
    }

    @Test func importExportImportIsLosslessAndByteIdentical() throws {
        let first = try dir.store("first.sqlite")
        _ = try Importer(store: first, taxonomy: taxonomy).importDirectory(fixtureMarket)
        let exportA = dir.sub("a")
        let summary = try Exporter(store: first).export(to: exportA)
        #expect(summary.files.map(\.records) == [4, 4, 4])

        let second = try dir.store("second.sqlite")
        _ = try Importer(store: second, taxonomy: taxonomy).importDirectory(exportA)
        let exportB = dir.sub("b")
        _ = try Exporter(store: second).export(to: exportB)

        let a = try contents(exportA), b = try contents(exportB)
        #expect(a.keys.sorted() == ["case_studies.jsonl", "referrals.jsonl", "vendors.jsonl"])
        #expect(a == b)
        #expect(try first.loadCatalogue() == second.loadCatalogue())
        #expect(try Snapshot(first).counts == Snapshot(second).counts)
    }

    @Test func writesCanonicalJSONSortedByID() throws {
        let store = try dir.store()
        _ = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        let out = dir.sub("out")
        _ = try Exporter(store: store).export(to: out)
        let text = try String(contentsOfFile: out + "/vendors.jsonl", encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(text.hasSuffix("\n"))
        let catalogue = try store.loadCatalogue()
        #expect(lines == catalogue.vendors.map { RecordCodec.json($0).serialized() })
        #expect(catalogue.vendors.map(\.id) == ["v-acme", "v-bolt", "v-cai", "v-dune"])
        // Canonical: the sector alias is stored as its range, unknown fields are gone.
        #expect(lines[2].contains(#""industries":["31-33"]"#))
        #expect(!lines[2].contains("extra"))
        #expect(lines[3] == #"{"id":"v-dune","name":"Dune Consulting","min_project_usd":0.1,"hourly_rate_usd":[1e-07,1000]}"#)
    }

    @Test func leavesNoFileForAnEmptyKindAndRemovesAStaleOne() throws {
        let store = try dir.store()
        try store.upsert(vendors: [Vendor(id: "solo", name: "Solo")])
        let out = dir.sub("out")
        try write(["referrals.jsonl": "stale\n", "notes.txt": "keep me"], to: out)
        let summary = try Exporter(store: store).export(to: out)
        #expect(summary.files.map(\.kind) == [.vendors])
        #expect(summary.removed == ["referrals.jsonl"])
        #expect(try contents(out).keys.sorted() == ["notes.txt", "vendors.jsonl"])
        // The directory imports back.
        let again = try dir.store("again.sqlite")
        _ = try Importer(store: again, taxonomy: taxonomy).importDirectory(out)
        #expect(try again.loadCatalogue() == store.loadCatalogue())
    }

    @Test func createsTheTargetDirectory() throws {
        let store = try dir.store()
        try store.upsert(vendors: [Vendor(id: "v", name: "V")])
        let nested = dir.file("x/y/z")
        _ = try Exporter(store: store).export(to: nested)
        #expect(FileManager.default.fileExists(atPath: nested + "/vendors.jsonl"))
    }
}
