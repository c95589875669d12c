import Foundation
import GRDB
import VendorMatchCore

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    public struct FileSummary: Sendable, Equatable {
        public var kind: RecordKind
        public var records: Int
        public var bytes: Int
    }

    /// Files written (kinds with no records are not written: an empty data file would not import).
    public var files: [FileSummary]
    /// Data files of kinds with no records that an earlier export had left in the directory.
    public var removed: [String]
}

/// Writes the catalogue as `vendors.jsonl`, `case_studies.jsonl` and `referrals.jsonl`: each record's
/// canonical JSON on one line, sorted by id, from one consistent snapshot.
///
/// Each file is written to a temporary name, flushed to disk and renamed over the old one, so a reader
/// sees either the old file or the complete new one.
public struct Exporter: Sendable {
    public let store: CatalogueStore

    public init(store: CatalogueStore) { self.store = store }

    public func export(to directory: String) throws(VMError) -> ExportSummary {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VMError(.io, "cannot create directory \(directory): \(Importer.reason(error))", cause: error)
        }
        let dir = URL(fileURLWithPath: directory)
        return try store.read("exporting to \(directory)") { db in
            var summary = ExportSummary(files: [], removed: [])
            for kind in RecordKind.allCases {
                let target = dir.appendingPathComponent(kind.fileName)
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(kind.table)") ?? 0
                if count == 0 {
                    if fm.fileExists(atPath: target.path) {
                        try fm.removeItem(at: target)
                        summary.removed.append(kind.fileName)
                    }
                    continue
                }
                let rows = try String.fetchCursor(db, sql: "SELECT json FROM \(kind.table) ORDER BY id")
                let bytes = try Self.writeAtomically(to: target) { out in
                    while let json = try rows.next() {
                        out.append(contentsOf: json.utf8)
                        out.append(0x0A)
                        try out.flushIfFull()
                    }
                }
                summary.files.append(.init(kind: kind, records: count, bytes: bytes))
            }
            return summary
        }
    }

    /// Writes `catalogue` (already sorted by id, as `CatalogueStoring.loadCatalogue()` returns it) the same way:
    /// canonical JSON, one file per kind, atomically; a kind with no records removes an earlier file.
    public static func export(_ catalogue: Catalogue, to directory: String) throws(VMError) -> ExportSummary {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VMError(.io, "cannot create directory \(directory): \(Importer.reason(error))", cause: error)
        }
        let dir = URL(fileURLWithPath: directory)
        let lines: [(RecordKind, [String])] = [
            (.vendors, catalogue.vendors.map { RecordCodec.json($0).serialized() }),
            (.caseStudies, catalogue.caseStudies.map { RecordCodec.json($0).serialized() }),
            (.referrals, catalogue.referrals.map { RecordCodec.json($0).serialized() }),
        ]
        return try CatalogueStore.storage("exporting to \(directory)") {
            var summary = ExportSummary(files: [], removed: [])
            for (kind, texts) in lines {
                let target = dir.appendingPathComponent(kind.fileName)
                if texts.isEmpty {
                    if fm.fileExists(atPath: target.path) {
                        try fm.removeItem(at: target)
                        summary.removed.append(kind.fileName)
                    }
                    continue
                }
                let bytes = try Self.writeAtomically(to: target) { out in
                    for json in texts {
                        out.append(contentsOf: json.utf8)
                        out.append(0x0A)
                        try out.flushIfFull()
                    }
                }
                summary.files.append(.init(kind: kind, records: texts.count, bytes: bytes))
            }
            return summary
        }
    }

    /// A buffered writer over a file descriptor.
    struct Output {
        let fd: Int32
        let path: String
        var buffer: [UInt8] = []
        var written = 0

        mutating func append(contentsOf bytes: String.UTF8View) { buffer.append(contentsOf: bytes) }
        mutating func append(_ byte: UInt8) { buffer.append(byte) }

        mutating func flushIfFull() throws { if buffer.count >= 1 << 20 { try flush() } }

        mutating func flush() throws {
            var offset = 0
            while offset < buffer.count {
                let n = buffer[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw VMError(.io, "writing \(path): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
            written += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Writes through `body` into `target`'s directory under a temporary name, fsyncs, renames.
    static func writeAtomically(to target: URL, _ body: (inout Output) throws -> Void) throws -> Int {
        let temp = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp").path
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw VMError(.io, "cannot create \(temp): \(String(cString: strerror(errno)))") }
        var out = Output(fd: fd, path: temp)
        do {
            defer { close(fd) }
            try body(&out)
            try out.flush()
            guard fsync(fd) == 0 else { throw VMError(.io, "flushing \(temp): \(String(cString: strerror(errno)))") }
        } catch {
            unlink(temp)
            throw error
        }
        guard rename(temp, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw VMError(.io, "renaming \(temp) to \(target.path): \(reason)")
        }
        return out.written
    }
}
