import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking

/// Learning-to-rank data for the second phase: per request, the first phase's candidates with their
/// feature rows and graded labels (0 when the qrels do not judge the vendor).
struct LearningGroup {
    var key: String
    var vendorIDs: [String]
    var rows: [Float]
    var labels: [Float]
    var grades: [String: Int]
}

/// Trains the second phase with XGBoost LambdaMART (`rank:ndcg`): k-fold cross-validation picks the
/// number of rounds on held-out requests and reports held-out NDCG@10 against the first phase's order
/// (the linear model) with the paired tests; the final model is trained on every request.
struct TreeTrainer {
    var folds: Int
    var maxRounds: Int
    var eta: Double
    var maxDepth: Int
    var seed: UInt64
    var permutations: Int
    /// Feature columns to hide from the model (set to missing), for ablations.
    var hidden: Set<Int> = []
    /// Trees to continue (`train --warm-start`): XGBoost JSON and its number of trees. Cross-validation then
    /// chooses how many rounds to add, none included.
    var start: (json: Data, trees: Int)? = nil

    static let key = MetricKey(.ndcg, 10)
    static let roundStep = 10

    var parameters: [(String, String)] {
        [("objective", "rank:ndcg"), ("eval_metric", "ndcg@10"), ("eta", String(eta)), ("max_depth", String(maxDepth)),
         ("min_child_weight", "0.1"), ("subsample", "0.8"), ("colsample_bytree", "0.8"), ("lambda", "1"),
         ("tree_method", "hist"), ("max_bin", "64"), ("nthread", "2"), ("seed", String(seed % 1_000_000)),
         ("verbosity", "0")]
    }

    struct CrossValidation {
        var rounds: Int
        var trees: [Double]
        var linear: [Double]
        var comparison: PairedComparison
        var byRounds: [(Int, Double)]
    }

    func masked(_ g: LearningGroup) -> [Float] {
        guard !hidden.isEmpty else { return g.rows }
        var rows = g.rows
        let n = Feature.allCases.count
        for i in 0..<(rows.count / n) { for c in hidden { rows[i * n + c] = .nan } }
        return rows
    }

    func fit(_ groups: [LearningGroup], rounds: Int, xgb: XGBoost) throws -> Data {
        let trainable = groups.filter { $0.labels.contains { $0 > 0 } }
        guard !trainable.isEmpty else { throw VMError(.invalidInput, "no training request has a relevant vendor among its candidates") }
        if rounds == 0, let start { return start.json }
        return try xgb.train(features: trainable.flatMap(masked), columns: Feature.allCases.count, labels: trainable.flatMap(\.labels),
                             groups: trainable.map { UInt32($0.vendorIDs.count) }, parameters: parameters, rounds: rounds,
                             start: start?.json, startRounds: start?.trees ?? 0)
    }

    static func ndcg(_ ids: [String], scores: [Float], grades: [String: Int]) -> Double {
        let order = ids.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : ids[$0] < ids[$1] }
        return RankingMetrics.compute(ranking: order.map { ids[$0] }, grades: grades, keys: [key])[key] ?? 0
    }

    static func linearNDCG(_ g: LearningGroup) -> Double {
        RankingMetrics.compute(ranking: g.vendorIDs, grades: g.grades, keys: [key])[key] ?? 0
    }

    func crossValidate(_ groups: [LearningGroup], xgb: XGBoost, note: (String) -> Void) throws -> CrossValidation {
        // Groups sharing a key (a request ranked with both need channels) share a fold.
        let assignment = Folds.assign(groups.map(\.key), folds: folds, seed: seed)
        // Rounds added; with a starting model, adding none is a choice too.
        let steps = (start == nil ? [] : [0]) + Array(stride(from: TreeTrainer.roundStep, through: maxRounds, by: TreeTrainer.roundStep))
        let first = start?.trees ?? 0
        // Per held-out group, NDCG@10 after each step's number of trees.
        var perStep = [[Double]](repeating: [Double](repeating: 0, count: groups.count), count: steps.count)
        for f in 0..<folds {
            let train = groups.filter { assignment[$0.key] != f }
            let started = ContinuousClock.now
            let model = try fit(train, rounds: maxRounds, xgb: xgb)
            let ensemble = try TreeEnsemble(json: model, source: "fold \(f + 1)")
            var foldScore = 0.0, foldCount = 0
            for (gi, g) in groups.enumerated() where assignment[g.key] == f {
                let leaves = ensemble.leafValues(matrix: masked(g), columns: Feature.allCases.count)
                let n = g.vendorIDs.count, t = ensemble.treeCount
                var scores = [Float](repeating: ensemble.baseScore, count: n)
                var tree = 0
                for (si, step) in steps.enumerated() {
                    while tree < min(first + step, t) {
                        for i in 0..<n { scores[i] += leaves[i * t + tree] }
                        tree += 1
                    }
                    perStep[si][gi] = TreeTrainer.ndcg(g.vendorIDs, scores: scores, grades: g.grades)
                }
                foldScore += perStep[steps.count - 1][gi]
                foldCount += 1
            }
            note(String(format: "fold %d of %d: %d requests held out, NDCG@10 %.4f at %d rounds (%.1f s)", f + 1, folds, foldCount,
                        foldScore / Double(max(1, foldCount)), maxRounds, Double((ContinuousClock.now - started).components.seconds)))
        }
        let means = perStep.map { $0.reduce(0, +) / Double(max(1, groups.count)) }
        let best = means.indices.max { means[$0] < means[$1] || (means[$0] == means[$1] && $0 > $1) } ?? 0
        let trees = perStep[best]
        let linear = groups.map(TreeTrainer.linearNDCG)
        return CrossValidation(rounds: steps[best], trees: trees, linear: linear,
                               comparison: PairedComparison(a: linear, b: trees, permutations: permutations, seed: seed),
                               byRounds: zip(steps, means).map { ($0, $1) })
    }
}

extension TreeTrainer {
    /// The trees of `model` (loaded from `path` with its second phase) to continue; nil when it has none.
    static func start(from model: RankingModel, at path: String) throws -> (json: Data, trees: Int)? {
        guard let second = model.secondPhase, let ensemble = second.ensemble else { return nil }
        let url = second.treesURL(besides: URL(fileURLWithPath: path))
        do { return (try Data(contentsOf: url), ensemble.treeCount) } catch {
            throw VMError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
    }

    /// The trees a model trained with `rounds` chosen holds, for the summary line.
    func treeCount(rounds: Int) -> String {
        start.map { "\(rounds + $0.trees) trees, \(rounds) of them added" } ?? "\(rounds) trees"
    }

    /// Cross-validates continuing `start` and, when there is one, new trees from nothing on the same folds,
    /// and keeps the better (held-out NDCG@10): continuing wins where the buyers resemble the starting
    /// model's, new trees where they differ from it and the rounds would not undo it.
    mutating func crossValidateChoosingStart(_ groups: [LearningGroup], xgb: XGBoost, note: (String) -> Void) throws -> CrossValidation {
        guard let start else { return try crossValidate(groups, xgb: xgb, note: note) }
        note("continuing the starting model's \(start.trees) trees:")
        let continued = try crossValidate(groups, xgb: xgb, note: note)
        var fresh = self
        fresh.start = nil
        note("new trees from nothing:")
        let anew = try fresh.crossValidate(groups, xgb: xgb, note: note)
        let keep = continued.comparison.meanB >= anew.comparison.meanB
        note(String(format: "held-out NDCG@10 continuing %.4f (%d rounds added), from nothing %.4f (%d rounds): %@", continued.comparison.meanB,
                    continued.rounds, anew.comparison.meanB, anew.rounds, keep ? "continuing" : "new trees"))
        if !keep { self.start = nil }
        return keep ? continued : anew
    }

    /// The `training.method` line of a model's metadata: what was learned from, and how.
    func method(learningFrom data: String, rounds: Int) -> String {
        "XGBoost rank:ndcg\(data), " + parameters.filter { ["eta", "max_depth", "subsample", "colsample_bytree", "min_child_weight"].contains($0.0) }
            .map { "\($0.0)=\($0.1)" }.joined(separator: " ") + ", \(rounds) rounds chosen by \(folds)-fold cross-validation; seed \(seed)"
    }
}

extension PairedComparison {
    /// The tests' results as model metadata under `prefix` (`cv`, `heldout`).
    func metadata(_ prefix: String) -> [String: String] {
        ["\(prefix).t_test_p": String(format: "%.3g", tTestP),
         "\(prefix).randomisation_p": String(format: "%.3g", randomisationP) + " (\(permutations) permutations)",
         "\(prefix).wins_ties_losses": "\(wins)/\(ties)/\(losses)"]
    }
}

extension RankingEngine {
    /// The learning group of one judged request.
    func learningGroup(_ request: BuyerRequest, key: String, grades: [String: Int], candidates: Int) throws -> LearningGroup {
        let (ids, rows) = try featureRows(for: request, limit: candidates)
        return LearningGroup(key: key, vendorIDs: ids, rows: rows, labels: ids.map { Float(grades[$0] ?? 0) }, grades: grades)
    }
}
