import Foundation
import GRDB
import VendorMatchCore

/// The three data files an import reads, in the order it reads them (vendors first, so case studies
/// and referrals may refer to vendors of the same import).
public enum RecordKind: String, Sendable, CaseIterable {
    case vendors, caseStudies, referrals

    /// `vendors.jsonl`, `case_studies.jsonl`, `referrals.jsonl`.
    public var fileName: String {
        switch self {
        case .vendors: return "vendors.jsonl"
        case .caseStudies: return "case_studies.jsonl"
        case .referrals: return "referrals.jsonl"
        }
    }

    /// The table, also the plural used in messages with `_` for space.
    var table: String {
        switch self {
        case .vendors: return "vendors"
        case .caseStudies: return "case_studies"
        case .referrals: return "referrals"
        }
    }
}

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
    public var seconds: Double

    public var records: Int { files.reduce(0) { $0 + $1.records } }
    public var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }

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
/// One pass per file inside one write transaction: each line is parsed, validated and checked
/// (duplicate id within the file, `vendor_id` known in the database or this import) and, while no error
/// has been seen, written with a prepared upsert. Any error rolls the whole transaction back, and
/// parsing continues to list further errors.
public struct Importer: Sendable {
    public let store: CatalogueStore
    public let codec: RecordCodec
    /// Errors listed in an `ImportFailure` (the rest are only counted).
    public var maxListedErrors = 20
    public var progressInterval = 50_000

    public init(store: CatalogueStore, taxonomy: Taxonomy) {
        self.store = store
        self.codec = RecordCodec(taxonomy: taxonomy)
    }

    /// Imports the data files in `directory`.
    /// - Throws: `ImportFailure` for bad input (nothing written), `VMError` for storage failures.
    public func importDirectory(_ directory: String, progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let start = ContinuousClock.now
        let files = try readFiles(directory)
        var errors = ErrorList(limit: maxListedErrors)
        var summaries: [ImportSummary.FileSummary] = []
        do {
            try store.pool.write { db in
                var pass = ImportPass(codec: codec, writer: try RecordWriter(db))
                for (kind, data) in files {
                    let existing = Set(try String.fetchAll(db, sql: "SELECT id FROM \(kind.table)"))
                    if kind == .vendors {
                        pass.knownVendors = existing
                    } else if pass.knownVendors.isEmpty {
                        pass.knownVendors = Set(try String.fetchAll(db, sql: "SELECT id FROM vendors"))
                    }
                    let summary = try data.withUnsafeBytes { bytes in
                        try pass.run(kind: kind, bytes: bytes, existing: existing, errors: &errors, progressInterval: progressInterval, progress: progress)
                    }
                    summaries.append(summary)
                }
                if !errors.isEmpty { throw errors.failure }
            }
        } catch let failure as ImportFailure {
            throw failure
        } catch {
            throw VMError(.storage, "importing into \(store.path): \(error)", cause: error)
        }
        let elapsed = ContinuousClock.now - start
        // Fold the write-ahead log back into the database file; best effort (a reader may hold it).
        _ = try? store.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        return ImportSummary(files: summaries, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// Reads every data file present; a missing or unreadable directory, no data file, or an unreadable
    /// file is an `ImportFailure`.
    private func readFiles(_ directory: String) throws(ImportFailure) -> [(RecordKind, Data)] {
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

/// The state of one import across its files.
private struct ImportPass {
    let codec: RecordCodec
    let writer: RecordWriter
    /// Vendor ids in the database or in this import's vendors file.
    var knownVendors: Set<String> = []

    init(codec: RecordCodec, writer: RecordWriter) {
        self.codec = codec; self.writer = writer
    }

    mutating func run(
        kind: RecordKind, bytes: UnsafeRawBufferPointer, existing: Set<String>, errors: inout ErrorList,
        progressInterval: Int, progress: ((ImportProgress) -> Void)?
    ) throws -> ImportSummary.FileSummary {
        let file = kind.fileName
        var summary = ImportSummary.FileSummary(kind: kind, records: 0, inserted: 0, updated: 0, bytes: bytes.count)
        var firstLine: [String: Int] = [:]
        firstLine.reserveCapacity(bytes.count / 256)
        var lines = 0
        var nextProgress = progressInterval

        try JSONLines.forEachLine(in: bytes, file: file, onError: { error in
            lines += 1
            errors.add(error)
        }) { line, value in
            lines += 1
            if let progress, line >= nextProgress {
                nextProgress = line + progressInterval
                progress(ImportProgress(file: file, line: line, fileBytes: bytes.count))
            }
            // The id as written, even when the record is invalid, so that a later duplicate is still
            // reported and references to an invalid vendor don't add "unknown vendor" errors.
            let rawID: String? = if case let .string(s)? = value["id"] { s } else { nil }
            do {
                let id: String
                switch kind {
                case .vendors:
                    if let rawID { knownVendors.insert(rawID) }
                    let v = try codec.vendor(value)
                    id = v.id
                    if check(id: id, line: line, file: file, firstLine: &firstLine, errors: &errors), errors.isEmpty {
                        try writer.write(v)
                    }
                case .caseStudies:
                    let c = try codec.caseStudy(value)
                    id = c.id
                    if check(id: id, line: line, file: file, firstLine: &firstLine, errors: &errors),
                       check(vendorID: c.vendorID, line: line, file: file, errors: &errors), errors.isEmpty {
                        try writer.write(c)
                    }
                case .referrals:
                    let r = try codec.referral(value)
                    id = r.id
                    if check(id: id, line: line, file: file, firstLine: &firstLine, errors: &errors),
                       check(vendorID: r.vendorID, line: line, file: file, errors: &errors), errors.isEmpty {
                        try writer.write(r)
                    }
                }
                summary.records += 1
                if existing.contains(id) { summary.updated += 1 } else { summary.inserted += 1 }
            } catch let error as FieldError {
                if let rawID, firstLine[rawID] == nil { firstLine[rawID] = line }
                errors.add(RecordError(file: file, line: line, field: error.field, reason: error.reason))
            }
        }
        if lines == 0 {
            errors.add(RecordError(file: file, line: 0, reason: "the file holds no records"))
        }
        return summary
    }

    /// Records the first line of `id`; a second one is an error naming both lines.
    private func check(id: String, line: Int, file: String, firstLine: inout [String: Int], errors: inout ErrorList) -> Bool {
        if let first = firstLine[id] {
            errors.add(RecordError(file: file, line: line, field: "id", reason: "duplicate id \"\(id)\" (first on line \(first))"))
            return false
        }
        firstLine[id] = line
        return true
    }

    private func check(vendorID: String, line: Int, file: String, errors: inout ErrorList) -> Bool {
        if knownVendors.contains(vendorID) { return true }
        errors.add(RecordError(file: file, line: line, field: "vendor_id", reason: "unknown vendor \"\(vendorID)\": not in the database nor in vendors.jsonl"))
        return false
    }
}
