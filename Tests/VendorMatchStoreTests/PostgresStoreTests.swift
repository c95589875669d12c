import Foundation
import Testing
import VendorMatchCore
import VendorMatchPostgres
import VendorMatchStore

/// What only the PostgreSQL store has to show: URLs, connection failures, schema versions, many writers.
@Suite struct PostgresStoreTests {
    @Test func parsesStoreURLsAndHidesThePassword() throws {
        let url = try PostgresStoreURL(parsing: "postgres://vm:secret@127.0.0.1:5544/catalogue")
        #expect(url.user == "vm" && url.password == "secret" && url.host == "127.0.0.1" && url.port == 5544 && url.database == "catalogue")
        #expect(url.description == "postgres://vm@127.0.0.1:5544/catalogue")
        #expect(try PostgresStoreURL(parsing: "postgresql://vm@db/x").port == 5432)
        for bad in ["postgres://127.0.0.1:5432/x", "postgres://vm@127.0.0.1:5432/", "mysql://vm@h/x", "postgres://vm@h:99999/x"] {
            #expect(throws: VMError.self, "\(bad)") { try PostgresStoreURL(parsing: bad) }
        }
    }

    @Test func anUnreachableServerIsBadInputNamingTheURLWithinTenSeconds() throws {
        // A port nothing listens on (bound then closed) refuses at once.
        let start = ContinuousClock.now
        do {
            _ = try PostgresCatalogueStore(parsing: "postgres://vm@127.0.0.1:1/nothing")
            Issue.record("connected to port 1")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("postgres://vm@127.0.0.1:1/nothing"))
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test(.enabled(if: testPostgresServer != nil))
    func aWrongDatabaseNameIsBadInputNamingIt() throws {
        var url = try #require(testPostgresServer)
        url.database = "no_such_database_here"
        do {
            _ = try PostgresCatalogueStore(url: url)
            Issue.record("opened a database that does not exist")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("no_such_database_here"))
        }
    }

    @Test(.enabled(if: testPostgresServer != nil))
    func aDatabaseAtANewerSchemaVersionIsRefused() throws {
        let url = try PostgresAdmin.createDatabase(StoreKind.freshDatabaseName(), on: try #require(testPostgresServer))
        let store = try PostgresCatalogueStore(url: url)
        try store.upsert(vendors: [Vendor(id: "v", name: "V")])
        try store.markAppliedForTesting(migration: "99-from-the-future")
        do {
            _ = try PostgresCatalogueStore(url: url)
            Issue.record("opened a database of a newer schema")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("newer schema"))
            #expect(error.message.contains("99-from-the-future"))
        }
    }

    @Test(.enabled(if: testPostgresServer != nil))
    func concurrentWritersGetConsecutiveVersionsInCommitOrder() async throws {
        let url = try PostgresAdmin.createDatabase(StoreKind.freshDatabaseName(), on: try #require(testPostgresServer))
        let stores = try (0..<4).map { _ in try PostgresCatalogueStore(url: url) }
        let versions = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for (w, store) in stores.enumerated() {
                group.addTask {
                    try (0..<25).map { i in try store.upsert(vendors: [Vendor(id: "w\(w)-\(i)", name: "V")]) }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(versions.sorted() == Array(1...100))
        let logged = try stores[0].changes(after: 0, limit: 1000).map(\.version)
        #expect(logged == Array(1...100))
        #expect(try stores[0].counts().vendors == 100)
    }
    @Test(.enabled(if: testPostgresServer != nil))
    func aRankersKeyWatchSeesKeysCreatedAndRevokedByAnotherProcessWithoutPolling() async throws {
        let url = try PostgresAdmin.createDatabase(StoreKind.freshDatabaseName(), on: try #require(testPostgresServer))
        let store = try PostgresCatalogueStore(url: url)
        // No re-reading on a timer in this test: only the notifications can make the watch see a change.
        let watch = try PostgresKeyWatch(store: store, refreshInterval: .seconds(3600))
        defer { watch.stop() }
        #expect(try !watch.current().areRequired)
        // Listening has started once the watch has re-read the keys for its first LISTEN.
        try await waitUntil("the watch listens") { watch.readCount >= 1 }

        let other = try PostgresCatalogueStore(url: url)
        let (key, token) = try other.createKey(tenant: "acme", scopes: [.read], now: Date())
        try await waitUntil("the new key is seen") { try watch.current().verify(token.text)?.id == key.id }
        #expect(try watch.current().areRequired)
        #expect(try watch.current().verify(token.text + "x") == nil)

        let revokedAt = ContinuousClock.now
        try other.revokeKey(id: key.id, now: Date())
        try await waitUntil("the revocation is seen") { try watch.current().verify(token.text) == nil }
        #expect(ContinuousClock.now - revokedAt < .seconds(2))
        #expect(try watch.current().areRequired)
    }

    /// Waits up to 5 s for `condition`, checking every 10 ms (yielding the thread meanwhile: the watch's
    /// listener runs on the same cooperative threads).
    private func waitUntil(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting until \(what)")
    }
}

