import Foundation

/// Metrics of a subset of requests that share a label (`sector=52`, `size=1000-9999`).
public struct SegmentSummary: Sendable, Equatable {
    /// What the requests are grouped by (`sector`, `size band`, …).
    public var dimension: String
    /// The shared value (`52`, `with service types`, …).
    public var value: String
    public var requests: Int
    public var means: [MetricKey: Double]
}

/// Groups per-request metrics by arbitrary request labels.
public enum Segmentation {
    /// - Parameters:
    ///   - labels: per request id, its (dimension, value) labels; a request may carry several values of
    ///     one dimension (several service categories) and then counts in each.
    /// - Returns: one summary per (dimension, value), sorted by dimension then value (numbers inside values
    ///   compare as numbers: `1-9` < `10-49` < `250-999`). Requests without a
    ///   label for a dimension are left out of it.
    public static func summarize(_ result: EvaluationResult, labels: [String: [(dimension: String, value: String)]]) -> [SegmentSummary] {
        var groups: [String: [String: [RequestResult]]] = [:]
        for r in result.requests {
            var seen = Set<String>()
            for label in labels[r.requestID] ?? [] where seen.insert(label.dimension + "\u{1}" + label.value).inserted {
                groups[label.dimension, default: [:]][label.value, default: []].append(r)
            }
        }
        var out: [SegmentSummary] = []
        for dimension in groups.keys.sorted() {
            for (value, members) in groups[dimension]!.sorted(by: { $0.key.compare($1.key, options: .numeric) == .orderedAscending }) {
                var means: [MetricKey: Double] = [:]
                for key in result.keys {
                    means[key] = members.reduce(0) { $0 + ($1.values[key] ?? 0) } / Double(members.count)
                }
                out.append(SegmentSummary(dimension: dimension, value: value, requests: members.count, means: means))
            }
        }
        return out
    }
}
