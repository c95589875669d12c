import Foundation
import VendorMatchCore

/// The catalogue of record behind every verb: vendors, case studies, referrals, outcomes, API keys and
/// the change log that carries the catalogue version (CONTRACT §8).
///
/// Two implementations: `CatalogueStore` (SQLite, the default) and `PostgresCatalogueStore`
/// (`--store postgres://…`). Both are blocking: call them from worker threads, never from an event loop.
/// Every write is one transaction that also appends its changes to the change log and advances the
/// catalogue version by one, so a follower that applies `changes(after:)` in order rebuilds the same
/// catalogue.
public protocol CatalogueStoring: Sendable {
    /// Where the catalogue lives, for messages: a file path or a `postgres://` URL without password.
    var location: String { get }

    /// Row counts of every table.
    func counts() throws(VMError) -> CatalogueStore.Counts
    /// Every record, each kind sorted by id.
    func loadCatalogue() throws(VMError) -> Catalogue
    /// Every record together with the catalogue version they are at, read in one consistent snapshot.
    func loadSnapshot() throws(VMError) -> CatalogueSnapshot
    func vendor(id: String) throws(VMError) -> Vendor?
    func caseStudies(vendorID: String) throws(VMError) -> [CaseStudy]
    func referrals(vendorID: String) throws(VMError) -> [Referral]

    /// Inserts or replaces every record of `catalogue` by id in one transaction (vendors first; a case
    /// study or referral naming an unknown vendor is `invalidInput` and nothing is written). Returns the
    /// catalogue version the write produced.
    @discardableResult
    func upsert(_ catalogue: Catalogue) throws(VMError) -> UInt64
    /// Deletes a vendor with its case studies and referrals; `deleted` is false when there was no such
    /// vendor (the version then stays).
    func deleteVendor(returningVersion id: String) throws(VMError) -> (deleted: Bool, version: UInt64)
    /// Stores outcomes; a second outcome for the same request and vendor replaces the first.
    func record(outcomes: [Outcome]) throws(VMError)
    /// Every recorded outcome, by request id then vendor id.
    func outcomes() throws(VMError) -> [Outcome]

    /// Referrals and outcomes `buyer` may see: those for every buyer plus its own.
    func privateRecordCounts(visibleTo buyer: String) throws(VMError) -> (referrals: Int, outcomes: Int)
    /// The stored `buyer_org` of each referral id that exists (nil value: a referral for every buyer).
    func referralBuyers(ids: [String]) throws(VMError) -> [String: String?]

    /// Calls `onChange` whenever another writer may have committed (with the version when known, nil after
    /// a reconnect), until the returned stop function is called; nil when the store cannot notify (SQLite:
    /// followers poll).
    func watchChanges(_ onChange: @escaping @Sendable (UInt64?) -> Void) -> (@Sendable () -> Void)?

    /// The newest committed catalogue version (0 for a catalogue never written).
    func catalogueVersion() throws(VMError) -> UInt64
    /// The changes of versions greater than `version`, oldest first, at most `limit` versions' worth
    /// (whole versions only).
    func changes(after version: UInt64, limit: Int) throws(VMError) -> [CatalogueChange]

    /// The lexical encoder's corpus statistics as JSON (nil: none stored; an import clears them). Every
    /// ranker built from the store uses them, so rankers started at different times rank alike.
    func loadTextStatistics() throws(VMError) -> Data?
    /// Stores the statistics' JSON, replacing any stored before.
    func saveTextStatistics(_ json: Data) throws(VMError)

    /// Creates an API key (CONTRACT §6) and returns it with its token, shown once.
    func createKey(tenant: String?, scopes: KeyScopes, now: Date) throws(VMError) -> (key: APIKey, token: APIKeyToken)
    /// Every key, revoked ones included, oldest first.
    func keys() throws(VMError) -> [APIKey]
    /// Revokes a key; an unknown id is `notFound`.
    @discardableResult
    func revokeKey(id: String, now: Date) throws(VMError) -> APIKey
    /// The live key checker a server uses: it sees a key created or revoked by any process before the
    /// next request (SQLite: a pragma per check; PostgreSQL: a notification, and a re-read every second).
    /// Stop it with `stop()` when the server ends.
    func keyChecker() throws(VMError) -> any KeyChecking

    /// Imports the data files in `directory` all-or-nothing, as one catalogue version.
    /// - Throws: `ImportFailure` for bad input (nothing written), `VMError` for storage failures.
    func importDirectory(_ directory: String, taxonomy: Taxonomy, progress: ((ImportProgress) -> Void)?) throws -> ImportSummary
}

extension CatalogueStoring {
    public func watchChanges(_ onChange: @escaping @Sendable (UInt64?) -> Void) -> (@Sendable () -> Void)? { nil }

    /// Inserts or replaces vendors by id (their case studies and referrals stay).
    @discardableResult
    public func upsert(vendors: [Vendor]) throws(VMError) -> UInt64 { try upsert(Catalogue(vendors: vendors)) }

    /// Inserts or replaces case studies by id. Every `vendorID` must name a stored vendor.
    @discardableResult
    public func upsert(caseStudies: [CaseStudy]) throws(VMError) -> UInt64 { try upsert(Catalogue(caseStudies: caseStudies)) }

    /// Inserts referrals, replacing any with the same id. Every `vendorID` must name a stored vendor.
    @discardableResult
    public func insert(referrals: [Referral]) throws(VMError) -> UInt64 { try upsert(Catalogue(referrals: referrals)) }
}

/// The whole catalogue as of one catalogue version.
public struct CatalogueSnapshot: Sendable {
    public var catalogue: Catalogue
    public var version: UInt64

    public init(catalogue: Catalogue, version: UInt64) {
        self.catalogue = catalogue
        self.version = version
    }
}

/// One entry of the change log: what one write did to one record, at the catalogue version it made.
public struct CatalogueChange: Sendable {
    /// What changed.
    public enum Operation: Sendable {
        case upsertVendor(Vendor)
        case upsertCaseStudy(CaseStudy)
        case upsertReferral(Referral)
        /// The vendor and its case studies and referrals are gone.
        case deleteVendor(id: String)
        /// A bulk import replaced records without listing them: load the catalogue again.
        case reload
    }

    public var version: UInt64
    public var operation: Operation

    public init(version: UInt64, operation: Operation) {
        self.version = version
        self.operation = operation
    }
}

/// How change-log rows are spelled in both databases: `kind`, `op`, `record_id`, `json`.
package enum ChangeRow {
    package static let vendor = "vendor", caseStudy = "case_study", referral = "referral", catalogue = "catalogue"
    package static let upsert = "upsert", delete = "delete", reload = "reload"

    /// The rows one `upsert(_:)` appends, in apply order, with the record's canonical JSON.
    package static func rows(for catalogue: Catalogue) -> [(kind: String, op: String, id: String, json: String?)] {
        var rows: [(kind: String, op: String, id: String, json: String?)] = []
        rows.reserveCapacity(catalogue.vendors.count + catalogue.caseStudies.count + catalogue.referrals.count)
        for v in catalogue.vendors { rows.append((vendor, upsert, v.id, RecordCodec.json(v).serialized())) }
        for c in catalogue.caseStudies { rows.append((caseStudy, upsert, c.id, RecordCodec.json(c).serialized())) }
        for r in catalogue.referrals { rows.append((referral, upsert, r.id, RecordCodec.json(r).serialized())) }
        return rows
    }

    /// Decodes one stored row back into a change.
    package static func change(version: UInt64, kind: String, op: String, id: String, json: String?) throws(VMError) -> CatalogueChange {
        func body() throws(VMError) -> String {
            guard let json else { throw VMError(.storage, "change log: version \(version) \(kind) \(id) has no record") }
            return json
        }
        switch (kind, op) {
        case (vendor, upsert): return CatalogueChange(version: version, operation: .upsertVendor(try StoredRecordDecoder.vendor(try body())))
        case (caseStudy, upsert): return CatalogueChange(version: version, operation: .upsertCaseStudy(try StoredRecordDecoder.caseStudy(try body())))
        case (referral, upsert): return CatalogueChange(version: version, operation: .upsertReferral(try StoredRecordDecoder.referral(try body())))
        case (vendor, delete): return CatalogueChange(version: version, operation: .deleteVendor(id: id))
        case (catalogue, reload): return CatalogueChange(version: version, operation: .reload)
        default: throw VMError(.storage, "change log: version \(version) has an unknown change \(kind)/\(op)")
        }
    }
}
