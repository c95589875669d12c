import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking
import VendorMatchStore

/// `train --from-outcomes`: learns the second phase from the portal's own outcomes, joined to the shortlist
/// log — the feature rows exactly as served (never recomputed from today's catalogue), labelled with the
/// recorded grades. Requests are split into training and held-out ones; the new model and the serving model
/// re-rank the held-out requests' logged candidates, and the new model is written only when it beats the
/// serving one there with p < 0.05 (paired t-test and randomisation test), unless `--force`.
struct OutcomeTraining {
    var command: TrainCommand

    struct Data {
        var groups: [LearningGroup] = []
        var logged = 0
        var otherFeatures = 0
        var unjudged = 0
        var outcomes = 0
        var outcomesOffCandidates = 0
    }

    /// The logged shortlists with outcomes, as learning groups (vendor ids in served order).
    static func load(_ store: any ShortlistLogStoring) throws -> Data {
        let current = LoggedShortlist.fingerprint(of: Feature.signature)
        var data = Data()
        for (row, g) in try store.loggedOutcomes(columns: Feature.allCases.count) {
            data.logged += 1
            guard row.featuresHash == current else { data.otherFeatures += 1; continue }
            data.outcomes += g.count
            let candidates = Set(row.vendorIDs)
            data.outcomesOffCandidates += g.keys.filter { !candidates.contains($0) }.count
            guard g.values.contains(where: { $0 > 0 }) else { data.unjudged += 1; continue }
            data.groups.append(LearningGroup(key: row.requestID, vendorIDs: row.vendorIDs, rows: row.matrix,
                                             labels: row.vendorIDs.map { Float(g[$0] ?? 0) }, grades: g))
        }
        return data
    }

    /// The model that serves now: the newest promotion (SQLite keeps them), else the configured one; with
    /// its file path.
    static func servingModel(global: GlobalOptions, store: any ShortlistLogStoring) throws -> (RankingModel, String?) {
        if let sqlite = store as? CatalogueStore, let p = try sqlite.currentPromotion() {
            return (try RankingModel.loadVersioned(from: URL(fileURLWithPath: p.path)), p.path)
        }
        let dir = try ModelsDirectory.locate(explicit: global.models)
        return (try global.rankingModel(modelsDirectory: dir), global.rankingModelPath(modelsDirectory: dir))
    }

    func run() throws {
        let c = command
        guard c.requests == nil, c.qrels == nil, c.markets.isEmpty, c.data == nil else {
            throw VMError(.invalidInput, "--from-outcomes trains on the database's shortlist log and outcomes; it takes no --requests, --qrels, --market or --data",
                          field: "from-outcomes")
        }
        guard c.holdout > 0, c.holdout < 1 else { throw VMError(.invalidInput, "--holdout must be between 0 and 1", field: "holdout") }
        guard c.folds >= 2 else { throw VMError(.invalidInput, "--folds must be at least 2 (rounds are chosen on held-out folds)", field: "folds") }
        let xgb = try XGBoost.load()
        let clock = ContinuousClock.now
        // The log and outcomes may be in PostgreSQL (`--store`); promotions are kept in SQLite only.
        let store = try c.global.openStore()
        if c.promote, !(store is CatalogueStore) {
            throw VMError(.invalidInput, "--promote keeps the promotion in a SQLite database (--db PATH); with --store \(store.location), write the model and serve it with --model",
                          field: "promote")
        }
        let (serving, servingPath) = try Self.servingModel(global: c.global, store: store)
        let data = try Self.load(store)
        EvalOutput.note("\(data.logged) logged shortlists with outcomes (\(data.outcomes) outcomes, \(data.outcomesOffCandidates) for vendors outside the logged candidates); "
            + "\(data.groups.count) with a shortlisted or chosen vendor to learn from"
            + (data.otherFeatures > 0 ? "; \(data.otherFeatures) logged under another feature set, left out" : ""))

        // Held-out requests: a seeded shuffle, the first `holdout` share.
        let ids = data.groups.map(\.key)
        let parts = max(2, Int((1 / c.holdout).rounded()))
        let assignment = Folds.assign(ids, folds: parts, seed: c.seed)
        let heldOut = data.groups.filter { assignment[$0.key] == 0 }, training = data.groups.filter { assignment[$0.key] != 0 }
        let minimum = 10
        guard heldOut.count >= minimum, training.count >= c.folds * minimum else {
            throw VMError(.invalidInput, "too few outcomes to train on: \(data.groups.count) logged shortlists have a shortlisted or chosen vendor "
                + "(\(training.count) for training, \(heldOut.count) held out; at least \(c.folds * minimum) and \(minimum) are needed); record more outcomes with RecordOutcomes",
                field: "outcomes")
        }

        var trainer = TreeTrainer(folds: c.folds, maxRounds: c.rounds, eta: c.eta, maxDepth: c.maxDepth, seed: c.seed, permutations: c.permutations)
        // Continuing the serving model's trees, or new ones, whichever cross-validates better (--no-warm-start: new only).
        if c.warmStart, let servingPath, let start = try TreeTrainer.start(from: serving, at: servingPath) {
            trainer.start = start
            EvalOutput.note("cross-validating both continuing the \(start.trees) trees of \(servingPath) and new trees (--no-warm-start: new trees only)")
        }
        let cv = try trainer.crossValidateChoosingStart(training, xgb: xgb) { EvalOutput.note($0) }
        let trees = try trainer.fit(training, rounds: cv.rounds, xgb: xgb)
        let ensemble = try TreeEnsemble(json: trees, source: "the model trained on outcomes")

        // Held out: both models re-rank the same logged candidates; NDCG@10 against the recorded grades.
        let columns = Feature.allCases.count
        func ndcg(_ g: LearningGroup, _ model: TreeEnsemble?) -> Double {
            guard let model else { return TreeTrainer.linearNDCG(g) } // no second phase: the order served
            return TreeTrainer.ndcg(g.vendorIDs, scores: model.predict(matrix: g.rows, columns: columns).map(Float.init), grades: g.grades)
        }
        let before = heldOut.map { ndcg($0, serving.secondPhase?.ensemble) }
        let after = heldOut.map { ndcg($0, ensemble) }
        let comparison = PairedComparison(a: before, b: after, permutations: c.permutations, seed: c.seed)
        let summary = String(format: "held-out NDCG@10 on %d requests: new %.4f vs serving %@ %.4f (%+.4f); paired t-test p %@, randomisation p %@; W/T/L %d/%d/%d",
                             heldOut.count, comparison.meanB, serving.servingVersion, comparison.meanA, comparison.meanDifference,
                             EvalOutput.formatP(comparison.tTestP), EvalOutput.formatP(comparison.randomisationP),
                             comparison.wins, comparison.ties, comparison.losses)
        EvalOutput.note(summary)
        let beats = comparison.meanB > comparison.meanA && comparison.tTestP < 0.05 && comparison.randomisationP < 0.05
        if !beats && !c.force {
            throw VMError(.invalidInput, "not written: the model trained on \(training.count) requests' outcomes does not beat the serving model with p < 0.05 on \(heldOut.count) held-out requests ("
                + summary + "); record more outcomes, or pass --force to write it anyway", field: "outcomes")
        }

        // The serving model's first phase, with the new second phase.
        let outURL = try outputURL(store: store)
        let treesName = outURL.deletingPathExtension().lastPathComponent + ".trees.json"
        let treesURL = outURL.deletingLastPathComponent().appendingPathComponent(treesName)
        do {
            try FileManager.default.createDirectory(at: outURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try trees.write(to: treesURL, options: .atomic)
        } catch {
            throw VMError(.io, "cannot write \(treesURL.path): \(error.localizedDescription)")
        }
        var model = serving
        model.secondPhase = SecondPhase(candidates: serving.secondPhase?.candidates ?? SecondPhase.defaultCandidates, trees: treesName, ensemble: nil)
        var meta: [String: String] = [:]
        for (key, value) in serving.metadata where key.hasPrefix("first_phase.") { meta[key] = value }
        meta["source"] = "vendormatch train --from-outcomes"
        meta["training.date"] = ISO8601DateFormatter().string(from: Date())
        meta["training.database"] = store.location
        meta["training.serving_model"] = serving.servingVersion + (servingPath.map { " (\($0))" } ?? "")
        meta["training.request_count"] = String(training.count)
        meta["training.rows"] = String(training.reduce(0) { $0 + $1.vendorIDs.count })
        meta["training.method"] = trainer.method(learningFrom: " on logged feature rows and recorded grades", rounds: cv.rounds)
        if let count = trainer.start?.trees {
            meta["training.warm_start"] = "\(cv.rounds) rounds added to the serving model's \(count) trees"
        }
        meta["heldout.requests"] = String(heldOut.count)
        meta["heldout.ndcg@10"] = fmt(comparison.meanB)
        meta["heldout.ndcg@10.serving"] = fmt(comparison.meanA)
        meta.merge(comparison.metadata("heldout")) { $1 }
        if !beats { meta["heldout.forced"] = "written with --force although it does not beat the serving model with p < 0.05" }
        model.metadata = meta
        try model.write(to: outURL)
        let written = try RankingModel.loadVersioned(from: outURL)
        var promoted = false
        if c.promote, let sqlite = store as? CatalogueStore {
            try sqlite.promoteModel(path: outURL.standardizedFileURL.path,
                                    note: String(format: "train --from-outcomes: held-out NDCG@10 %.4f vs %.4f", comparison.meanB, comparison.meanA))
            promoted = true
        }
        if c.json {
            print("{\"model\": \(EvalOutput.string(outURL.path)), \"version\": \(EvalOutput.string(written.servingVersion)), \"promoted\": \(promoted), "
                + "\"rounds\": \(cv.rounds), \"training_requests\": \(training.count), \"heldout_requests\": \(heldOut.count), "
                + "\"heldout_ndcg@10\": \(EvalOutput.number(comparison.meanB)), \"serving_ndcg@10\": \(EvalOutput.number(comparison.meanA)), "
                + "\"t_test_p\": \(EvalOutput.number(comparison.tTestP)), \"randomisation_p\": \(EvalOutput.number(comparison.randomisationP))}")
        } else {
            print(summary)
            print("wrote \(outURL.path) and \(treesURL.path) (\(written.servingVersion), \(trainer.treeCount(rounds: cv.rounds))) in \(clock.duration(to: .now))")
            if promoted {
                print("promoted: a server over \(store.location) serves it within a second; `vendormatch model rollback` returns to \(serving.servingVersion)")
            }
        }
    }

    private func fmt(_ x: Double) -> String { String(format: "%.6f", x) }

    /// `--out`, else `models/outcomes-<UTC time>.json` beside the SQLite database (with `--store`, in the
    /// current directory).
    func outputURL(store: any ShortlistLogStoring) throws -> URL {
        if let out = command.out { return URL(fileURLWithPath: out).standardizedFileURL }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss"
        let base = (store as? CatalogueStore).map { URL(fileURLWithPath: $0.path).standardizedFileURL.deletingLastPathComponent() }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let dir = base.appendingPathComponent("models")
        return dir.appendingPathComponent("outcomes-\(formatter.string(from: Date())).json")
    }
}
