import Foundation
import VendorMatchCore

/// A validated record of any kind.
package enum ParsedRecord: Sendable {
    case vendor(Vendor)
    case caseStudy(CaseStudy)
    case referral(Referral)

    package var id: String {
        switch self {
        case let .vendor(v): return v.id
        case let .caseStudy(c): return c.id
        case let .referral(r): return r.id
        }
    }

    /// The vendor a case study or referral belongs to.
    package var vendorID: String? {
        switch self {
        case .vendor: return nil
        case let .caseStudy(c): return c.vendorID
        case let .referral(r): return r.vendorID
        }
    }
}

/// One non-blank line of a data file: its record and canonical JSON, or what is wrong with it.
struct ParsedLine: Sendable {
    enum Content: Sendable {
        case record(ParsedRecord, json: [UInt8])
        case invalid(RecordError)
    }

    var line: Int
    /// The `id` as written, also when the record is invalid.
    var rawID: String?
    var content: Content
}

/// Consecutive lines of one file.
struct ParsedChunk: Sendable {
    var kind: RecordKind
    var lines: [ParsedLine]
    /// The number of the chunk's last line (blank lines included).
    var lastLine: Int
    var fileBytes: Int
    var endOfFile: Bool
}

/// The parsing half of an import: splits each file into chunks of whole lines and parses, validates
/// and serializes them, on its own thread, while the importer writes earlier chunks to SQLite.
/// Line-level checks that need the database or other lines (duplicates, vendor references) are the
/// importer's.
struct ImportParser: Sendable {
    let codec: RecordCodec
    var chunkBytes = 1 << 20

    /// Parses `files` in order into `channel`, then finishes it; stops early when it is cancelled.
    func parse(_ files: [(RecordKind, Data)], into channel: ParsedChunkChannel) {
        defer { channel.finish() }
        var json = CanonicalJSON()
        for (kind, data) in files {
            let completed = data.withUnsafeBytes { all -> Bool in
                var start = 0
                var lineOffset = 0
                repeat {
                    let end = Self.chunkEnd(all, from: start, minimum: chunkBytes)
                    let chunk = UnsafeRawBufferPointer(rebasing: all[start..<end])
                    var lines: [ParsedLine] = []
                    JSONLines.forEachLine(in: chunk, file: kind.fileName, onError: { error in
                        var error = error
                        error.line += lineOffset
                        lines.append(ParsedLine(line: error.line, rawID: nil, content: .invalid(error)))
                    }) { line, value in
                        lines.append(parse(kind, line: lineOffset + line, value, json: &json))
                    }
                    lineOffset += Self.newlines(in: chunk)
                    // A file's last line needs no newline; only the last chunk can end without one.
                    let unterminated = chunk.last.map { $0 != 0x0A } ?? false
                    let parsed = ParsedChunk(
                        kind: kind, lines: lines, lastLine: lineOffset + (unterminated ? 1 : 0), fileBytes: all.count,
                        endOfFile: end == all.count
                    )
                    guard channel.put(parsed) else { return false }
                    start = end
                } while start < all.count
                return true
            }
            guard completed else { return }
        }
    }

    private func parse(_ kind: RecordKind, line: Int, _ value: JSONValue, json: inout CanonicalJSON) -> ParsedLine {
        let rawID: String? = if case let .string(s)? = value["id"] { s } else { nil }
        do {
            let record: ParsedRecord
            switch kind {
            case .vendors:
                let v = try codec.vendor(value)
                json.reset(RecordCodec.json(v))
                record = .vendor(v)
            case .caseStudies:
                let c = try codec.caseStudy(value)
                json.reset(RecordCodec.json(c))
                record = .caseStudy(c)
            case .referrals:
                let r = try codec.referral(value)
                json.reset(RecordCodec.json(r))
                record = .referral(r)
            }
            // A right-sized copy, so the writer's buffer stays unique and is reused.
            return ParsedLine(line: line, rawID: rawID, content: .record(record, json: json.bytes.withUnsafeBufferPointer { Array($0) }))
        } catch {
            return ParsedLine(line: line, rawID: rawID, content: .invalid(
                RecordError(file: kind.fileName, line: line, field: error.field, reason: error.reason)))
        }
    }

    /// The end of the chunk starting at `start`: just after the first newline at or beyond
    /// `start + minimum - 1`, or the end of the buffer.
    static func chunkEnd(_ all: UnsafeRawBufferPointer, from start: Int, minimum: Int) -> Int {
        let from = start + minimum - 1
        guard from < all.count, let base = all.baseAddress else { return all.count }
        guard let hit = memchr(base + from, 0x0A, all.count - from) else { return all.count }
        return base.distance(to: UnsafeRawPointer(hit)) + 1
    }

    static func newlines(in chunk: UnsafeRawBufferPointer) -> Int {
        guard var p = chunk.baseAddress else { return 0 }
        let end = p + chunk.count
        var n = 0
        while p < end, let hit = memchr(p, 0x0A, end - p) {
            n += 1
            p = UnsafeRawPointer(hit) + 1
        }
        return n
    }
}

/// A bounded queue of parsed chunks between the parser thread and the importer.
final class ParsedChunkChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer: [ParsedChunk] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; `false` when the consumer has cancelled.
    func put(_ chunk: ParsedChunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while buffer.count - head >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        buffer.append(chunk)
        condition.broadcast()
        return true
    }

    /// The next chunk; `nil` once the producer has finished and everything was taken.
    func take() -> ParsedChunk? {
        condition.lock()
        defer { condition.unlock() }
        while buffer.count == head, !finished { condition.wait() }
        guard buffer.count > head else { return nil }
        let chunk = buffer[head]
        head += 1
        if head == buffer.count { buffer.removeAll(keepingCapacity: true); head = 0 }
        condition.broadcast()
        return chunk
    }

    /// Called by the producer when it stops, whatever the reason.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Tells the producer to stop and waits until it has.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        buffer.removeAll()
        head = 0
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
