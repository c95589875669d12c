/// One problem in a data file: `vendors.jsonl:12: field "size": unknown size band "huge"`.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the whole file.
    public var line: Int
    public var field: String
    public var reason: String

    public init(file: String, line: Int, field: String = "", reason: String) {
        self.file = file; self.line = line; self.field = field; self.reason = reason
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return field.isEmpty ? "\(place): \(reason)" : "\(place): field \"\(field)\": \(reason)"
    }
}

/// Splits JSON Lines bytes into parsed lines, with the limits an import needs.
///
/// Blank lines are skipped; a trailing `\r` is dropped; each line must be valid UTF-8, at most
/// `maxLineBytes` long and one JSON value.
public enum JSONLines {
    /// Longer lines are refused before they are parsed (a record is a few kilobytes at most).
    public static let maxLineBytes = 1 << 20

    /// Calls `body` with the 1-based line number and the parsed value of every non-blank line.
    /// Parse problems are passed to `onError` and the line is skipped, so a caller can list several.
    public static func forEachLine(
        in bytes: UnsafeRawBufferPointer,
        file: String,
        onError: (RecordError) throws -> Void,
        _ body: (Int, JSONValue) throws -> Void
    ) rethrows {
        let buffer = bytes.bindMemory(to: UInt8.self)
        var lineNumber = 0
        var start = 0
        let count = buffer.count
        while start < count {
            var end = start
            while end < count, buffer[end] != 0x0A { end += 1 }
            lineNumber += 1
            var stop = end
            if stop > start, buffer[stop - 1] == 0x0D { stop -= 1 }
            let line = UnsafeBufferPointer(rebasing: buffer[start..<stop])
            start = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if line.count > maxLineBytes {
                try onError(RecordError(file: file, line: lineNumber, reason: "line is \(line.count) bytes, longer than the limit of \(maxLineBytes)"))
                continue
            }
            if String(validating: line, as: UTF8.self) == nil {
                try onError(RecordError(file: file, line: lineNumber, reason: "line is not valid UTF-8"))
                continue
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                try onError(RecordError(file: file, line: lineNumber, reason: error.description))
                continue
            }
            try body(lineNumber, value)
        }
    }
}
