import Foundation

/// The ranking metrics of CONTRACT §3, each at a cut-off k.
public enum Metric: String, Sendable, CaseIterable, Codable {
    /// trec_eval `ndcg_cut`: linear gain (the grade), log2(rank + 1) discount, ideal ranking from the qrels cut at k.
    case ndcg
    /// trec_eval `map_cut`: sum of precision at each relevant vendor within k, divided by all relevant vendors.
    case map
    /// 1 / rank of the first relevant vendor within k, else 0.
    case mrr
    /// trec_eval `recall` at k: relevant vendors within k / all relevant vendors.
    case recall
    /// trec_eval `P` at k: relevant vendors within k / k.
    case p
}

/// A metric at a cut-off, labelled `ndcg@10`.
public struct MetricKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var metric: Metric
    public var k: Int

    public init(_ metric: Metric, _ k: Int) {
        self.metric = metric
        self.k = k
    }

    public var description: String { "\(metric.rawValue)@\(k)" }

    /// Every metric at every cut-off: cut-offs ascending, metrics in `Metric.allCases` order.
    public static func all(cutoffs: [Int]) -> [MetricKey] {
        cutoffs.flatMap { k in Metric.allCases.map { MetricKey($0, k) } }
    }

    public static func < (a: MetricKey, b: MetricKey) -> Bool {
        if a.k != b.k { return a.k < b.k }
        return Metric.allCases.firstIndex(of: a.metric)! < Metric.allCases.firstIndex(of: b.metric)!
    }

    /// Parses `ndcg@10`.
    public init?(_ text: String) {
        let parts = text.split(separator: "@")
        guard parts.count == 2, let m = Metric(rawValue: parts[0].lowercased()), let k = Int(parts[1]), k >= 1 else { return nil }
        self.init(m, k)
    }
}

/// Metrics of one ranked list against one request's judgements, computed as trec_eval does.
public enum RankingMetrics {
    /// Grade ≥ this is relevant (trec_eval's default relevance level).
    public static let relevanceLevel = 1

    /// - Parameters:
    ///   - ranking: vendor ids, best first (already in evaluation order).
    ///   - grades: the request's judgements; unjudged vendors have grade 0.
    /// - Returns: one value per key. All zero when the request has no relevant vendor.
    public static func compute(ranking: [String], grades: [String: Int], keys: [MetricKey]) -> [MetricKey: Double] {
        let retrievedGrades = ranking.map { grades[$0] ?? 0 }
        let ideal = grades.values.filter { $0 > 0 }.sorted(by: >)
        let relevant = grades.values.reduce(0) { $0 + ($1 >= relevanceLevel ? 1 : 0) }
        var out: [MetricKey: Double] = [:]
        for key in keys {
            out[key] = value(key, retrieved: retrievedGrades, ideal: ideal, relevant: relevant)
        }
        return out
    }

    static func value(_ key: MetricKey, retrieved: [Int], ideal: [Int], relevant: Int) -> Double {
        let k = key.k
        let top = retrieved.prefix(k)
        switch key.metric {
        case .ndcg:
            var dcg = 0.0
            for (i, g) in top.enumerated() where g > 0 { dcg += Double(g) / log2(Double(i + 2)) }
            var idcg = 0.0
            for (i, g) in ideal.prefix(k).enumerated() { idcg += Double(g) / log2(Double(i + 2)) }
            return idcg > 0 ? dcg / idcg : 0
        case .map:
            guard relevant > 0 else { return 0 }
            var hits = 0, sum = 0.0
            for (i, g) in top.enumerated() where g >= relevanceLevel {
                hits += 1
                sum += Double(hits) / Double(i + 1)
            }
            return sum / Double(relevant)
        case .mrr:
            guard let i = top.firstIndex(where: { $0 >= relevanceLevel }) else { return 0 }
            return 1 / Double(i + 1)
        case .recall:
            guard relevant > 0 else { return 0 }
            return Double(top.filter { $0 >= relevanceLevel }.count) / Double(relevant)
        case .p:
            return Double(top.filter { $0 >= relevanceLevel }.count) / Double(k)
        }
    }
}
