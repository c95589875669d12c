import Foundation
import GRDB
import VendorMatchCore

/// The SQLite catalogue as a `CatalogueStoring`: the version and change log live in the same file.
extension CatalogueStore: CatalogueStoring {
    public var location: String { path }

    public func loadSnapshot() throws(VMError) -> CatalogueSnapshot {
        // One read transaction: the records and the version are of the same commit.
        try read("loading the catalogue") { db in
            var catalogue = Catalogue()
            catalogue.vendors = try Self.jsonColumn(db, "vendors").map(StoredRecordDecoder.vendor)
            catalogue.caseStudies = try Self.jsonColumn(db, "case_studies").map(StoredRecordDecoder.caseStudy)
            catalogue.referrals = try Self.jsonColumn(db, "referrals").map(StoredRecordDecoder.referral)
            return CatalogueSnapshot(catalogue: catalogue, version: try ChangeLogTable.version(db))
        }
    }

    public func catalogueVersion() throws(VMError) -> UInt64 {
        try read("reading the catalogue version") { db in try ChangeLogTable.version(db) }
    }

    public func changes(after version: UInt64, limit: Int) throws(VMError) -> [CatalogueChange] {
        let rows = try read("reading the change log after version \(version)") { db in
            try ChangeLogTable.changes(db, after: version, limit: limit).map {
                (version: UInt64($0["version"] as Int64), kind: $0["kind"] as String, op: $0["op"] as String,
                 id: $0["record_id"] as String, json: $0["json"] as String?)
            }
        }
        return try rows.map { (r) throws(VMError) in try ChangeRow.change(version: r.version, kind: r.kind, op: r.op, id: r.id, json: r.json) }
    }

    public func importDirectory(_ directory: String, taxonomy: Taxonomy, progress: ((ImportProgress) -> Void)?) throws -> ImportSummary {
        try Importer(store: self, taxonomy: taxonomy).importDirectory(directory, progress: progress)
    }
}
