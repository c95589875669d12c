import Foundation
import VendorMatchCore
import VendorMatchEval

/// Output helpers shared by `eval`, `train` and `report`.
enum EvalOutput {
    /// Writes a line to standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Exits 2 for input errors (bad files, flags), 1 otherwise, with the message on stderr.
    static func fail(_ error: any Error) -> Never {
        if let e = error as? RecordError {
            note("vendormatch: \(e.description)")
            exit(2)
        }
        exitWith(error)
    }

    /// A JSON number with full (round-trip) precision.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// `{"ndcg@10": …, …}` in key order.
    static func metricsObject(_ keys: [MetricKey], _ value: (MetricKey) -> Double) -> String {
        "{" + keys.map { "\(string($0.description)): \(number(value($0)))" }.joined(separator: ", ") + "}"
    }

    /// The CONTRACT §3 JSON summary.
    static func summaryJSON(_ r: EvaluationResult) -> String {
        "{\"metrics\": \(metricsObject(r.keys) { r.mean($0) }), \"requests\": \(r.requests.count), \"skipped\": \(r.skippedNoRelevant.count + r.unknownRequests.count)}"
    }

    /// A metrics table: one row per metric, one column per cut-off.
    static func table(_ r: EvaluationResult, title: String? = nil) -> String {
        let cutoffs = Array(Set(r.keys.map(\.k))).sorted()
        var out = ""
        if let title { out += title + "\n" }
        out += "metric  " + cutoffs.map { pad("@\($0)", 8) }.joined() + "\n"
        for m in Metric.allCases {
            out += pad(m.rawValue, 8, left: true)
            for k in cutoffs { out += pad(String(format: "%.4f", r.mean(MetricKey(m, k))), 8) }
            out += "\n"
        }
        return out
    }

    /// Counts of what was evaluated and skipped, for stderr.
    static func accounting(_ r: EvaluationResult) -> [String] {
        var lines = ["evaluated \(r.requests.count) requests; skipped \(r.skippedNoRelevant.count) with no relevant vendor in the qrels"]
        if !r.unknownRequests.isEmpty {
            lines.append("skipped qrels of \(r.unknownRequests.count) requests not in the request set: \(sample(r.unknownRequests))")
        }
        if !r.emptyRequests.isEmpty {
            lines.append("\(r.emptyRequests.count) judged requests got no results (they score 0): \(sample(r.emptyRequests))")
        }
        if !r.unjudgedRunRequests.isEmpty {
            lines.append("ignored \(r.unjudgedRunRequests.count) run requests without judgements: \(sample(r.unjudgedRunRequests))")
        }
        return lines
    }

    static func sample(_ ids: [String]) -> String {
        ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", …" : "")
    }

    /// Tab-separated per-request rows: request, relevant, retrieved, then every metric.
    static func perRequestTSV(_ r: EvaluationResult) -> String {
        var out = (["request", "relevant", "retrieved"] + r.keys.map(\.description)).joined(separator: "\t") + "\n"
        for row in r.requests {
            out += ([row.requestID, String(row.relevant), String(row.retrieved)]
                + r.keys.map { String(format: "%.6f", row.values[$0] ?? 0) }).joined(separator: "\t") + "\n"
        }
        return out
    }

    static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? s + fill : fill + s
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw VMError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// A comparison table (B against A) over every key.
    static func comparisonTable(_ rows: [(MetricKey, PairedComparison)], nameA: String, nameB: String) -> String {
        var out = "B = \(nameB) against A = \(nameA); p-values two-sided\n"
        out += pad("metric", 10, left: true) + pad("A", 9) + pad("B", 9) + pad("B−A", 9) + pad("t-test p", 10)
            + pad("rand. p", 10) + pad("W/T/L", 14) + "\n"
        for (key, c) in rows {
            out += pad(key.description, 10, left: true) + pad(String(format: "%.4f", c.meanA), 9)
                + pad(String(format: "%.4f", c.meanB), 9) + pad(String(format: "%+.4f", c.meanDifference), 9)
                + pad(formatP(c.tTestP), 10) + pad(formatP(c.randomisationP), 10)
                + pad("\(c.wins)/\(c.ties)/\(c.losses)", 14) + "\n"
        }
        if let n = rows.first?.1 { out += "n = \(n.n) paired requests; randomisation test with \(n.permutations) sign permutations\n" }
        return out
    }

    static func formatP(_ p: Double) -> String {
        p < 0.0001 ? String(format: "%.1e", p) : String(format: "%.4f", p)
    }

    static func comparisonJSON(_ rows: [(MetricKey, PairedComparison)]) -> String {
        let items = rows.map { key, c in
            "\(string(key.description)): {\"mean_a\": \(number(c.meanA)), \"mean_b\": \(number(c.meanB)), \"mean_difference\": \(number(c.meanDifference)), \"t\": \(number(c.tStatistic)), \"t_test_p\": \(number(c.tTestP)), \"randomisation_p\": \(number(c.randomisationP)), \"permutations\": \(c.permutations), \"wins\": \(c.wins), \"ties\": \(c.ties), \"losses\": \(c.losses)}"
        }
        return "{\"n\": \(rows.first?.1.n ?? 0), \"comparisons\": {" + items.joined(separator: ", ") + "}}"
    }
}
