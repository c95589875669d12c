import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchStore

@Suite struct ShortlistLogTests {
    static let columns = 3

    func entry(_ id: String, servedAt: Date, vendors: [String] = ["v1", "v2"]) -> LoggedShortlist {
        LoggedShortlist(requestID: id, servedAt: servedAt, modelVersion: "m@1", featuresHash: "f", k: 1, request: "{\"id\":\"\(id)\"}",
                        vendorIDs: vendors, matrix: (0..<(vendors.count * Self.columns)).map { Float($0) + 0.5 })
    }

    @Test func featureMatricesRoundTripToTheBit() throws {
        // NaN with payloads, signed zero, a subnormal, infinities, and values that compress badly.
        var values: [Float] = [.nan, Float(bitPattern: 0x7fc0_1234), -0.0, 0, .leastNonzeroMagnitude, .infinity, -.infinity, 1e-30, 3.25]
        var x: UInt32 = 12345
        for _ in 0..<(69 * 300 - values.count) {
            x = x &* 1_664_525 &+ 1_013_904_223
            values.append(x % 3 == 0 ? .nan : Float(bitPattern: x >> 2))
        }
        let blob = LogBlob.encode(matrix: values, columns: 69)
        let back = try #require(LogBlob.decodeMatrix(blob, columns: 69))
        #expect(back.map(\.bitPattern) == values.map(\.bitPattern))
        // Constant, few-valued and all-distinct columns (the three stored forms), 0 and -0 apart.
        let rows = 300
        let mixed: [Float] = (0..<(rows * 3)).map { i in
            switch i % 3 {
            case 0: .nan
            case 1: [Float(0), -0.0, 0.35, 1][(i / 3) % 4]
            default: Float(i) * 1.000_1
            }
        }
        let mixedBlob = LogBlob.encode(matrix: mixed, columns: 3)
        #expect(try #require(LogBlob.decodeMatrix(mixedBlob, columns: 3)).map(\.bitPattern) == mixed.map(\.bitPattern))
        #expect(mixedBlob.count == 5 + 5 + (2 + 16 + rows) + (1 + 4 * rows))
        #expect(LogBlob.decodeMatrix(mixedBlob.dropLast(), columns: 3) == nil)
        let ids = (0..<300).map { "v\($0)" }
        #expect(LogBlob.decodeIDs(LogBlob.encode(ids: ids)) == ids)
        #expect(LogBlob.decodeIDs(LogBlob.encode(ids: [])) == [])
        #expect(LogBlob.decodeMatrix(Data([9, 1, 2]), columns: 69) == nil)
    }

    @Test func logsRoundTripAndReplaceByRequestID() throws {
        let dir = TempDir()
        let store = try dir.store()
        let t = Date(timeIntervalSince1970: 1_700_000_000)
        try store.appendShortlistLog([entry("q1", servedAt: t), entry("q2", servedAt: t)], columns: Self.columns)
        try store.appendShortlistLog([entry("q1", servedAt: t.addingTimeInterval(5), vendors: ["v3"])], columns: Self.columns)
        var rows: [LoggedShortlist] = []
        try store.forEachLoggedShortlist(columns: Self.columns) { rows.append($0) }
        #expect(rows == [entry("q2", servedAt: t), entry("q1", servedAt: t.addingTimeInterval(5), vendors: ["v3"])])
        #expect(try store.unloggedRequestIDs(["q1", "nope", "q2"]) == ["nope"])
    }

    @Test func retentionDeletesOldLogsAndNothingElse() throws {
        let dir = TempDir()
        let store = try dir.store()
        try Importer(store: store, taxonomy: taxonomy).importDirectory(fixtureMarket)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let day = 86_400.0
        // q0 … q9 served 0 … 9 days ago (q9 the oldest); each with an outcome; a promotion too.
        try store.appendShortlistLog((0..<10).map { entry("q\($0)", servedAt: now.addingTimeInterval(-Double($0) * day - 60)) },
                                     columns: Self.columns)
        try store.record(outcomes: (0..<10).map { Outcome(requestID: "q\($0)", vendorID: "v1", grade: 2) })
        try store.promoteModel(path: "/models/a.json")
        let before = try Snapshot(store)
        func logged() throws -> [String] {
            var ids: [String] = []
            try store.forEachLoggedShortlist(columns: Self.columns) { ids.append($0.requestID) }
            return ids
        }

        #expect(try store.pruneShortlistLog(ShortlistLogRetention(rows: nil, days: 5), now: now) == 5)
        #expect(try logged() == ["q4", "q3", "q2", "q1", "q0"])
        #expect(try store.pruneShortlistLog(ShortlistLogRetention(rows: 2, days: nil), now: now) == 3)
        #expect(try logged() == ["q1", "q0"])
        #expect(try store.pruneShortlistLog(ShortlistLogRetention(rows: 2, days: 5), now: now) == 0)
        // Everything else is as it was: the catalogue, all ten outcomes, the promotion.
        #expect(try Snapshot(store) == before)
        #expect(try store.modelPromotions().map(\.path) == ["/models/a.json"])
        // The rows still logged keep their matrices.
        var matrices: [[Float]] = []
        try store.forEachLoggedShortlist(columns: Self.columns) { matrices.append($0.matrix) }
        #expect(matrices == [entry("q1", servedAt: now).matrix, entry("q0", servedAt: now).matrix])
    }

    @Test func rollbackReturnsToThePreviousPromotion() throws {
        let dir = TempDir()
        let store = try dir.store()
        #expect(try store.currentPromotion() == nil)
        #expect(try store.rollbackModel() == nil)
        try store.promoteModel(path: "/m/a.json")
        let b = try store.promoteModel(path: "/m/b.json")
        #expect(try store.currentPromotion().map { [$0.seq: $0.path] } == [b.seq: "/m/b.json"])
        #expect(try store.rollbackModel()?.path == "/m/b.json")
        #expect(try store.currentPromotion()?.path == "/m/a.json")
        #expect(try store.rollbackModel()?.path == "/m/a.json")
        #expect(try store.currentPromotion() == nil)
        // A promotion after a rollback never reuses a sequence number, so a watcher sees the change.
        let c = try store.promoteModel(path: "/m/c.json")
        #expect(c.seq > b.seq)
    }
}
