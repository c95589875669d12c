import Foundation
import GRDB
import VendorMatchCore

/// Why an import wrote nothing: every problem found (the first `errors.count` of `totalCount`),
/// each naming file, line, field and reason.
public struct ImportFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [VendorMatchCore.RecordError]
    public var totalCount: Int

    public var description: String {
        var lines = ["import failed, nothing was written: \(totalCount) error\(totalCount == 1 ? "" : "s")"]
        lines += errors.map { "  \($0)" }
        if totalCount > errors.count { lines.append("  … and \(totalCount - errors.count) more") }
        return lines.joined(separator: "\n")
    }

    /// The same, as an invalid-input error for the wire.
    public var vmError: VMError { VMError(.invalidInput, description, field: errors.first?.field) }
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public struct FileSummary: Sendable, Equatable {
        public var kind: RecordKind
        public var records: Int
        public var inserted: Int
        public var updated: Int
        /// Size of the file in bytes.
        public var bytes: Int
    }

    public var files: [FileSummary]
    /// Wall-clock time from reading the files to the commit.
    public var seconds: Double
    /// CPU time (user + system, all threads) of the same span: on a shared machine a steadier measure.
    public var cpuSeconds: Double

    public var records: Int { files.reduce(0) { $0 + $1.records } }
    public var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    public var recordsPerCPUSecond: Double { cpuSeconds > 0 ? Double(records) / cpuSeconds : 0 }

    public func file(_ kind: RecordKind) -> FileSummary? { files.first { $0.kind == kind } }
}

/// Where a long import is; reported every `Importer.progressInterval` lines.
public struct ImportProgress: Sendable {
    public var file: String
    public var line: Int
    public var fileBytes: Int
}

/// Imports `vendors.jsonl`, `case_studies.jsonl` and `referrals.jsonl` from a directory (any subset)
/// into a `CatalogueStore`, all or nothing (CONTRACT §2).
///
/// One pass over each file inside one write transaction. A parser thread (`ImportParser`) parses,
/// validates and serializes chunks of lines while this one checks them (duplicate id within the file,
/// `vendor_id` known in the database or this import) and, while no error has been seen, writes them
/// with prepared upserts. Any error rolls the whole transaction back; parsing continues to list
/// further errors. A successful import clears the stored text statistics in the same transaction.
public struct Importer: Sendable {
    /// The SQLite catalogue `importDirectory(_:progress:)` writes into.
    public let store: CatalogueStore
    public let codec: RecordCodec
    /// Errors listed in an `ImportFailure` (the rest are only counted).
    public var maxListedErrors = 20
    public var progressInterval = 50_000
    /// Bytes per parsed chunk (whole lines; tests make it small to cross chunk boundaries).
    var chunkBytes = 1 << 20

    public init(store: CatalogueStore, taxonomy: Taxonomy) {
        self.store = store
        self.codec = RecordCodec(taxonomy: taxonomy)
    }

    /// Imports the data files in `directory`.
    /// - Throws: `ImportFailure` for bad input (nothing written), `VMError` for storage failures.
    public func importDirectory(_ directory: String, progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let start = ContinuousClock.now
        let cpuStart = Self.cpuTime()
        let files = try Self.readFiles(directory, maxListedErrors: maxListedErrors)
        let summaries: [ImportSummary.FileSummary]
        do {
            summaries = try store.pool.write { db in
                let writer = try RecordWriter(db)
                let summaries = try checker.checkAndWrite(
                    files, progress: progress,
                    existingIDs: { kind in Set(try String.fetchAll(db, sql: "SELECT id FROM \(kind.table)")) },
                    write: { record, json in try writer.write(record, json: json) }
                )
                // The stored text statistics were fitted to the catalogue before the import: the next
                // engine fits them again (committed with the records, or not at all).
                try TextStatisticsTable.clear(db)
                _ = try ChangeLogTable.append(db, [(ChangeRow.catalogue, ChangeRow.reload, "", nil)])
                return summaries
            }
        } catch let failure as ImportFailure {
            throw failure
        } catch {
            throw VMError(.storage, "importing into \(store.path): \(error)", cause: error)
        }
        // Fold the write-ahead log back into the database file; best effort (a reader may hold it).
        _ = try? store.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        return Self.summary(summaries, since: start, cpuStart: cpuStart)
    }

    /// The checking half, shared with other stores' importers.
    package var checker: ImportChecker {
        ImportChecker(codec: codec, maxListedErrors: maxListedErrors, progressInterval: progressInterval, chunkBytes: chunkBytes)
    }

    /// The summary of an import that started at `start` with `cpuStart` CPU seconds used.
    package static func summary(_ files: [ImportSummary.FileSummary], since start: ContinuousClock.Instant, cpuStart: Double) -> ImportSummary {
        let elapsed = ContinuousClock.now - start
        return ImportSummary(
            files: files,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            cpuSeconds: cpuTime() - cpuStart
        )
    }

    /// User + system CPU seconds of this process so far.
    package static func cpuTime() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Reads every data file present; a missing or unreadable directory, no data file, or an unreadable
    /// file is an `ImportFailure`.
    package static func readFiles(_ directory: String, maxListedErrors: Int) throws(ImportFailure) -> [(RecordKind, Data)] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        func fail(_ file: String, _ reason: String) -> ImportFailure {
            ImportFailure(errors: [RecordError(file: file, line: 0, reason: reason)], totalCount: 1)
        }
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory) else { throw fail(directory, "no such directory") }
        guard isDirectory.boolValue else { throw fail(directory, "not a directory") }
        let names: Set<String>
        do {
            names = Set(try fm.contentsOfDirectory(atPath: directory))
        } catch {
            throw fail(directory, "cannot read directory: \(Self.reason(error))")
        }
        let present = RecordKind.allCases.filter { names.contains($0.fileName) }
        guard !present.isEmpty else {
            throw fail(directory, "no data files: expected any of \(RecordKind.allCases.map(\.fileName).joined(separator: ", "))")
        }
        var errors = ErrorList(limit: maxListedErrors)
        var out: [(RecordKind, Data)] = []
        for kind in present {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(kind.fileName)
            do {
                out.append((kind, try Data(contentsOf: url, options: .mappedIfSafe)))
            } catch {
                errors.add(RecordError(file: kind.fileName, line: 0, reason: "cannot read file: \(Self.reason(error))"))
            }
        }
        if !errors.isEmpty { throw errors.failure }
        return out
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let text = strerror(Int32(underlying.code)) {
            return String(cString: text)
        }
        if ns.domain == NSPOSIXErrorDomain, let text = strerror(Int32(ns.code)) { return String(cString: text) }
        return ns.localizedDescription
    }
}

/// Parses and checks an import's records and hands the valid ones to a store's writer.
package struct ImportChecker: Sendable {
    package var codec: RecordCodec
    package var maxListedErrors = 20
    package var progressInterval = 50_000
    package var chunkBytes = 1 << 20

    package init(codec: RecordCodec, maxListedErrors: Int = 20, progressInterval: Int = 50_000, chunkBytes: Int = 1 << 20) {
        self.codec = codec
        self.maxListedErrors = maxListedErrors
        self.progressInterval = progressInterval
        self.chunkBytes = chunkBytes
    }

    /// Parses `files` on a helper thread and checks every record (ids, duplicates, vendor references),
    /// handing the valid ones to `write` in file order while no error has been seen. Runs inside the
    /// caller's transaction; throws `ImportFailure` when any record was bad (the caller rolls back).
    package func checkAndWrite(
        _ files: [(RecordKind, Data)], progress: ((ImportProgress) -> Void)?,
        existingIDs: (RecordKind) throws -> Set<String>,
        write: @escaping (ParsedRecord, [UInt8]) throws -> Void
    ) throws -> [ImportSummary.FileSummary] {
        var errors = ErrorList(limit: maxListedErrors)
        var summaries: [ImportSummary.FileSummary] = []
        let channel = ParsedChunkChannel(capacity: 4)
        let parser = ImportParser(codec: codec, chunkBytes: chunkBytes)
        let thread = Thread { parser.parse(files, into: channel) }
        thread.stackSize = 4 << 20
        thread.start()
        defer { channel.cancelAndWait() }
        var pass = ImportPass(write: write)
        var nextProgress = progressInterval
        while let chunk = channel.take() {
            if pass.file == nil {
                let existing = try existingIDs(chunk.kind)
                if chunk.kind == .vendors {
                    pass.knownVendors = existing
                } else if pass.knownVendors.isEmpty {
                    pass.knownVendors = try existingIDs(.vendors)
                }
                pass.begin(chunk.kind, existing: existing, bytes: chunk.fileBytes)
            }
            try pass.take(chunk, errors: &errors)
            if let progress, chunk.lastLine >= nextProgress {
                nextProgress = chunk.lastLine + progressInterval
                progress(ImportProgress(file: chunk.kind.fileName, line: chunk.lastLine, fileBytes: chunk.fileBytes))
            }
            if chunk.endOfFile { summaries.append(pass.end(errors: &errors)) }
        }
        if !errors.isEmpty { throw errors.failure }
        return summaries
    }

}

/// The errors of one import: the first `limit` kept, all counted.
struct ErrorList {
    let limit: Int
    private(set) var listed: [RecordError] = []
    private(set) var count = 0

    init(limit: Int) { self.limit = limit }

    var isEmpty: Bool { count == 0 }

    mutating func add(_ error: RecordError) {
        count += 1
        if listed.count < limit { listed.append(error) }
    }

    var failure: ImportFailure { ImportFailure(errors: listed, totalCount: count) }
}

/// The checking and writing half of an import, across its files.
private struct ImportPass {
    struct FileState {
        var summary: ImportSummary.FileSummary
        var existing: Set<String>
        /// Line of the first occurrence of each id in the file.
        var firstLine: [String: Int] = [:]
        /// Non-blank lines seen.
        var lines = 0
    }

    let write: (ParsedRecord, [UInt8]) throws -> Void
    /// Vendor ids in the database or in this import's vendors file.
    var knownVendors: Set<String> = []
    private(set) var file: FileState?

    init(write: @escaping (ParsedRecord, [UInt8]) throws -> Void) { self.write = write }

    mutating func begin(_ kind: RecordKind, existing: Set<String>, bytes: Int) {
        file = FileState(summary: .init(kind: kind, records: 0, inserted: 0, updated: 0, bytes: bytes), existing: existing)
    }

    mutating func take(_ chunk: ParsedChunk, errors: inout ErrorList) throws {
        guard var f = file else { return }
        defer { file = f }
        let kind = chunk.kind
        f.lines += chunk.lines.count
        for line in chunk.lines {
            // The id as written counts even for an invalid record: a later duplicate is still reported,
            // and references to an invalid vendor don't add "unknown vendor" errors on top.
            if let raw = line.rawID {
                if kind == .vendors { knownVendors.insert(raw) }
                if let first = f.firstLine[raw] {
                    if case .record = line.content {
                        errors.add(RecordError(file: kind.fileName, line: line.line, field: "id", reason: "duplicate id \"\(raw)\" (first on line \(first))"))
                        continue
                    }
                } else {
                    f.firstLine[raw] = line.line
                }
            }
            switch line.content {
            case let .invalid(error):
                errors.add(error)
            case let .record(record, json):
                if let vendorID = record.vendorID, !knownVendors.contains(vendorID) {
                    errors.add(RecordError(file: kind.fileName, line: line.line, field: "vendor_id", reason: "unknown vendor \"\(vendorID)\": not in the database nor in vendors.jsonl"))
                    continue
                }
                if errors.isEmpty { try write(record, json) }
                f.summary.records += 1
                if f.existing.contains(record.id) { f.summary.updated += 1 } else { f.summary.inserted += 1 }
            }
        }
    }

    mutating func end(errors: inout ErrorList) -> ImportSummary.FileSummary {
        let f = file!
        file = nil
        if f.lines == 0 {
            errors.add(RecordError(file: f.summary.kind.fileName, line: 0, reason: "the file holds no records"))
        }
        return f.summary
    }
}
