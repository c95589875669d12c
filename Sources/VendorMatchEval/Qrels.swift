import Foundation
import VendorMatchCore

/// Relevance judgements in TREC qrels format: `request_id iteration vendor_id grade` per line.
///
/// Grades are integers ≥ 0; a grade ≥ 1 is relevant (CONTRACT §2). A vendor judged twice for one
/// request is an error, as in trec_eval.
public struct Qrels: Sendable, Equatable {
    /// Grade per vendor, per request.
    public private(set) var grades: [String: [String: Int]]

    public init(grades: [String: [String: Int]] = [:]) {
        self.grades = grades
    }

    /// Requests in file order of first appearance are not kept; this is sorted for determinism.
    public var requestIDs: [String] { grades.keys.sorted() }

    /// The number of relevant (grade ≥ 1) vendors of a request.
    public func relevantCount(_ requestID: String) -> Int {
        grades[requestID]?.values.reduce(0) { $0 + ($1 >= 1 ? 1 : 0) } ?? 0
    }

    /// Parses qrels text; `file` names the source in errors.
    public static func parse(_ data: Data, file: String) throws(RecordError) -> Qrels {
        var grades: [String: [String: Int]] = [:]
        var firstLine: [String: [String: Int]] = [:]
        try TrecText.forEachLine(data, file: file) { (line: Int, fields: [Substring]) throws(RecordError) in
            guard fields.count == 4 else {
                throw RecordError(file: file, line: line, reason: "expected 4 fields `request_id 0 vendor_id grade`, found \(fields.count)")
            }
            guard let grade = Int(fields[3]) else {
                throw RecordError(file: file, line: line, field: "grade", reason: "`\(fields[3])` is not an integer")
            }
            guard grade >= 0 else {
                throw RecordError(file: file, line: line, field: "grade", reason: "grade \(grade) is negative")
            }
            let request = String(fields[0]), vendor = String(fields[2])
            if let earlier = firstLine[request]?[vendor] {
                throw RecordError(file: file, line: line, field: "vendor_id",
                                  reason: "vendor \(vendor) is judged twice for request \(request) (first on line \(earlier))")
            }
            firstLine[request, default: [:]][vendor] = line
            grades[request, default: [:]][vendor] = grade
        }
        return Qrels(grades: grades)
    }

    /// Reads and parses a qrels file.
    public static func load(_ url: URL) throws(RecordError) -> Qrels {
        try parse(try TrecText.read(url), file: url.path)
    }

    /// Keeps only the requests in `ids`.
    public func restricted(to ids: Set<String>) -> Qrels {
        Qrels(grades: grades.filter { ids.contains($0.key) })
    }

    /// The qrels text of these judgements, sorted by request and vendor.
    public func formatted() -> String {
        var out = ""
        for request in requestIDs {
            for (vendor, grade) in grades[request]!.sorted(by: { $0.key.strcmpPrecedes($1.key) }) {
                out += "\(request) 0 \(vendor) \(grade)\n"
            }
        }
        return out
    }
}
