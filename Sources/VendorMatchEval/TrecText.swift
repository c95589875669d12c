import Foundation
import VendorMatchCore

/// Splits TREC text files (qrels, runs) into whitespace-separated fields, line by line.
enum TrecText {
    /// Calls `body` with the 1-based line number and the fields of every non-blank line.
    static func forEachLine(
        _ data: Data,
        file: String,
        _ body: (Int, [Substring]) throws(RecordError) -> Void
    ) throws(RecordError) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw RecordError(file: file, line: 0, reason: "file is not valid UTF-8")
        }
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            try body(lineNumber, fields)
        }
    }

    static func read(_ url: URL) throws(RecordError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw RecordError(file: url.path, line: 0, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}

extension String {
    /// Byte-wise (C `strcmp`) order, the order trec_eval uses for document numbers.
    @inlinable
    func strcmpPrecedes(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}
