import Foundation

/// The metrics of one evaluated request.
public struct RequestResult: Sendable, Equatable {
    public var requestID: String
    /// Relevant (grade ≥ 1) vendors in the qrels.
    public var relevant: Int
    /// Vendors the run returned for the request (0 when it returned none).
    public var retrieved: Int
    public var values: [MetricKey: Double]

    public init(requestID: String, relevant: Int, retrieved: Int, values: [MetricKey: Double]) {
        self.requestID = requestID
        self.relevant = relevant
        self.retrieved = retrieved
        self.values = values
    }
}

/// The outcome of evaluating a run against qrels.
public struct EvaluationResult: Sendable, Equatable {
    public var keys: [MetricKey]
    /// Evaluated requests, sorted by id.
    public var requests: [RequestResult]
    /// Requests in the qrels with no relevant vendor: skipped, counted.
    public var skippedNoRelevant: [String]
    /// Requests in the qrels but not in the request set: reported and skipped.
    public var unknownRequests: [String]
    /// Requests in the run without judgements: ignored (as trec_eval does).
    public var unjudgedRunRequests: [String]
    /// Evaluated requests the run returned nothing for (they score 0).
    public var emptyRequests: [String]

    /// Mean over the evaluated requests (0 with none).
    public func mean(_ key: MetricKey) -> Double {
        guard !requests.isEmpty else { return 0 }
        return requests.reduce(0) { $0 + ($1.values[key] ?? 0) } / Double(requests.count)
    }

    public var means: [MetricKey: Double] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, mean($0)) })
    }

    /// Per-request values of one metric, in `requests` order.
    public func column(_ key: MetricKey) -> [Double] {
        requests.map { $0.values[key] ?? 0 }
    }
}

/// Scores runs against qrels with trec_eval's conventions (CONTRACT §3).
public enum Evaluator {
    /// - Parameters:
    ///   - requestSet: the requests that were ranked; qrels for other requests are reported and skipped.
    ///     `nil` means the qrels define the set (trec_eval `-c`): a judged request missing from the run scores 0.
    public static func evaluate(run: Run, qrels: Qrels, keys: [MetricKey], requestSet: Set<String>? = nil) -> EvaluationResult {
        var results: [RequestResult] = []
        var skipped: [String] = [], unknown: [String] = [], empty: [String] = []
        for request in qrels.requestIDs {
            if let requestSet, !requestSet.contains(request) {
                unknown.append(request)
                continue
            }
            let grades = qrels.grades[request]!
            let relevant = qrels.relevantCount(request)
            guard relevant > 0 else {
                skipped.append(request)
                continue
            }
            let ranking = run.ranking(request)
            if ranking.isEmpty { empty.append(request) }
            results.append(RequestResult(
                requestID: request, relevant: relevant, retrieved: ranking.count,
                values: RankingMetrics.compute(ranking: ranking, grades: grades, keys: keys)))
        }
        let unjudged = run.requestIDs.filter { qrels.grades[$0] == nil }
        return EvaluationResult(keys: keys, requests: results, skippedNoRelevant: skipped, unknownRequests: unknown,
                                unjudgedRunRequests: unjudged, emptyRequests: empty)
    }
}
