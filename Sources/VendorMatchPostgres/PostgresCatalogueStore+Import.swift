import Foundation
import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// `vendormatch import` into PostgreSQL: the same checks as the SQLite import, the records sent with
/// `COPY` (`ImportCopy`: straight into a table that was empty, else through a staging table and one
/// upsert), all in one transaction that also makes one catalogue version (a `reload` change: followers
/// load the catalogue again rather than replaying every record).
extension PostgresCatalogueStore {
    public func importDirectory(_ directory: String, taxonomy: Taxonomy, progress: ((ImportProgress) -> Void)?) throws -> ImportSummary {
        let start = ContinuousClock.now
        let cpuStart = Importer.cpuTime()
        let checker = ImportChecker(codec: RecordCodec(taxonomy: taxonomy))
        let files = try Importer.readFiles(directory, maxListedErrors: checker.maxListedErrors)
        let pending = PendingImport()
        defer { pending.rows.copyThread.stop() }
        let summaries: [ImportSummary.FileSummary]
        do {
            summaries = try db.transaction("importing into \(url)") { s in
                let summaries = try pending.run {
                    try checker.checkAndWrite(
                        files, progress: progress,
                        existingIDs: { kind in
                            let ids = Set(try s.query(PostgresQuery(unsafeSQL: "SELECT id FROM \(kind.table)")).map { try $0.decode(String.self) })
                            pending.rows.route(kind, existing: ids)
                            return ids
                        },
                        write: { record, json in try pending.rows.add(record, json: json, s) }
                    )
                }
                try pending.rows.finish(s)
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
    var rows = ImportCopy()
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
