/// Paired comparisons of two evaluations of the same requests.
public enum Comparison {
    /// One `PairedComparison` per key (B against A) over the requests both evaluated, matched by id.
    public static func compare(_ a: EvaluationResult, _ b: EvaluationResult, keys: [MetricKey]? = nil,
                               permutations: Int = 10_000, seed: UInt64 = 0x5EED) -> [(MetricKey, PairedComparison)] {
        let byID = Dictionary(uniqueKeysWithValues: b.requests.map { ($0.requestID, $0) })
        let pairs = a.requests.compactMap { r in byID[r.requestID].map { (r, $0) } }
        return (keys ?? a.keys).map { key in
            (key, PairedComparison(a: pairs.map { $0.0.values[key] ?? 0 }, b: pairs.map { $0.1.values[key] ?? 0 },
                                   permutations: permutations, seed: seed))
        }
    }
}
