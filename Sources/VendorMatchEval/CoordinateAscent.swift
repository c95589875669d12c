import VendorMatchCore
import Foundation

/// One training request: the candidates' feature vectors and grades, and the ideal DCG from the qrels.
public struct RankingExample: Sendable {
    public var requestID: String
    public var vendorIDs: [String]
    /// Row-major, `vendorIDs.count × dimension`.
    public var features: [Double]
    public var dimension: Int
    /// Grade of each candidate (0 when unjudged).
    public var grades: [Int]
    /// Ideal DCG at the training cut-off, from all judgements (not only the candidates).
    public var idealDCG: Double

    /// - Parameters:
    ///   - judgements: the request's qrels (grade per vendor).
    public init(requestID: String, vendorIDs: [String], features: [[Double]], judgements: [String: Int], k: Int) {
        self.requestID = requestID
        self.vendorIDs = vendorIDs
        dimension = features.first?.count ?? 0
        self.features = features.flatMap { $0 }
        grades = vendorIDs.map { judgements[$0] ?? 0 }
        let ideal = judgements.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
        idealDCG = ideal.enumerated().reduce(0) { $0 + Double($1.element) / log2(Double($1.offset + 2)) }
    }

    /// NDCG@k of the candidates ordered by `weights · features` (ties: vendor id descending).
    public func ndcg(_ weights: [Double], k: Int, scratch: inout [(Double, Int)]) -> Double {
        guard idealDCG > 0 else { return 0 }
        let n = vendorIDs.count
        scratch.removeAll(keepingCapacity: true)
        for i in 0..<n {
            var s = 0.0
            let base = i * dimension
            for j in 0..<dimension { s += weights[j] * features[base + j] }
            scratch.append((s, i))
        }
        let top = min(k, n)
        // Partial selection of the top k (k is small).
        for r in 0..<top {
            var best = r
            for i in (r + 1)..<n where precedes(scratch[i], scratch[best]) { best = i }
            scratch.swapAt(r, best)
        }
        var dcg = 0.0
        for r in 0..<top {
            let g = grades[scratch[r].1]
            if g > 0 { dcg += Double(g) / log2(Double(r + 2)) }
        }
        return dcg / idealDCG
    }

    private func precedes(_ a: (Double, Int), _ b: (Double, Int)) -> Bool {
        if a.0 != b.0 { return a.0 > b.0 }
        return vendorIDs[b.1].utf8.lexicographicallyPrecedes(vendorIDs[a.1].utf8)
    }
}

/// Coordinate ascent on mean NDCG@k (Metzler & Croft 2007, as in RankLib): one weight at a time, a line
/// search over growing steps in both directions, rounds until the gain is below a tolerance, several
/// seeded random restarts. Weights stay non-negative (each is a component's share of an explained score)
/// and keep the sum of the initial weights (the scale of the score does not change the ranking).
public struct CoordinateAscent: Sendable {
    public struct Configuration: Sendable {
        public var k: Int
        public var restarts: Int
        public var maxRounds: Int
        /// First step, relative to the weight (absolute when the weight is 0); doubled each try.
        public var stepBase: Double
        public var stepScale: Double
        public var stepsPerDirection: Int
        public var tolerance: Double
        public var seed: UInt64

        public init(k: Int = 10, restarts: Int = 3, maxRounds: Int = 10, stepBase: Double = 0.05, stepScale: Double = 2,
                    stepsPerDirection: Int = 8, tolerance: Double = 1e-4, seed: UInt64 = 1) {
            self.k = k; self.restarts = restarts; self.maxRounds = maxRounds; self.stepBase = stepBase
            self.stepScale = stepScale; self.stepsPerDirection = stepsPerDirection; self.tolerance = tolerance; self.seed = seed
        }
    }

    public var configuration: Configuration
    public init(_ configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Mean NDCG@k over the examples.
    public func score(_ weights: [Double], _ examples: [RankingExample]) -> Double {
        guard !examples.isEmpty else { return 0 }
        var scratch: [(Double, Int)] = []
        var sum = 0.0
        for e in examples { sum += e.ndcg(weights, k: configuration.k, scratch: &scratch) }
        return sum / Double(examples.count)
    }

    /// The best weights found and their training score; the first start is `initial`.
    public func train(_ examples: [RankingExample], initial: [Double]) -> (weights: [Double], score: Double) {
        let d = initial.count
        let total = max(initial.reduce(0, +), 1e-9)
        var rng = SplitMix64(seed: configuration.seed)
        var best = (weights: initial, score: score(initial, examples))
        for restart in 0..<max(1, configuration.restarts) {
            var w = initial
            if restart > 0 {
                w = (0..<d).map { _ in Double(rng.next() >> 11) / Double(1 << 53) }
                w = normalized(w, total: total)
            }
            var current = score(w, examples)
            for _ in 0..<configuration.maxRounds {
                let before = current
                var order = Array(0..<d)
                order.shuffle(using: &rng)
                for i in order {
                    let original = w[i]
                    var bestWeight = original, bestScore = current
                    for direction in [1.0, -1.0] {
                        var step = configuration.stepBase * (original > 0 ? original : total / Double(d)) * direction
                        for _ in 0..<configuration.stepsPerDirection {
                            let candidate = original + step
                            if candidate < 0 { break }
                            var trial = w
                            trial[i] = candidate
                            trial = normalized(trial, total: total)
                            let s = score(trial, examples)
                            if s > bestScore + 1e-12 { bestScore = s; bestWeight = candidate }
                            step *= configuration.stepScale
                        }
                    }
                    if bestWeight != original {
                        w[i] = bestWeight
                        w = normalized(w, total: total)
                        current = bestScore
                    }
                }
                if current - before < configuration.tolerance { break }
            }
            if current > best.score { best = (w, current) }
        }
        return best
    }

    private func normalized(_ w: [Double], total: Double) -> [Double] {
        let s = w.reduce(0, +)
        guard s > 0 else { return w }
        return w.map { $0 * total / s }
    }
}

/// K-fold splits of request ids, seeded.
public enum Folds {
    /// Fold index per id: distinct ids sorted, shuffled with `seed`, dealt round-robin. An id listed more
    /// than once (one request ranked with both need channels) is dealt once: its copies share a fold.
    public static func assign(_ ids: [String], folds: Int, seed: UInt64) -> [String: Int] {
        var rng = SplitMix64(seed: seed)
        var shuffled = Set(ids).sorted()
        shuffled.shuffle(using: &rng)
        var out: [String: Int] = [:]
        for (i, id) in shuffled.enumerated() { out[id] = i % folds }
        return out
    }
}
