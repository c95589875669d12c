import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchStore

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Creates, lists and revokes API keys (tenants and scopes, CONTRACT §6).",
        discussion: """
        Keys live in the database (--db), stored as SHA-256 digests: a key is shown once, when it is \
        created. A client sends it as metadata "authorization: Bearer <key>". Once any key exists (revoked \
        ones count), `serve` requires a key (or --auth-token) for every method but Health; a running server \
        sees new and revoked keys at its next request, no restart needed.
        Scopes: read (Shortlist, FindCaseStudies, GetVendor, Stats), write (RecordReferrals and \
        RecordOutcomes for the key's own tenant), admin (UpsertVendors, UpsertCaseStudies, DeleteVendor, \
        referrals without buyer_org or for any buyer; includes read and write). The tenant is the buyer \
        organisation the key acts for: its Shortlists run as that buyer (another buyer_org is refused with \
        PERMISSION_DENIED) and only its own buyer-specific referrals count and show.
        Example: vendormatch keys create --db market.sqlite --tenant acme-bank --scopes read,write
        """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Creates a key and prints it (on standard output, once; it cannot be shown again).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The buyer organisation the key acts for (required unless the scopes include admin).")
        var tenant: String?

        @Option(help: "Comma-separated scopes: read, write, admin.")
        var scopes: String

        func run() throws {
            do {
                let parsed = try KeyScopes(parsing: scopes)
                let store: any CatalogueStoring
                if global.storeURL != nil {
                    store = try global.openStore()
                } else {
                    store = try global.openCatalogueStoreSeedingDefault(taxonomy: try global.taxonomy())
                }
                let (key, token) = try store.createKey(tenant: tenant, scopes: parsed, now: Date())
                print(token.text)
                printError("created key \(key.id) for \(key.tenant.map { "tenant \"\($0)\"" } ?? "no tenant") with scopes \(key.scopes) in \(store.location); it is shown only this once")
            } catch {
                exitWith(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the keys (ids, tenants, scopes, state; never the secrets).")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            do {
                let keys = try global.openExistingCatalogueStore().keys()
                if json {
                    print(JSONValue.array(keys.map(Self.json)).serialized())
                } else if keys.isEmpty {
                    print("no keys: the server requires none (see `vendormatch keys create --help`)")
                } else {
                    print("id            tenant                scopes            created               state")
                    for k in keys {
                        let state = k.revokedAt.map { "revoked \(Self.timestamp($0))" } ?? "active"
                        print([k.id, (k.tenant ?? "-").padded(20), k.scopes.description.padded(16), Self.timestamp(k.createdAt), state]
                            .joined(separator: "  "))
                    }
                }
            } catch {
                exitWith(error)
            }
        }

        static func timestamp(_ date: Date) -> String {
            ISO8601DateFormatter().string(from: date)
        }

        static func json(_ k: APIKey) -> JSONValue {
            .object([
                ("id", .string(k.id)), ("tenant", k.tenant.map(JSONValue.string) ?? .null),
                ("scopes", .array(k.scopes.description.split(separator: ",").map { .string(String($0)) })),
                ("created", .string(timestamp(k.createdAt))), ("revoked", k.revokedAt.map { .string(timestamp($0)) } ?? .null),
            ])
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revokes a key: a running server refuses it from its next request on.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The key's id (from `keys list`), or the whole key.")
        var keyID: String

        func run() throws {
            do {
                let id = APIKeyToken(parsing: keyID)?.id ?? keyID
                let key = try global.openExistingCatalogueStore().revokeKey(id: id, now: Date())
                print("revoked key \(key.id)\(key.tenant.map { " (tenant \"\($0)\")" } ?? "")")
            } catch {
                exitWith(error)
            }
        }
    }
}

extension GlobalOptions {
    /// The database named by `--db` (or the default one), which must exist already.
    func openExistingCatalogueStore() throws -> any CatalogueStoring {
        if storeURL != nil { return try openStore() }
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw VMError(.invalidInput, "database \(databasePath) does not exist (give --db PATH)", field: "db")
        }
        return try openCatalogueStore()
    }
}

private extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
