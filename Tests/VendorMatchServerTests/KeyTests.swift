import Foundation
import Testing
import VendorMatchClient
import VendorMatchCore
import VendorMatchProto
import VendorMatchServer
import VendorMatchStore
import VendorMatchWire

/// The status a call ends with (OK when it returns).
func status(_ call: () async throws -> Void) async -> StatusCode {
    do {
        try await call()
        return .ok
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}

func referral(_ id: String, vendor: String = "credml", type: String = "past_client", buyer: String? = nil) -> Vendormatch_V1_Referral {
    var r = Vendormatch_V1_Referral()
    r.id = id
    r.vendorID = vendor
    r.referrerType = type
    if let buyer { r.buyerOrg = buyer }
    return r
}

func outcome(request: String, vendor: String = "credml", buyer: String? = nil) -> Vendormatch_V1_Outcome {
    var o = Vendormatch_V1_Outcome()
    o.requestID = request
    o.vendorID = vendor
    o.grade = 1
    if let buyer { o.buyerOrg = buyer }
    return o
}

/// The small market plus private referrals given to buyer "acme" only: a partner's and a colleague's
/// recommendation of Credit ML, and a past client's warning against Bank Data Partners.
func catalogueWithAcmeReferrals() -> Catalogue {
    var c = smallCatalogue()
    c.referrals += [
        Referral(id: "acme-secret-1", vendorID: "credml", referrerType: .buyerPartner, referrerOrg: "acme-partner-org", buyerOrg: "acme", date: "2025-01-10"),
        Referral(id: "acme-secret-2", vendorID: "credml", referrerType: .buyerInternal, referrerOrg: "acme-subsidiary", buyerOrg: "acme", date: "2025-02-10"),
        Referral(id: "acme-secret-3", vendorID: "bankdata", referrerType: .pastClient, referrerOrg: "acme-old-client", buyerOrg: "acme", strength: -0.8, date: "2025-03-10"),
    ]
    return c
}

@Suite("API keys: scopes, tenants, revocation")
struct KeyTests {
    enum Key: String, CaseIterable { case read, write, admin }

    /// One row of the scope table: what a call does with each kind of key.
    struct Rule: Sendable, CustomStringConvertible {
        let description: String
        let expected: [Key: StatusCode]
        let call: @Sendable (VendorMatchClient) async throws -> Void
    }

    static let ok = StatusCode.ok, denied = StatusCode.permissionDenied

    static var rules: [Rule] {
        func shortlist(buyer: String?) -> @Sendable (VendorMatchClient) async throws -> Void {
            { c in
                var q = shortlistRequest(id: "s")
                if let buyer { q.buyerOrg = buyer }
                _ = try await c.shortlist(q)
            }
        }
        return [
            Rule(description: "Shortlist without buyer_org", expected: [.read: ok, .write: denied, .admin: ok], call: shortlist(buyer: nil)),
            Rule(description: "Shortlist for the key's tenant", expected: [.read: ok, .write: denied, .admin: ok], call: shortlist(buyer: "acme")),
            Rule(description: "Shortlist for another buyer", expected: [.read: denied, .write: denied, .admin: ok], call: shortlist(buyer: "bolt")),
            Rule(description: "FindCaseStudies", expected: [.read: ok, .write: denied, .admin: ok]) { c in
                var q = Vendormatch_V1_FindCaseStudiesRequest()
                q.industry = "522"
                _ = try await c.findCaseStudies(q)
            },
            Rule(description: "GetVendor", expected: [.read: ok, .write: denied, .admin: ok]) { c in _ = try await c.vendor(id: "credml") },
            Rule(description: "Stats", expected: [.read: ok, .write: denied, .admin: ok]) { c in _ = try await c.stats() },
            Rule(description: "RecordReferrals for the key's tenant", expected: [.read: denied, .write: ok, .admin: ok]) { c in
                _ = try await c.recordReferrals([referral("own-\(UUID().uuidString)", type: "buyer_partner", buyer: "acme")])
            },
            Rule(description: "RecordReferrals for another buyer", expected: [.read: denied, .write: denied, .admin: ok]) { c in
                _ = try await c.recordReferrals([referral("other-\(UUID().uuidString)", type: "buyer_partner", buyer: "bolt")])
            },
            Rule(description: "RecordReferrals without buyer_org", expected: [.read: denied, .write: denied, .admin: ok]) { c in
                _ = try await c.recordReferrals([referral("general-\(UUID().uuidString)")])
            },
            Rule(description: "RecordOutcomes without buyer_org", expected: [.read: denied, .write: ok, .admin: ok]) { c in
                _ = try await c.recordOutcomes([outcome(request: "o-\(UUID().uuidString)")])
            },
            Rule(description: "RecordOutcomes for another buyer", expected: [.read: denied, .write: denied, .admin: ok]) { c in
                _ = try await c.recordOutcomes([outcome(request: "o-\(UUID().uuidString)", buyer: "bolt")])
            },
            Rule(description: "UpsertVendors", expected: [.read: denied, .write: denied, .admin: ok]) { c in
                var v = Vendormatch_V1_Vendor()
                v.id = "tmp-\(UUID().uuidString)"
                v.name = "Temporary"
                _ = try await c.upsertVendors([v])
            },
            Rule(description: "UpsertCaseStudies", expected: [.read: denied, .write: denied, .admin: ok]) { c in
                var cs = Vendormatch_V1_CaseStudy()
                cs.id = "tmp-\(UUID().uuidString)"
                cs.vendorID = "shopworks"
                cs.clientIndustry = "4451"
                cs.serviceTypes = ["software.ecommerce"]
                _ = try await c.upsertCaseStudies([cs])
            },
            Rule(description: "DeleteVendor", expected: [.read: denied, .write: denied, .admin: ok]) { c in
                // Refused keys never reach the lookup; for admin the vendor is made first.
                var v = Vendormatch_V1_Vendor()
                v.id = "doomed"
                v.name = "Doomed"
                _ = try? await c.upsertVendors([v])
                try await c.deleteVendor(id: "doomed")
            },
            Rule(description: "Health", expected: [.read: ok, .write: ok, .admin: ok]) { c in _ = try await c.health() },
        ]
    }

    @Test func everyMethodFollowsTheKeysScopesAndTenant() async throws {
        let server = try await TestServer.start(catalogue: catalogueWithAcmeReferrals(), keys: true)
        let tokens: [Key: String] = [
            .read: try server.store.createKey(tenant: "acme", scopes: .read).token.text,
            .write: try server.store.createKey(tenant: "acme", scopes: .write).token.text,
            .admin: try server.store.createKey(tenant: nil, scopes: .admin).token.text,
        ]
        for key in Key.allCases {
            let client = try await server.client(token: tokens[key])
            for rule in Self.rules {
                let got = await status { try await rule.call(client) }
                #expect(got == rule.expected[key], "\(rule) with a \(key) key: \(got)")
            }
            await client.close()
        }
        // Without a key, or with a malformed or unknown one: UNAUTHENTICATED for all but Health.
        for token in [nil, "nonsense", "vmk_000000000000_" + String(repeating: "0", count: 64), tokens[.read]! + "0"] {
            let client = try await server.client(token: token)
            for rule in Self.rules {
                let got = await status { try await rule.call(client) }
                #expect(got == (rule.description == "Health" ? .ok : .unauthenticated), "\(rule) with token \(token ?? "none"): \(got)")
            }
            await client.close()
        }
        // A write key's outcome without buyer_org is recorded for its tenant.
        #expect(try server.store.outcomes().contains { $0.buyerOrg == "acme" })
        #expect(try server.store.outcomes().filter { $0.buyerOrg == "bolt" }.count == 1, "only the admin key's")
        try await server.stop()
    }

    @Test func refusalsNameTheRuleAndTheField() async throws {
        let server = try await TestServer.start(keys: true)
        let reader = try await server.client(token: try server.store.createKey(tenant: "acme", scopes: .read).token.text)
        var q = shortlistRequest(id: "x")
        q.buyerOrg = "bolt"
        do {
            _ = try await reader.shortlist(q)
            Issue.record("shortlist for another buyer accepted")
        } catch {
            #expect(error.code == .permissionDenied)
            #expect(error.field == "buyer_org")
            #expect(error.message.contains("acme") && error.message.contains("bolt"), "\(error.message)")
        }
        let writer = try await server.client(token: try server.store.createKey(tenant: "acme", scopes: .write).token.text)
        do {
            _ = try await writer.recordReferrals([referral("g1")])
            Issue.record("general referral from a write key accepted")
        } catch {
            #expect(error.code == .permissionDenied)
            #expect(error.field == "referrals[0].buyer_org")
            #expect(error.message.contains("admin"))
        }
        await reader.close()
        await writer.close()
        try await server.stop()
    }

    @Test func aWriteKeyCannotReplaceAnotherBuyersReferral() async throws {
        let server = try await TestServer.start(catalogue: catalogueWithAcmeReferrals(), keys: true)
        let bolt = try await server.client(token: try server.store.createKey(tenant: "bolt", scopes: .write).token.text)
        let got = await status { _ = try await bolt.recordReferrals([referral("acme-secret-1", type: "buyer_partner", buyer: "bolt")]) }
        #expect(got == .permissionDenied)
        #expect(try server.store.referrals(vendorID: "credml").first { $0.id == "acme-secret-1" }?.buyerOrg == "acme")
        await bolt.close()
        try await server.stop()
    }

    /// Tenant B's view of a market holding A's private referrals must be exactly its view of the same
    /// market without them, in every field of every read response.
    @Test func anotherTenantNeverSeesABuyersPrivateReferrals() async throws {
        let withSecrets = try await TestServer.start(catalogue: catalogueWithAcmeReferrals(), keys: true)
        let without = try await TestServer.start(catalogue: smallCatalogue(), keys: true)
        func clients(_ s: TestServer) async throws -> (acme: VendorMatchClient, bolt: VendorMatchClient) {
            (try await s.client(token: try s.store.createKey(tenant: "acme", scopes: [.read, .write]).token.text),
             try await s.client(token: try s.store.createKey(tenant: "bolt", scopes: [.read, .write]).token.text))
        }
        let (acme, bolt) = try await clients(withSecrets)
        let (_, boltWithout) = try await clients(without)

        // Shortlist, with explanations, with and without naming the tenant.
        for named in [false, true] {
            var q = shortlistRequest(id: "same", k: 10)
            if named { q.buyerOrg = "bolt" }
            let seen = try await bolt.shortlist(q)
            let reference = try await boltWithout.shortlist(q)
            #expect(seen == reference, "bolt's shortlist differs when acme has private referrals")
            let bytes = try seen.serializedBytes() as [UInt8]
            #expect(!String(decoding: bytes, as: UTF8.self).contains("acme"))
            #expect(!seen.vendors.flatMap(\.referrals).contains { $0.referrerType == "buyer_partner" || $0.referrerType == "buyer_internal" })
        }
        // The tenant itself does see and count them.
        let own = try await acme.shortlist(shortlistRequest(id: "same", k: 10))
        let credml = try #require(own.vendors.first { $0.vendorID == "credml" })
        #expect(credml.referrals.contains { $0.referrerType == "buyer_partner" && $0.count == 1 })
        #expect(credml.referrals.contains { $0.referrerType == "buyer_internal" && $0.count == 1 })
        #expect(try await bolt.shortlist(shortlistRequest(id: "same", k: 10)).vendors.first { $0.vendorID == "credml" }?.score != credml.score)

        // FindCaseStudies and GetVendor.
        var cases = Vendormatch_V1_FindCaseStudiesRequest()
        cases.industry = "522"
        cases.need = "credit risk"
        #expect(try await bolt.findCaseStudies(cases) == (try await boltWithout.findCaseStudies(cases)))
        for id in ["credml", "bankdata"] {
            #expect(try await bolt.vendor(id: id) == (try await boltWithout.vendor(id: id)))
        }

        // Stats and write responses count only what the tenant may see.
        let boltStats = try await bolt.stats(), referenceStats = try await boltWithout.stats()
        #expect(boltStats.counts == referenceStats.counts)
        #expect(try await acme.stats().counts.referrals == boltStats.counts.referrals + 3)
        let written = try await bolt.recordReferrals([referral("bolt-own", type: "buyer_partner", buyer: "bolt")])
        let writtenReference = try await boltWithout.recordReferrals([referral("bolt-own", type: "buyer_partner", buyer: "bolt")])
        #expect(written.counts == writtenReference.counts)
        let outcomeWritten = try await bolt.recordOutcomes([outcome(request: "r1")])
        #expect(outcomeWritten.counts.referrals == writtenReference.counts.referrals)

        // And acme never sees bolt's referral now either.
        let acmeView = try await acme.shortlist(shortlistRequest(id: "same", k: 10))
        #expect(acmeView.vendors.first { $0.vendorID == "credml" }?.referrals.first { $0.referrerType == "buyer_partner" }?.count == 1)
        #expect(try await acme.stats().counts.referrals == boltStats.counts.referrals + 3)

        for c in [acme, bolt, boltWithout] { await c.close() }
        try await withSecrets.stop()
        try await without.stop()
    }

    @Test func keysCreatedAndRevokedWhileServingCountFromTheNextRequest() async throws {
        let server = try await TestServer.start(keys: true)
        let anonymous = try await server.client()
        // No key yet: open, as before.
        #expect(await status { _ = try await anonymous.stats() } == .ok)
        let (key, token) = try server.store.createKey(tenant: "acme", scopes: .read)
        let holder = try await server.client(token: token.text)
        #expect(await status { _ = try await anonymous.stats() } == .unauthenticated)
        #expect(await status { _ = try await holder.stats() } == .ok)
        try server.store.revokeKey(id: key.id)
        #expect(await status { _ = try await holder.stats() } == .unauthenticated)
        #expect(await status { _ = try await holder.shortlist(shortlistRequest(id: "r")) } == .unauthenticated)
        // A revoked key still means keys are in force: the server does not fall back to open.
        #expect(await status { _ = try await anonymous.stats() } == .unauthenticated)
        #expect(await status { _ = try await anonymous.health() } == .ok)
        await anonymous.close()
        await holder.close()
        try await server.stop()
    }

    @Test func authTokenActsAsAnAdminKeyBesideTheKeys() async throws {
        let server = try await TestServer.start(ServerConfiguration(authToken: "s3cret"), keys: true)
        let reader = try await server.client(token: try server.store.createKey(tenant: "acme", scopes: .read).token.text)
        let admin = try await server.client(token: "s3cret")
        var q = shortlistRequest(id: "any-buyer")
        q.buyerOrg = "bolt"
        #expect(await status { _ = try await admin.shortlist(q) } == .ok)
        #expect(await status { _ = try await admin.recordReferrals([referral("g-admin")]) } == .ok)
        #expect(await status { _ = try await reader.shortlist(q) } == .permissionDenied)
        #expect(await status { _ = try await reader.upsertVendors([]) } == .permissionDenied)
        await reader.close()
        await admin.close()
        try await server.stop()
    }

    /// Regression: lengths were compared in 8 bits, so the token followed by exactly 256 more bytes passed.
    @Test(arguments: [1, 255, 256, 512])
    func tokenFollowedByMoreBytesIsRefused(extra: Int) async throws {
        let server = try await TestServer.start(ServerConfiguration(authToken: "s3cret"))
        let client = try await server.client(token: "s3cret" + String(repeating: "x", count: extra))
        #expect(await status { _ = try await client.stats() } == .unauthenticated)
        await client.close()
        try await server.stop()
    }

    /// Many checks against one ring among 51 keys all verify (the cost is a benchmark's business, not a test's).
    @Test func aKeyVerifiesOnEveryCheckAmongManyKeys() async throws {
        let directory = try makeTemporaryDirectory("vm-keycost")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CatalogueStore(path: directory.appendingPathComponent("k.sqlite").path)
        for i in 0..<50 { _ = try store.createKey(tenant: "t\(i)", scopes: .read) }
        let token = try store.createKey(tenant: "acme", scopes: .read).token.text
        let ring = try store.keyRing()
        let n = 2_000
        var found = 0
        for _ in 0..<n where try ring.current().verify(token) != nil { found += 1 }
        #expect(found == n)
    }
}
