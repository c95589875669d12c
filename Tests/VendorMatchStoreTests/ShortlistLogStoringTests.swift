import Foundation
import Testing
import VendorMatchCore
import VendorMatchPostgres
import VendorMatchStore

/// The shortlist log of `ShortlistLogStoring`, run against SQLite and (with `$VENDORMATCH_TEST_POSTGRES`)
/// PostgreSQL: the same rows, the same replacement and retention, the same join with outcomes.
@Suite struct ShortlistLogStoringTests {
    static let columns = 2
    let dir = TempDir()

    /// `vendors.count` rows × 2 columns: row i is (i + 0.5, NaN), so the first column is a dictionary column
    /// and the second a constant one.
    static func entry(_ id: String, servedAt: Date, vendors: [String] = ["v1", "v2"], buyer: String? = nil) -> LoggedShortlist {
        let request = buyer.map { "{\"buyer_org\":\"\($0)\",\"id\":\"\(id)\"}" } ?? "{\"id\":\"\(id)\"}"
        return LoggedShortlist(requestID: id, servedAt: servedAt, modelVersion: "m@1", featuresHash: "0123456789abcdef", k: 1,
                               request: request, vendorIDs: vendors, matrix: vendors.indices.flatMap { [Float($0) + 0.5, .nan] })
    }

    static func stored(_ store: any ShortlistLogStoring) throws -> [StoredShortlistLogRow] {
        switch store {
        case let s as CatalogueStore: return try s.storedShortlistLogRows()
        case let s as PostgresCatalogueStore: return try s.storedShortlistLogRows()
        default: fatalError("unknown store \(type(of: store))")
        }
    }

    static func logged(_ store: any ShortlistLogStoring, outcomesOnly: Bool = false, buyer: String? = nil) throws -> [LoggedShortlist] {
        var rows: [LoggedShortlist] = []
        try store.forEachLoggedShortlist(outcomesOnly: outcomesOnly, buyer: buyer, columns: columns) { rows.append($0) }
        return rows
    }

    /// NaN never equals itself: compare the matrices' bits.
    static func same(_ a: [LoggedShortlist], _ b: [LoggedShortlist]) -> Bool {
        func key(_ s: LoggedShortlist) -> String {
            "\(s.requestID) \(s.servedAt.timeIntervalSince1970) \(s.modelVersion) \(s.featuresHash) \(s.k) \(s.request) \(s.vendorIDs) \(s.matrix.map(\.bitPattern))"
        }
        return a.map(key) == b.map(key)
    }

    @Test(arguments: StoreKind.available)
    func appendsAndReplacesARequestIDLoggedAgain(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        let t = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(try store.shortlistLogCount() == 0)
        try store.appendShortlistLog([Self.entry("q1", servedAt: t, buyer: "acme"), Self.entry("q2", servedAt: t)], columns: Self.columns)
        // Logged again (by another ranker, say) at the same time: it replaces the row and becomes the newest.
        try store.appendShortlistLog([Self.entry("q1", servedAt: t, vendors: ["v3"], buyer: "acme")], columns: Self.columns)
        #expect(try store.shortlistLogCount() == 2)
        #expect(Self.same(try Self.logged(store), [Self.entry("q2", servedAt: t), Self.entry("q1", servedAt: t, vendors: ["v3"], buyer: "acme")]))
        #expect(try store.unloggedRequestIDs(["q1", "nope", "q2"]) == ["nope"])
        let buyers = try store.loggedRequestBuyers(["q1", "q2", "nope"])
        #expect(buyers.count == 2)
        #expect(buyers["q1"] == .some("acme"))
        #expect(buyers["q2"] == .some(nil))
        #expect(try Self.logged(store, buyer: "acme").map(\.requestID) == ["q1"])
        // A later serving of the same id moves it after a row served in between.
        try store.appendShortlistLog([Self.entry("q3", servedAt: t.addingTimeInterval(1))], columns: Self.columns)
        try store.appendShortlistLog([Self.entry("q2", servedAt: t.addingTimeInterval(2))], columns: Self.columns)
        #expect(try Self.logged(store).map(\.requestID) == ["q1", "q3", "q2"])
    }

    @Test(arguments: StoreKind.available)
    func retentionByDaysAndByRowsDeletesTheOldestLogsAndNothingElse(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        _ = try store.importDirectory(fixtureMarket, taxonomy: taxonomy, progress: nil)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        // q0 … q9 served 0 … 9 days (and a minute) ago, q9 the oldest; each with an outcome.
        try store.appendShortlistLog((0..<10).map { Self.entry("q\($0)", servedAt: now.addingTimeInterval(-Double($0) * 86_400 - 60)) },
                                     columns: Self.columns)
        try store.record(outcomes: (0..<10).map { Outcome(requestID: "q\($0)", vendorID: "v1", grade: 2) })
        let catalogue = try store.loadCatalogue()

        // Five days: q0 … q4 (served 0 d 1 min … 4 d 1 min ago) stay, q5 … q9 go.
        #expect(try store.pruneShortlistLog(ShortlistLogRetention(rows: nil, days: 5), now: now) == 5)
        #expect(try Self.logged(store).map(\.requestID) == ["q4", "q3", "q2", "q1", "q0"])
        // Two rows: the two newest stay.
        #expect(try store.pruneShortlistLog(ShortlistLogRetention(rows: 2, days: nil), now: now) == 3)
        #expect(try Self.logged(store).map(\.requestID) == ["q1", "q0"])
        #expect(try store.pruneShortlistLog(ShortlistLogRetention(rows: 2, days: 5), now: now) == 0)
        // Ties on the serving time keep the later logged.
        let t = now.addingTimeInterval(10)
        try store.appendShortlistLog([Self.entry("a", servedAt: t), Self.entry("b", servedAt: t), Self.entry("c", servedAt: t)], columns: Self.columns)
        #expect(try store.pruneShortlistLog(ShortlistLogRetention(rows: 2, days: nil), now: now) == 3)
        #expect(try Self.logged(store).map(\.requestID) == ["b", "c"])
        // Everything else is as it was: the catalogue and all ten outcomes.
        #expect(try store.loadCatalogue() == catalogue)
        #expect(try store.outcomes().map(\.requestID) == (0..<10).map { "q\($0)" })
        #expect(try store.shortlistLogCount() == 2)
    }

    @Test(arguments: StoreKind.available)
    func loggedOutcomesJoinTheLogWithRecordedOutcomes(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        let t = Date(timeIntervalSince1970: 1_750_000_000.25)
        try store.appendShortlistLog([Self.entry("q1", servedAt: t), Self.entry("q2", servedAt: t.addingTimeInterval(1)),
                                      Self.entry("q3", servedAt: t.addingTimeInterval(2), vendors: ["v2", "v9", "v4"])], columns: Self.columns)
        try store.record(outcomes: [
            Outcome(requestID: "q3", vendorID: "v9", grade: 1),
            Outcome(requestID: "q1", vendorID: "v1", grade: 2),
            Outcome(requestID: "q1", vendorID: "v2", grade: 0),
            Outcome(requestID: "never-logged", vendorID: "v1", grade: 2),
        ])
        let training = try store.loggedOutcomes(columns: Self.columns)
        #expect(training.map(\.shortlist.requestID) == ["q1", "q3"])
        #expect(training.map(\.grades) == [["v1": 2, "v2": 0], ["v9": 1]])
        // The feature rows exactly as logged: (0.5, NaN), (1.5, NaN), (2.5, NaN).
        #expect(training[1].shortlist.vendorIDs == ["v2", "v9", "v4"])
        #expect(training[1].shortlist.matrix.map(\.bitPattern) == [0.5, .nan, 1.5, .nan, 2.5, .nan].map { (x: Float) in x.bitPattern })
        #expect(training[0].shortlist.servedAt == t)
        // A second outcome for the same request and vendor replaces the first.
        try store.record(outcomes: [Outcome(requestID: "q3", vendorID: "v9", grade: 2)])
        #expect(try store.loggedOutcomes(columns: Self.columns).map(\.grades) == [["v1": 2, "v2": 0], ["v9": 2]])
        // Read without the matrices, the rows are the same but for them.
        var light: [LoggedShortlist] = []
        try store.forEachLoggedShortlist(matrices: false, columns: Self.columns) { light.append($0) }
        #expect(light.map(\.requestID) == ["q1", "q2", "q3"])
        #expect(light.allSatisfy { $0.matrix.isEmpty })
    }

    @Test(arguments: StoreKind.available)
    func storedRowsAreTheHandWorkedBlobs(_ kind: StoreKind) throws {
        let store = try kind.makeStore(in: dir)
        try store.appendShortlistLog([Self.entry("q1", servedAt: Date(timeIntervalSince1970: 1_700_000_000.123456789))], columns: Self.columns)
        let rows = try Self.stored(store)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        // "v1\nv2" stored as is (format 1): deflating five bytes would not save any.
        #expect([UInt8](row.vendorIDs) == [1, 0x76, 0x31, 0x0A, 0x76, 0x32])
        // Columnar (3), 2 rows; column 0 a dictionary of 0.5 and 1.5 with codes 0, 1; column 1 constant NaN.
        #expect([UInt8](row.matrix) == [3, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0x3F, 0, 0, 0xC0, 0x3F, 0, 1, 0, 0, 0, 0xC0, 0x7F])
        #expect(row.servedAt.bitPattern == (1_700_000_000.123456789 as Double).bitPattern)
        #expect(row.request == "{\"id\":\"q1\"}")
        #expect(row.k == 1)
    }

    @Test(.enabled(if: testPostgresServer != nil, "needs $VENDORMATCH_TEST_POSTGRES"))
    func sqliteAndPostgresStoreBitIdenticalRows() throws {
        let sqlite = try StoreKind.sqlite.makeStore(in: dir), postgres = try StoreKind.postgres.makeStore(in: dir)
        // NaN payloads, signed zeros, a subnormal, an all-distinct column, a long id list that deflates.
        var x: UInt32 = 7
        let many = (0..<400).map { "vendor-\($0 % 37)" }
        let matrix: [Float] = (0..<(many.count * Self.columns)).map { i in
            x = x &* 1_664_525 &+ 1_013_904_223
            return i % 2 == 0 ? Float(bitPattern: x >> 1) : [Float.nan, Float(bitPattern: 0x7FC0_1234), -0.0, 0, .leastNonzeroMagnitude][i / 2 % 5]
        }
        let t = Date(timeIntervalSince1970: 1_765_000_000.987654321)
        let entries = [
            LoggedShortlist(requestID: "wide", servedAt: t, modelVersion: "shipped@1", featuresHash: "f", k: 10,
                            request: "{\"buyer_org\":\"acme\",\"id\":\"wide\",\"need\":\"créditos ✓\"}", vendorIDs: many, matrix: matrix),
            Self.entry("q1", servedAt: t.addingTimeInterval(-1)), Self.entry("q2", servedAt: t, vendors: []),
        ]
        for store in [sqlite, postgres] {
            try store.appendShortlistLog(entries, columns: Self.columns)
            try store.appendShortlistLog([Self.entry("q1", servedAt: t.addingTimeInterval(-1), vendors: ["v7"])], columns: Self.columns)
        }
        let a = try Self.stored(sqlite), b = try Self.stored(postgres)
        #expect(a.map(\.requestID) == ["q1", "wide", "q2"])
        #expect(a == b)
        #expect(Self.same(try Self.logged(sqlite), try Self.logged(postgres)))
        #expect(LogBlob.decodeIDs(try #require(b.first { $0.requestID == "wide" }).vendorIDs) == many)
    }
}
