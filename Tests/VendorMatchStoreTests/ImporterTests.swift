import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchStore

/// One bad data file: what the import must report.
struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String
    var file: String
    var bytes: [UInt8]
    var line: Int
    var field: String
    var reason: String
    /// Other files of the same import (valid).
    var others: [String: String] = [:]

    var testDescription: String { name }

    init(_ name: String, _ file: String, _ text: String, line: Int, field: String, reason: String, others: [String: String] = [:]) {
        self.init(name, file, Array(text.utf8), line: line, field: field, reason: reason, others: others)
    }

    init(_ name: String, _ file: String, _ bytes: [UInt8], line: Int, field: String, reason: String, others: [String: String] = [:]) {
        self.name = name; self.file = file; self.bytes = bytes; self.line = line; self.field = field
        self.reason = reason; self.others = others
    }
}

/// A valid first line for each file, so that a bad later line must roll back a real write.
let goodVendor = #"{"id":"n1","name":"New One","service_types":["data"]}"#
let goodCase = #"{"id":"c-new","vendor_id":"v-acme","client_industry":"52","service_types":["data"]}"#
let goodReferral = #"{"id":"r-new","vendor_id":"v-acme","referrer_type":"past_client"}"#

let badInputs: [BadInput] = [
    BadInput("malformed JSON", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N""#, line: 2, field: "", reason: "invalid JSON"),
    BadInput("missing required field", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2"}"#, line: 2, field: "name", reason: "missing required field"),
    BadInput("empty vendor name", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":""}"#, line: 2, field: "name", reason: "must not be empty"),
    BadInput("blank vendor name", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":" \t "}"#, line: 2, field: "name", reason: "must not be empty"),
    BadInput("wrong type", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N","founded":"1999"}"#, line: 2, field: "founded", reason: "expected number, got string"),
    BadInput("not an object", "vendors.jsonl", goodVendor + "\n[1,2]", line: 2, field: "", reason: "expected a JSON object"),
    BadInput("unknown NAICS code", "case_studies.jsonl", goodCase + "\n" + #"{"id":"c2","vendor_id":"v-acme","client_industry":"99","service_types":["data"]}"#, line: 2, field: "client_industry", reason: "unknown NAICS industry code \"99\""),
    BadInput("NAICS code under an unknown subsector", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N","industries":["52","9999"]}"#, line: 2, field: "industries[1]", reason: "unknown NAICS"),
    BadInput("unknown service type", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N","service_types":["data","data.telepathy"]}"#, line: 2, field: "service_types[1]", reason: "unknown service type"),
    BadInput("bad size band", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N","size":"huge"}"#, line: 2, field: "size", reason: "unknown size band"),
    BadInput("bad client size band", "case_studies.jsonl", goodCase + "\n" + #"{"id":"c2","vendor_id":"v-acme","client_industry":"52","service_types":["data"],"client_size":"50-250"}"#, line: 2, field: "client_size", reason: "unknown size band"),
    BadInput("bad region code", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N","regions":["DE","de"]}"#, line: 2, field: "regions[1]", reason: "ISO 3166-1"),
    BadInput("bad language code", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N","languages":["english"]}"#, line: 2, field: "languages[0]", reason: "ISO 639-1"),
    BadInput("bad referrer type", "referrals.jsonl", goodReferral + "\n" + #"{"id":"r2","vendor_id":"v-acme","referrer_type":"friend"}"#, line: 2, field: "referrer_type", reason: "unknown referrer type"),
    BadInput("strength out of range", "referrals.jsonl", goodReferral + "\n" + #"{"id":"r2","vendor_id":"v-acme","referrer_type":"institution","strength":2}"#, line: 2, field: "strength", reason: "outside"),
    BadInput("empty service types", "case_studies.jsonl", goodCase + "\n" + #"{"id":"c2","vendor_id":"v-acme","client_industry":"52","service_types":[]}"#, line: 2, field: "service_types", reason: "non-empty"),
    BadInput("evaluation out of range", "case_studies.jsonl", goodCase + "\n" + #"{"id":"c2","vendor_id":"v-acme","client_industry":"52","service_types":["data"],"evaluation":{"expertise":7}}"#, line: 2, field: "evaluation.expertise", reason: "outside"),
    BadInput("dangling vendor_id of a case study", "case_studies.jsonl", goodCase + "\n" + #"{"id":"c2","vendor_id":"v-ghost","client_industry":"52","service_types":["data"]}"#, line: 2, field: "vendor_id", reason: "unknown vendor \"v-ghost\""),
    BadInput("dangling vendor_id of a referral", "referrals.jsonl", goodReferral + "\n" + #"{"id":"r2","vendor_id":"v-ghost","referrer_type":"past_client"}"#, line: 2, field: "vendor_id", reason: "unknown vendor \"v-ghost\""),
    BadInput("duplicate id in a file", "vendors.jsonl", goodVendor + "\n" + #"{"id":"n2","name":"N"}"# + "\n" + #"{"id":"n1","name":"Again"}"#, line: 3, field: "id", reason: "duplicate id \"n1\" (first on line 1)"),
    BadInput("duplicate referral id", "referrals.jsonl", goodReferral + "\n\n" + goodReferral, line: 3, field: "id", reason: "first on line 1"),
    BadInput("empty file", "referrals.jsonl", "", line: 0, field: "", reason: "no records", others: ["vendors.jsonl": goodVendor]),
    BadInput("file of blank lines", "case_studies.jsonl", "\n  \n\n", line: 0, field: "", reason: "no records", others: ["vendors.jsonl": goodVendor]),
    BadInput("invalid UTF-8", "vendors.jsonl", Array((goodVendor + "\n" + #"{"id":"n2","name":"Bad "#).utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8), line: 2, field: "", reason: "not valid UTF-8"),
    BadInput("a 10 MB line", "vendors.jsonl", Array((goodVendor + "\n" + #"{"id":"n2","name":"N","description":""#).utf8) + [UInt8](repeating: 0x61, count: 10 << 20) + Array("\"}\n".utf8), line: 2, field: "", reason: "longer than the limit"),
]

@Suite struct ImporterTests {
    let dir = TempDir()

    func market() throws -> CatalogueStore {
        let store = try dir.store()
        _ = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        return store
    }

    @Test func importsTheFixtureMarketCountingInserts() throws {
        let store = try dir.store()
        let summary = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        #expect(summary.files.map(\.kind) == [.vendors, .caseStudies, .referrals])
        #expect(summary.files.map(\.inserted) == [4, 4, 4])
        #expect(summary.files.map(\.updated) == [0, 0, 0])
        #expect(summary.records == 12)
        #expect(try store.counts() == CatalogueStore.Counts(vendors: 4, caseStudies: 4, referrals: 4))
        let acme = try #require(try store.vendor(id: "v-acme"))
        #expect(acme.industries == ["52", "5221"])
        #expect(acme.description == "We build \"trustworthy\" ML\tpipelines.\nBanks love us.")
        #expect(try store.vendor(id: "v-cai")?.industries == ["31-33"])  // stored canonical
    }

    @Test func reimportingTheSameFilesUpdatesAndKeepsCounts() throws {
        let store = try market()
        let before = try Snapshot(store)
        let summary = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        #expect(summary.files.map(\.inserted) == [0, 0, 0])
        #expect(summary.files.map(\.updated) == [4, 4, 4])
        #expect(try Snapshot(store) == before)
    }

    @Test func upsertReplacesARecordWithTheSameID() throws {
        let store = try market()
        let d = dir.sub("update")
        try write([
            "case_studies.jsonl": #"{"id":"cs-2","vendor_id":"v-bolt","client_industry":"51","service_types":["cloud"]}"# + "\n"
                + #"{"id":"cs-9","vendor_id":"v-bolt","client_industry":"51","service_types":["cloud"]}"#,
        ], to: d)
        let summary = try Importer(store: store, taxonomy: taxonomy).importDirectory(d)
        #expect(summary.file(.caseStudies)?.inserted == 1)
        #expect(summary.file(.caseStudies)?.updated == 1)
        #expect(try store.caseStudies(vendorID: "v-bolt").map(\.id) == ["cs-2", "cs-4", "cs-9"])
        #expect(try store.caseStudies(vendorID: "v-acme").map(\.id) == ["cs-1"])
        #expect(try store.counts().caseStudies == 5)
    }

    @Test func referencesMayNameVendorsOfTheDatabaseOrOfTheSameImport() throws {
        let store = try market()
        let d = dir.sub("refs")
        try write([
            "vendors.jsonl": #"{"id":"v-new","name":"New"}"#,
            "referrals.jsonl": #"{"id":"r-a","vendor_id":"v-new","referrer_type":"institution"}"# + "\n"
                + #"{"id":"r-b","vendor_id":"v-dune","referrer_type":"past_client"}"#,
        ], to: d)
        _ = try Importer(store: store, taxonomy: taxonomy).importDirectory(d)
        #expect(try store.referrals(vendorID: "v-new").count == 1)
        #expect(try store.referrals(vendorID: "v-dune").count == 1)
    }

    @Test(arguments: badInputs)
    func refusesBadInputNamingFileLineAndFieldAndWritesNothing(_ bad: BadInput) throws {
        let store = try market()
        let before = try Snapshot(store)
        let d = dir.sub("bad")
        try Data(bad.bytes).write(to: URL(fileURLWithPath: d).appendingPathComponent(bad.file))
        try write(bad.others, to: d)
        let failure = try #require(failingImport(d, into: store))
        let first = try #require(failure.errors.first)
        #expect(failure.totalCount == 1)
        #expect(first.file == bad.file)
        #expect(first.line == bad.line)
        #expect(first.field == bad.field)
        #expect(first.reason.contains(bad.reason), "\(first.reason)")
        #expect(failure.description.contains(bad.line > 0 ? "\(bad.file):\(bad.line)" : bad.file))
        #expect(try Snapshot(store) == before)
    }

    @Test func refusesAMissingOrUnreadableDirectory() throws {
        let store = try market()
        let before = try Snapshot(store)
        let missing = dir.file("no-such-dir")
        #expect(failingImport(missing, into: store)?.errors.first == RecordError(file: missing, line: 0, reason: "no such directory"))
        let plainFile = dir.file("plain.txt")
        try write(["plain.txt": "x"], to: dir.path)
        #expect(failingImport(plainFile, into: store)?.errors.first?.reason == "not a directory")
        let empty = dir.sub("empty")
        #expect(failingImport(empty, into: store)?.errors.first?.reason.hasPrefix("no data files") == true)
        // A data file that cannot be read (here: a directory of that name).
        let odd = dir.sub("odd")
        try FileManager.default.createDirectory(atPath: odd + "/vendors.jsonl", withIntermediateDirectories: true)
        let oddError = failingImport(odd, into: store)?.errors.first
        #expect(oddError?.file == "vendors.jsonl")
        #expect(oddError?.reason.hasPrefix("cannot read file") == true)
        if geteuid() != 0 {  // root reads through permissions
            let locked = dir.sub("locked")
            try write(["vendors.jsonl": goodVendor], to: locked)
            chmod(locked, 0)
            defer { chmod(locked, 0o755) }
            #expect(failingImport(locked, into: store)?.errors.first?.reason.hasPrefix("cannot read directory") == true)
        }
        #expect(try Snapshot(store) == before)
    }

    @Test func listsTwentyErrorsAndCountsTheRest() throws {
        let store = try market()
        let d = dir.sub("many")
        let lines = (1...25).map { #"{"id":"x\#($0)","name":"X","size":"big"}"# }
        try write(["vendors.jsonl": lines.joined(separator: "\n")], to: d)
        let failure = try #require(failingImport(d, into: store))
        #expect(failure.errors.count == 20)
        #expect(failure.totalCount == 25)
        #expect(failure.errors.map(\.line) == Array(1...20))
        #expect(failure.description.hasSuffix("… and 5 more"))
        #expect(failure.vmError.code == .invalidInput)
    }

    @Test func isAllOrNothingAcrossFiles() throws {
        let store = try market()
        let before = try Snapshot(store)
        let d = dir.sub("partial")
        try write([
            "vendors.jsonl": goodVendor + "\n" + #"{"id":"v-acme","name":"Acme renamed"}"#,
            "case_studies.jsonl": goodCase,
            "referrals.jsonl": goodReferral + "\n" + #"{"id":"r-late","vendor_id":"v-acme","referrer_type":"past_client","date":"2024-13-01"}"#,
        ], to: d)
        let failure = try #require(failingImport(d, into: store))
        #expect(failure.errors.map(\.description) == [#"referrals.jsonl:2: field "date": expected YYYY-MM-DD, got "2024-13-01""#])
        #expect(try Snapshot(store) == before)
    }

    @Test func anInvalidVendorDoesNotAlsoMakeItsReferencesDangling() throws {
        let store = try market()
        let d = dir.sub("cascade")
        try write([
            "vendors.jsonl": #"{"id":"n1","name":"N","size":"big"}"#,
            "case_studies.jsonl": #"{"id":"c1","vendor_id":"n1","client_industry":"52","service_types":["data"]}"#,
        ], to: d)
        let failure = try #require(failingImport(d, into: store))
        #expect(failure.errors.map(\.file) == ["vendors.jsonl"])
    }

    @Test func reportsEveryBadLineNotOnlyTheFirst() throws {
        let store = try dir.store()
        let d = dir.sub("several")
        try write([
            "vendors.jsonl": #"{"id":"a","name":"A","regions":["XX"]}"# + "\n" + goodVendor + "\n" + #"{"id":"b"}"#,
            "referrals.jsonl": #"{"id":"r","vendor_id":"zzz","referrer_type":"past_client"}"#,
        ], to: d)
        let failure = try #require(failingImport(d, into: store))
        #expect(failure.errors.map { "\($0.file):\($0.line):\($0.field)" } == [
            "vendors.jsonl:1:regions[0]", "vendors.jsonl:3:name", "referrals.jsonl:1:vendor_id",
        ])
        #expect(try store.counts() == CatalogueStore.Counts())
    }

    @Test(arguments: [1, 64, 1000, 1 << 20])
    func numbersLinesAcrossChunkBoundaries(chunkBytes: Int) throws {
        let store = try market()
        let before = try Snapshot(store)
        var lines = (1...300).map { #"{"id":"n\#($0)","name":"Vendor \#($0)"}"# }
        lines[99] = ""  // a blank line 100
        lines[136] = #"{"id":"n137","name":"X","size":"huge"}"#
        lines[249] = #"{"id":"n7","name":"Again"}"#
        let d = dir.sub("chunks")
        try write(["vendors.jsonl": lines.joined(separator: "\n") + "\n"], to: d)
        var importer = Importer(store: store, taxonomy: taxonomy)
        importer.chunkBytes = chunkBytes
        do {
            _ = try importer.importDirectory(d)
            Issue.record("import succeeded")
        } catch let failure as ImportFailure {
            #expect(failure.errors.map(\.description) == [
                #"vendors.jsonl:137: field "size": unknown size band "huge" (one of 1-9, 10-49, 50-249, 250-999, 1000-9999, 10000+)"#,
                #"vendors.jsonl:250: field "id": duplicate id "n7" (first on line 7)"#,
            ])
        }
        #expect(try Snapshot(store) == before)
        // Fixed, the same file imports completely.
        lines[136] = #"{"id":"n137","name":"X"}"#
        lines[249] = #"{"id":"n250","name":"Y"}"#
        try write(["vendors.jsonl": lines.joined(separator: "\n")], to: d)
        let summary = try importer.importDirectory(d)
        #expect(summary.file(.vendors)?.inserted == 299)
        #expect(try store.vendor(id: "n300")?.name == "Vendor 300")
    }

    @Test func splitsChunksAfterANewline() {
        let text = Array("ab\ncd\n\nef".utf8)
        text.withUnsafeBytes { all in
            #expect(ImportParser.chunkEnd(all, from: 0, minimum: 1) == 3)
            #expect(ImportParser.chunkEnd(all, from: 0, minimum: 3) == 3)
            #expect(ImportParser.chunkEnd(all, from: 0, minimum: 4) == 6)
            #expect(ImportParser.chunkEnd(all, from: 6, minimum: 1) == 7)
            #expect(ImportParser.chunkEnd(all, from: 7, minimum: 1) == 9)
            #expect(ImportParser.chunkEnd(all, from: 7, minimum: 100) == 9)
            #expect(ImportParser.newlines(in: all) == 3)
        }
    }

    /// Found by FuzzJSONLines: a file whose last line has no newline ended its last chunk one line short
    /// (progress reported line N-1 at the end of an N-line file).
    @Test func countsALastLineWithoutANewline() {
        for (text, lines) in [("{}\n{}", 2), ("{}\n{}\n", 2), ("{}", 1), ("\n\n", 2), ("", 0)] {
            let channel = ParsedChunkChannel(capacity: 100)
            var parser = ImportParser(codec: RecordCodec(taxonomy: taxonomy))
            parser.chunkBytes = 2
            parser.parse([(.vendors, Data(text.utf8))], into: channel)
            var last = 0
            while let chunk = channel.take() { last = chunk.lastLine }
            #expect(last == lines, "\(text.debugDescription)")
        }
    }

    @Test func reportsProgressOnLongFiles() throws {
        let store = try dir.store()
        var importer = Importer(store: store, taxonomy: taxonomy)
        importer.progressInterval = 2
        var seen: [Int] = []
        _ = try importer.importDirectory(fixtureMarket) { seen.append($0.line) }
        #expect(!seen.isEmpty)
    }
}
