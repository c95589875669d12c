import Foundation
import VendorMatchCore

/// A ranking run in TREC format: `request_id Q0 vendor_id rank score tag` per line.
///
/// Like trec_eval, the rank column is checked but not used: the order is by score, descending, compared
/// in single precision (trec_eval stores scores as C `float`), ties broken by vendor id in descending
/// byte order. A vendor listed twice for one request is an error, as in trec_eval.
public struct Run: Sendable, Equatable {
    /// One retrieved vendor.
    public struct Entry: Sendable, Equatable {
        public var vendorID: String
        public var score: Double
        public init(vendorID: String, score: Double) {
            self.vendorID = vendorID
            self.score = score
        }
    }

    /// Entries per request, in file order.
    public private(set) var entries: [String: [Entry]]
    /// The run tag of the first line (empty for an empty run).
    public var tag: String

    public init(entries: [String: [Entry]] = [:], tag: String = "") {
        self.entries = entries
        self.tag = tag
    }

    public var requestIDs: [String] { entries.keys.sorted() }

    /// Vendor ids of a request in trec_eval's evaluation order (empty when the run has no line for it).
    public func ranking(_ requestID: String) -> [String] {
        guard let list = entries[requestID] else { return [] }
        return Run.trecOrder(list).map(\.vendorID)
    }

    /// Sorts by single-precision score descending, then vendor id descending (trec_eval's `comp_sim_docno`).
    public static func trecOrder(_ list: [Entry]) -> [Entry] {
        list.sorted { a, b in
            let fa = Float(a.score), fb = Float(b.score)
            if fa != fb { return fa > fb }
            return b.vendorID.strcmpPrecedes(a.vendorID)
        }
    }

    /// A run from ranked lists whose order is kept: scores are rewritten to strictly decrease
    /// (distinct in single precision), so any tool that re-sorts by score sees the same order.
    public static func fromRankings(_ rankings: [String: [(vendorID: String, score: Double)]], tag: String) -> Run {
        var entries: [String: [Entry]] = [:]
        for (request, list) in rankings {
            var out: [Entry] = []
            out.reserveCapacity(list.count)
            var previous = Double.infinity
            for item in list {
                // Printed with four decimals; neighbours stay ≥ 1e-3 apart, distinct in single precision
                // for scores below 8,000.
                var s = (item.score * 10_000).rounded() / 10_000
                if !(s <= previous - 0.001) { s = ((previous - 0.001) * 10_000).rounded() / 10_000 }
                out.append(Entry(vendorID: item.vendorID, score: s))
                previous = s
            }
            entries[request] = out
        }
        return Run(entries: entries, tag: tag)
    }

    /// The run file text, requests sorted, each in its stored order with ranks from 1.
    public func formatted() -> String {
        var out = ""
        for request in requestIDs {
            for (i, e) in entries[request]!.enumerated() {
                out += "\(request) Q0 \(e.vendorID) \(i + 1) \(String(format: "%.4f", e.score)) \(tag.isEmpty ? "vendormatch" : tag)\n"
            }
        }
        return out
    }

    /// Parses run text; `file` names the source in errors.
    public static func parse(_ data: Data, file: String) throws(RecordError) -> Run {
        var entries: [String: [Entry]] = [:]
        var seen: [String: [String: Int]] = [:]
        var tag = ""
        try TrecText.forEachLine(data, file: file) { (line: Int, fields: [Substring]) throws(RecordError) in
            guard fields.count == 6 else {
                throw RecordError(file: file, line: line, reason: "expected 6 fields `request_id Q0 vendor_id rank score tag`, found \(fields.count)")
            }
            guard let rank = Int(fields[3]), rank >= 1 else {
                throw RecordError(file: file, line: line, field: "rank", reason: "`\(fields[3])` is not a rank (an integer from 1)")
            }
            _ = rank
            guard let score = Double(fields[4]), score.isFinite else {
                throw RecordError(file: file, line: line, field: "score", reason: "`\(fields[4])` is not a finite number")
            }
            let request = String(fields[0]), vendor = String(fields[2])
            if let earlier = seen[request]?[vendor] {
                throw RecordError(file: file, line: line, field: "vendor_id",
                                  reason: "vendor \(vendor) appears twice for request \(request) (first on line \(earlier))")
            }
            seen[request, default: [:]][vendor] = line
            if tag.isEmpty { tag = String(fields[5]) }
            entries[request, default: []].append(Entry(vendorID: vendor, score: score))
        }
        return Run(entries: entries, tag: tag)
    }

    /// Reads and parses a run file.
    public static func load(_ url: URL) throws(RecordError) -> Run {
        try parse(try TrecText.read(url), file: url.path)
    }
}
