import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchStore

/// The store's byte writer must produce exactly `JSONValue.serialized()`: stored JSON is the export.
@Suite struct CanonicalJSONTests {
    @Test func matchesSerializedOnEveryFixtureRecord() throws {
        let dir = TempDir()
        let store = try dir.store()
        _ = try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        let catalogue = try store.loadCatalogue()
        var writer = CanonicalJSON()
        let values = catalogue.vendors.map(RecordCodec.json) + catalogue.caseStudies.map(RecordCodec.json)
            + catalogue.referrals.map(RecordCodec.json)
        #expect(values.count == 12)
        for value in values { #expect(writer.text(value) == value.serialized()) }
    }

    @Test(arguments: [
        "", "plain", "quote \" backslash \\ slash /", "\n\r\t", "\u{0}\u{1}\u{1F}\u{7F}", "é中🚀\u{2028}",
        "mixed \u{8} end\u{C}", String(repeating: "ab\"", count: 500),
    ])
    func matchesSerializedOnStrings(_ s: String) {
        var writer = CanonicalJSON()
        let value = JSONValue.object([(s, .array([.string(s), .null, .bool(true), .bool(false)]))])
        #expect(writer.text(value) == value.serialized())
    }

    @Test(arguments: [0.0, -0.0, 1, -17, 0.1, 1e-7, 123456789012345, 1e15, 1e300, -Double.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3])
    func matchesSerializedOnNumbers(_ n: Double) {
        var writer = CanonicalJSON()
        #expect(writer.text(.number(n)) == JSONValue.number(n).serialized())
    }
}
