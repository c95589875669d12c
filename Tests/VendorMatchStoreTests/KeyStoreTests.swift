import Foundation
import Testing
import VendorMatchCore
import VendorMatchStore

@Suite struct KeyStoreTests {
    let dir = TempDir()

    @Test func keysAreStoredHashedAndCheckedByTheirRing() throws {
        let path = dir.file("keys.sqlite")
        let store = try CatalogueStore(path: path)
        let ring = try store.keyRing()
        #expect(try !ring.current().areRequired)
        let (key, token) = try store.createKey(tenant: "acme", scopes: [.read, .write])
        #expect(try ring.current().areRequired)
        let verified = try ring.current().verify(token.text)
        #expect(verified?.id == key.id && verified?.tenant == "acme" && verified?.scopes == [.read, .write])
        #expect(try ring.current().verify(APIKeyToken(id: token.id, secret: String(repeating: "0", count: 64)).text) == nil)
        // The secret is nowhere in the file, only its digest.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data(token.secret.utf8)) == nil)
        // A second handle (another process, say) revokes; the ring sees it at once.
        try CatalogueStore(path: path).revokeKey(id: key.id)
        #expect(try ring.current().verify(token.text) == nil)
        #expect(try ring.current().areRequired)
        #expect(try store.keys().map(\.id) == [key.id])
        #expect(try store.keys().first?.isRevoked == true)
        #expect(throws: VMError.self) { try store.revokeKey(id: "nosuchkey000") }
    }

    @Test func aKeyWithoutATenantMustBeAdmin() throws {
        let store = try CatalogueStore(path: dir.file("t.sqlite"))
        #expect(throws: VMError.self) { try store.createKey(tenant: nil, scopes: [.read, .write]) }
        #expect(throws: VMError.self) { try store.createKey(tenant: " ", scopes: .read) }
        #expect(try store.createKey(tenant: nil, scopes: .admin).key.tenant == nil)
    }
}
