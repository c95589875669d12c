import Foundation
import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// `vendormatch import` into PostgreSQL: the same checks as the SQLite import, the records sent as
/// batched multi-row upserts, all in one transaction that also makes one catalogue version (a `reload`
/// change: followers load the catalogue again rather than replaying every record).
extension PostgresCatalogueStore {
    public func importDirectory(_ directory: String, taxonomy: Taxonomy, progress: ((ImportProgress) -> Void)?) throws -> ImportSummary {
        let start = ContinuousClock.now
        let cpuStart = Importer.cpuTime()
        let checker = ImportChecker(codec: RecordCodec(taxonomy: taxonomy))
        let files = try Importer.readFiles(directory, maxListedErrors: checker.maxListedErrors)
        let pending = PendingImport()
        let summaries: [ImportSummary.FileSummary]
        do {
            summaries = try db.transaction("importing into \(url)") { s in
                let summaries = try pending.run {
                    try checker.checkAndWrite(
                        files, progress: progress,
                        existingIDs: { kind in
                            Set(try s.query(PostgresQuery(unsafeSQL: "SELECT id FROM \(kind.table)")).map { try $0.decode(String.self) })
                        },
                        write: { record, json in
                            pending.rows.add(record, json: String(decoding: json, as: UTF8.self))
                            try pending.rows.flushIfFull(s)
                        }
                    )
                }
                try pending.rows.flush(s)
                // The text statistics were fitted to the catalogue before the import: the next ranker fits them again.
                try s.execute("DELETE FROM text_statistics")
                _ = try ChangeLog.append(s, [(ChangeRow.catalogue, ChangeRow.reload, "", nil)])
                return summaries
            }
        } catch {
            // Bad input rolled the transaction back: report it as such, not as a storage error.
            if let failure = pending.failure { throw failure }
            throw error
        }
        return Importer.summary(summaries, since: start, cpuStart: cpuStart)
    }
}

/// The rows an import has not sent yet, and the bad input that stopped it.
private final class PendingImport {
    var rows = RecordRows()
    var failure: ImportFailure?

    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as ImportFailure {
            self.failure = failure
            throw VMError(.invalidInput, failure.description)
        }
    }
}
