import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learns the second ranking phase (XGBoost LambdaMART over the feature registry), or the linear weights.",
        discussion: """
        With --learner trees (the default): every judged request's first-phase candidates (--candidates, default 300)
        are featurised by the same extractor serving uses (`vendormatch features --list`); XGBoost's rank:ndcg
        (Debian's libxgboost-dev, loaded at run time) learns boosted trees on them. k-fold cross-validation by request
        picks the number of rounds and reports held-out NDCG@10 against the first phase's own order with a paired
        t-test and a randomisation test. It does so twice, on the same folds: continuing the starting model's trees
        (--model, default the shipped model, learnt on many markets), so your requests correct what it learnt
        (adding no rounds is a choice too), and new trees from nothing; the better is kept. --no-warm-start learns
        new trees only. The model written (--out, default Models/ranking-model.json) is the starting model (its linear
        first phase) plus a second_phase naming the trees file written beside it (OUT's name with .trees.json).
        --market DIR (repeatable) trains on several markets at once: each DIR holds a catalogue (vendors.jsonl,
        case_studies.jsonl, referrals.jsonl) with its requests.jsonl and qrels.txt; DIR@lexical or DIR@hybrid ranks that market with that need channel instead of --need-encoder's (so one model learns both);
        the same DIR given with both channels trains on each of its requests twice, the two copies in one
        cross-validation fold.

        With --from-outcomes: the shortlists `serve` logged in --db (their candidates' features exactly as served)
        joined with the outcomes recorded for them (RecordOutcomes); --holdout of those requests are held out, and
        the new model is written (default: models/outcomes-<time>.json beside the database) only when it beats the
        serving model there with p < 0.05 (paired t-test and randomisation test), else exit 2 saying why, unless
        --force. --promote makes it the serving model of every server over the database (`vendormatch model`).

        With --learner linear:
        Each request's candidates (the best --pool of the starting model) are featurised once; coordinate ascent
        (RankLib style: one weight at a time, line search over growing steps, rounds, seeded random restarts)
        maximises mean NDCG@10 of `Σ weight · feature`. Weights stay non-negative. Cross-validation trains on k−1
        folds and ranks the held-out fold with the engine; the model written is trained on all requests and
        records the training-data hash, the date and the cross-validated metrics.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Training requests (JSON Lines).")
    var requests: String?

    @Option(help: "TREC qrels for the requests.")
    var qrels: String?

    @Option(help: "trees (the learned second phase) or linear (the first phase's six weights, by coordinate ascent).")
    var learner: String = "trees"

    @Option(name: .customLong("market"), help: "A market directory (catalogue + requests.jsonl + qrels.txt); repeatable (trees only). DIR@lexical or DIR@hybrid: that market's need channel (the same DIR may be given with both).")
    var markets: [String] = []

    @Option(help: "First-phase candidates the second phase re-ranks (trees).")
    var candidates: Int = SecondPhase.defaultCandidates

    @Option(help: "Most boosting rounds; cross-validation picks the number in steps of 10 (trees).")
    var rounds: Int = 300

    @Option(help: "Learning rate (trees).")
    var eta: Double = 0.05

    @Option(name: .customLong("max-depth"), help: "Depth of each tree (trees).")
    var maxDepth: Int = 6

    @Flag(name: .customLong("warm-start"), inversion: .prefixedNo,
          help: "Also cross-validate continuing the starting model's trees (--model, default the shipped one; with --from-outcomes the serving one) on these requests, rounds added chosen by cross-validation (none included), and keep it when it beats new trees from nothing; --no-warm-start learns new trees only (half the time). A starting model without trees, or --ablate-group, learns new trees only (trees).")
    var warmStart = true

    @Option(name: .customLong("ablate-group"), help: "Hide the features whose names start with this group (e.g. trust), to measure what they add (trees).")
    var ablateGroups: [String] = []

    @Option(help: "Catalogue as JSON Lines files in this directory (instead of the --db database).")
    var data: String?

    @Option(help: "Cross-validation folds (1 = no cross-validation).")
    var folds: Int = 5

    @Option(help: "Model file to write (default: Models/ranking-model.json).")
    var out: String?

    @Option(help: "Candidates featurised per request.")
    var pool: Int = 200

    @Option(help: "Random restarts of coordinate ascent (the first starts from the current model).")
    var restarts: Int = 3

    @Option(help: "Seed for folds and restarts.")
    var seed: UInt64 = 1

    @Option(help: "Sign permutations of the randomisation test.")
    var permutations: Int = 10_000

    @Flag(name: .customLong("tune-parameters"), help: "Also tune referral-type weights, evidence decay, trust saturation and half-life, quality shrinkage, the work-alone share and the semantic need share (slower: ranks the training requests with the engine for each trial).")
    var tuneParameters = false

    @Flag(help: "Machine-readable summary.")
    var json = false

    @Flag(name: .customLong("from-outcomes"), help: "Train on the database's logged shortlists (their features as served) and the outcomes recorded for them (trees).")
    var fromOutcomes = false

    @Option(help: "With --from-outcomes: share of the requests with outcomes held out to compare the new model with the serving one.")
    var holdout: Double = 0.2

    @Flag(help: "With --from-outcomes: make the new model the serving one (a running server over the database loads it; `model rollback` undoes it).")
    var promote = false

    @Flag(help: "With --from-outcomes: write (and promote) the model even when it does not beat the serving model with p < 0.05 on the held-out requests.")
    var force = false

    func run() async throws {
        do {
            try execute()
        } catch {
            EvalOutput.fail(error)
        }
    }

    func execute() throws {
        if fromOutcomes {
            guard learner == "trees" else { throw VMError(.invalidInput, "--from-outcomes learns trees only", field: "learner") }
            return try OutcomeTraining(command: self).run()
        }
        guard !promote, !force else {
            throw VMError(.invalidInput, "--promote and --force go with --from-outcomes", field: promote ? "promote" : "force")
        }
        switch learner {
        case "trees": try trainTrees()
        case "linear":
            guard let requests, let qrels else {
                throw VMError(.invalidInput, "--learner linear needs --requests and --qrels", field: "requests")
            }
            try trainLinear(requests: requests, qrels: qrels)
        default: throw VMError(.invalidInput, "--learner must be trees or linear, got \"\(learner)\"", field: "learner")
        }
    }

    func trainLinear(requests: String, qrels: String) throws {
        guard folds >= 1 else { throw VMError(.invalidInput, "--folds must be at least 1", field: "folds") }
        guard (10...BuyerRequest.maxK).contains(pool) else {
            throw VMError(.invalidInput, "--pool must be between 10 and \(BuyerRequest.maxK)", field: "pool")
        }
        let key = MetricKey(.ndcg, 10)
        let requestBytes = try readBytes(requests), qrelsBytes = try readBytes(qrels)
        let judgements = try Qrels.parse(Data(qrelsBytes), file: qrels)
        let ranking = try EvalRanking.make(global: global, data: data, depth: 10)
        let requestList = try EvalInputs.requests(requests, taxonomy: ranking.taxonomy)
        let requestIDs = Set(requestList.map(\.id))
        let start = ranking.engine.model
        let startWeights = start.weightVector

        // Featurise once, with the starting model choosing the pool.
        let clock = ContinuousClock.now
        var examples: [String: RankingExample] = [:]
        let trainable = requestList.filter { judgements.relevantCount($0.id) > 0 }
        for r in trainable {
            let candidates = try ranking.engine.features(for: r, limit: pool)
            examples[r.id] = RankingExample(requestID: r.id, vendorIDs: candidates.map(\.vendorID),
                                            features: candidates.map(\.values), judgements: judgements.grades[r.id]!, k: 10)
        }
        let unknown = judgements.requestIDs.filter { !requestIDs.contains($0) }
        if !unknown.isEmpty { EvalOutput.note("skipped qrels of \(unknown.count) requests not in \(requests): \(EvalOutput.sample(unknown))") }
        EvalOutput.note("featurised \(examples.count) requests with relevant vendors (of \(requestList.count)) in \(clock.duration(to: .now))")

        let trainer = CoordinateAscent(.init(k: 10, restarts: restarts, seed: seed))
        var foldRows: [FoldRow] = []
        var cvTrained: EvaluationResult?
        var cvStart: EvaluationResult?
        if folds > 1 {
            let assignment = Folds.assign(Array(examples.keys), folds: folds, seed: seed)
            var trainedRuns: [String: [Run.Entry]] = [:]
            for f in 0..<folds {
                let trainSet = examples.values.filter { assignment[$0.requestID] != f }.sorted { $0.requestID < $1.requestID }
                let testIDs = Set(examples.keys.filter { assignment[$0] == f })
                let (model, trainScore) = try fit(trainSet, start: start, requestList: requestList, judgements: judgements,
                                                  ranking: ranking, trainer: trainer)
                let w = model.weightVector
                let testRequests = requestList.filter { testIDs.contains($0.id) }
                let testRun = try ranking.run(testRequests, model: model, tag: "fold\(f + 1)")
                for id in testIDs { trainedRuns[id] = testRun.entries[id] ?? [] }
                let testQrels = judgements.restricted(to: testIDs)
                let test = Evaluator.evaluate(run: testRun, qrels: testQrels, keys: [key], requestSet: testIDs)
                let base = Evaluator.evaluate(run: try ranking.run(testRequests, model: start, tag: "start"), qrels: testQrels,
                                              keys: [key], requestSet: testIDs)
                foldRows.append(FoldRow(fold: f + 1, train: trainSet.count, test: testIDs.count, trainNDCG: trainScore,
                                        startTrainNDCG: trainer.score(startWeights, trainSet),
                                        testNDCG: test.mean(key), startTestNDCG: base.mean(key), weights: w))
                EvalOutput.note(String(format: "fold %d: train NDCG@10 %.4f (start %.4f), test %.4f (start %.4f)", f + 1,
                                       trainScore, foldRows.last!.startTrainNDCG, test.mean(key), base.mean(key)))
            }
            let trainedRun = Run(entries: trainedRuns, tag: "cv")
            let evaluated = Set(examples.keys)
            cvTrained = Evaluator.evaluate(run: trainedRun, qrels: judgements.restricted(to: evaluated), keys: [key], requestSet: evaluated)
            let startRun = try ranking.run(requestList.filter { evaluated.contains($0.id) }, model: start, tag: "start")
            cvStart = Evaluator.evaluate(run: startRun, qrels: judgements.restricted(to: evaluated), keys: [key], requestSet: evaluated)
        }

        let all = examples.values.sorted { $0.requestID < $1.requestID }
        var (model, trainScore) = try fit(all, start: start, requestList: requestList, judgements: judgements,
                                          ranking: ranking, trainer: trainer)
        var meta = model.metadata.filter { !$0.key.hasPrefix("cv.") && !$0.key.hasPrefix("training.") && $0.key != ServedCandidates.modelVersionKey }
        meta["source"] = "vendormatch train"
        meta["training.date"] = ISO8601DateFormatter().string(from: Date())
        meta["training.requests"] = requests
        meta["training.qrels"] = qrels
        meta["training.requests_sha256"] = SHA256.hex(requestBytes)
        meta["training.qrels_sha256"] = SHA256.hex(qrelsBytes)
        meta["training.data_sha256"] = SHA256.hex(requestBytes + qrelsBytes)
        meta["training.request_count"] = String(all.count)
        meta["training.objective"] = "mean NDCG@10 (trec_eval ndcg_cut_10) over requests with a relevant vendor"
        meta["training.method"] = "coordinate ascent (RankLib style), non-negative weights with a fixed sum; \(restarts) restarts, seed \(seed); \(pool) candidates per request from the starting model"
        meta["training.features"] = "score = Σ weights[f] · feature f, f in " + RankingModel.featureNames.joined(separator: ", ")
            + " (unweighted component values of RankingEngine.features: case-study evidence per dimension, referral trust, shrunk quality)"
        meta["training.start_weights"] = zip(RankingModel.featureNames, startWeights).map { "\($0)=\(fmt($1))" }.joined(separator: ",")
        meta["training.ndcg@10"] = fmt(trainScore)
        meta["training.tuned_parameters"] = tuneParameters ? ParameterSearch.tunable.map(\.name).joined(separator: ",") : "none (weights only)"
        if let cvTrained, let cvStart {
            let c = PairedComparison(a: cvStart.column(key), b: cvTrained.column(key), permutations: permutations, seed: seed)
            meta["cv.folds"] = String(folds)
            meta["cv.ndcg@10.test"] = fmt(cvTrained.mean(key))
            meta["cv.ndcg@10.test.start_model"] = fmt(cvStart.mean(key))
            meta["cv.ndcg@10.train"] = fmt(foldRows.map(\.trainNDCG).reduce(0, +) / Double(foldRows.count))
            meta["cv.t_test_p"] = String(format: "%.3g", c.tTestP)
            meta["cv.randomisation_p"] = String(format: "%.3g", c.randomisationP) + " (\(c.permutations) permutations)"
            meta["cv.wins_ties_losses"] = "\(c.wins)/\(c.ties)/\(c.losses)"
            for row in foldRows {
                meta["cv.fold\(row.fold)"] = String(format: "train %.4f test %.4f (start %.4f / %.4f), n %d/%d", row.trainNDCG,
                                                    row.testNDCG, row.startTrainNDCG, row.startTestNDCG, row.train, row.test)
            }
            printSummary(foldRows, comparison: c)
        }
        model.metadata = meta
        let outURL: URL
        if let out { outURL = URL(fileURLWithPath: out) } else {
            outURL = try ModelsDirectory.locate(explicit: global.models).appendingPathComponent("ranking-model.json")
        }
        try model.write(to: outURL)
        let weightsText = RankingModel.featureNames.map { "\($0)=\(String(format: "%.4f", model.weight($0)))" }.joined(separator: " ")
        if json {
            print("{\"model\": \(EvalOutput.string(outURL.path)), \"train_ndcg@10\": \(EvalOutput.number(trainScore)), \"cv_test_ndcg@10\": \(cvTrained.map { EvalOutput.number($0.mean(key)) } ?? "null"), \"cv_start_ndcg@10\": \(cvStart.map { EvalOutput.number($0.mean(key)) } ?? "null")}")
        } else {
            print("weights: \(weightsText)")
            print(String(format: "training NDCG@10 (pool re-ranking) %.4f; wrote %@", trainScore, outURL.path))
        }
    }

    /// Weights by coordinate ascent on the cached features; with --tune-parameters, then a greedy search over
    /// the model parameters (each trial ranks the training requests with the engine), then the weights again
    /// on features recomputed under the tuned parameters.
    func fit(_ examples: [RankingExample], start: RankingModel, requestList: [BuyerRequest], judgements: Qrels,
             ranking: EvalRanking, trainer: CoordinateAscent) throws -> (RankingModel, Double) {
        let (w, score) = trainer.train(examples, initial: start.weightVector)
        var model = start.with(weights: w)
        guard tuneParameters else { return (model, score) }
        let ids = Set(examples.map(\.requestID))
        let train = requestList.filter { ids.contains($0.id) }
        let restricted = judgements.restricted(to: ids)
        let key = MetricKey(.ndcg, 10)
        func engineScore(_ m: RankingModel) throws -> Double {
            Evaluator.evaluate(run: try ranking.run(train, model: m, tag: "tune"), qrels: restricted, keys: [key], requestSet: ids).mean(key)
        }
        var best = try engineScore(model)
        let before = best
        for p in ParameterSearch.tunable {
            for factor in [0.5, 2.0] {
                let trial = p.scaled(model, by: factor)
                let s = try engineScore(trial)
                if s > best + 1e-4 { best = s; model = trial }
            }
        }
        EvalOutput.note(String(format: "  parameters: engine NDCG@10 on the training requests %.4f → %.4f", before, best))
        // Refit the weights on features under the tuned parameters.
        ranking.engine.replaceModel(model)
        var refeatured: [RankingExample] = []
        for r in train {
            let c = try ranking.engine.features(for: r, limit: pool)
            refeatured.append(RankingExample(requestID: r.id, vendorIDs: c.map(\.vendorID), features: c.map(\.values),
                                             judgements: judgements.grades[r.id]!, k: 10))
        }
        let (w2, score2) = trainer.train(refeatured, initial: model.weightVector)
        let refit = model.with(weights: w2)
        return try engineScore(refit) >= best ? (refit, score2) : (model, trainer.score(model.weightVector, refeatured))
    }

    struct FoldRow {
        var fold, train, test: Int
        var trainNDCG, startTrainNDCG, testNDCG, startTestNDCG: Double
        var weights: [Double]
    }

    func printSummary(_ rows: [FoldRow], comparison c: PairedComparison) {
        guard !json else { return }
        print("fold  train  test  train NDCG@10 (start)   test NDCG@10 (start)")
        for r in rows {
            print(String(format: "%4d  %5d  %4d  %.4f (%.4f)        %.4f (%.4f)", r.fold, r.train, r.test, r.trainNDCG,
                         r.startTrainNDCG, r.testNDCG, r.startTestNDCG))
        }
        print(String(format: "held-out NDCG@10: trained %.4f vs start model %.4f (%+.4f); paired t-test p %@, randomisation p %@ (%d permutations); W/T/L %d/%d/%d",
                     c.meanB, c.meanA, c.meanDifference, EvalOutput.formatP(c.tTestP), EvalOutput.formatP(c.randomisationP),
                     c.permutations, c.wins, c.ties, c.losses))
    }

    func readBytes(_ path: String) throws -> [UInt8] {
        do { return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw RecordError(file: path, line: 0, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    func fmt(_ x: Double) -> String { String(format: "%.6f", x) }
}

/// The model parameters `train --tune-parameters` searches, each scaled by ½ and 2 in turn.
enum ParameterSearch {
    struct Tunable: Sendable {
        var name: String
        var scaled: @Sendable (RankingModel, Double) -> RankingModel
        func scaled(_ m: RankingModel, by factor: Double) -> RankingModel { scaled(m, factor) }
    }

    static func parameter(_ p: RankingModel.Parameter, max: Double = .infinity) -> Tunable {
        Tunable(name: p.rawValue) { m, f in
            var m = m
            m.parameters[p.rawValue] = Swift.min(max, m.value(p) * f)
            return m
        }
    }

    static func referrer(_ t: ReferrerType) -> Tunable {
        Tunable(name: "referrer.\(t.rawValue)") { m, f in
            var m = m
            m.referrerWeights[t.rawValue] = m.referrerWeight(t) * f
            return m
        }
    }

    static let tunable: [Tunable] = [
        parameter(.evidenceDecay, max: 0.95), parameter(.declaredCredibility, max: 1), parameter(.trustScale),
        parameter(.referralHalfLife), parameter(.qualityPriorCount), parameter(.caseHalfLife),
        // The semantic channel's share matters only when the engine has one (--need-encoder hybrid).
        parameter(.caseWorkAlone, max: 1), parameter(.needSemanticShare, max: 1),
    ] + ReferrerType.allCases.map(referrer)
}

extension RankingModel {
    /// This model with the weights replaced (in `featureNames` order).
    func with(weights w: [Double]) -> RankingModel {
        var m = self
        for (name, value) in zip(RankingModel.featureNames, w) { m.weights[name] = value }
        return m
    }
}

extension TrainCommand {
    /// One training source: a catalogue (a directory, or the --db database) with its requests and qrels.
    struct Source {
        var name: String
        var data: String?
        var requests: String
        var qrels: String
        /// The need channel this source is ranked with, when not --need-encoder's.
        var needEncoder: NeedEncoderMode? = nil
    }

    func sources() throws -> [Source] {
        if !markets.isEmpty {
            guard requests == nil, qrels == nil, data == nil else {
                throw VMError(.invalidInput, "--market cannot be combined with --requests, --qrels or --data", field: "market")
            }
            return try markets.map { market in
                var directory = market
                var mode: NeedEncoderMode?
                if let at = market.lastIndex(of: "@") {
                    let suffix = String(market[market.index(after: at)...])
                    guard let m = NeedEncoderMode(rawValue: suffix) else {
                        throw VMError(.invalidInput, "--market \(market): the need channel after @ must be one of \(NeedEncoderMode.allCases.map(\.rawValue).joined(separator: ", "))", field: "market")
                    }
                    directory = String(market[..<at])
                    mode = m
                }
                return Source(name: market, data: directory, requests: directory + "/requests.jsonl", qrels: directory + "/qrels.txt",
                              needEncoder: mode)
            }
        }
        guard let requests, let qrels else {
            throw VMError(.invalidInput, "train needs --requests and --qrels, or one or more --market DIR", field: "requests")
        }
        return [Source(name: data ?? global.databasePath, data: data, requests: requests, qrels: qrels)]
    }

    func trainTrees() throws {
        guard folds >= 2 else { throw VMError(.invalidInput, "--folds must be at least 2 for trees (rounds are chosen on held-out folds)", field: "folds") }
        guard (10...BuyerRequest.maxK).contains(candidates) else {
            throw VMError(.invalidInput, "--candidates must be between 10 and \(BuyerRequest.maxK)", field: "candidates")
        }
        guard (10...5000).contains(rounds) else { throw VMError(.invalidInput, "--rounds must be between 10 and 5000", field: "rounds") }
        guard eta > 0, eta <= 1 else { throw VMError(.invalidInput, "--eta must be in (0, 1]", field: "eta") }
        guard (1...12).contains(maxDepth) else { throw VMError(.invalidInput, "--max-depth must be between 1 and 12", field: "max-depth") }
        let xgb = try XGBoost.load()
        var hidden = Set<Int>()
        for group in ablateGroups {
            let columns = Feature.allCases.filter { $0.name.hasPrefix(group + ".") || $0.name == group }.map(\.rawValue)
            guard !columns.isEmpty else { throw VMError(.invalidInput, "--ablate-group \(group) names no feature", field: "ablate-group") }
            hidden.formUnion(columns)
        }
        let clock = ContinuousClock.now
        var groups: [LearningGroup] = []
        var hashes: [String] = [], requestHashes: [String] = [], qrelsHashes: [String] = []
        var start: RankingModel?
        let sources = try sources()
        for (i, source) in sources.enumerated() {
            let requestBytes = try readBytes(source.requests), qrelsBytes = try readBytes(source.qrels)
            hashes.append(SHA256.hex(requestBytes + qrelsBytes))
            requestHashes.append(SHA256.hex(requestBytes))
            qrelsHashes.append(SHA256.hex(qrelsBytes))
            let judgements = try Qrels.parse(Data(qrelsBytes), file: source.qrels)
            // The first phase chooses the candidates; the second phase being replaced need not load.
            var options = global
            if let mode = source.needEncoder { options.needEncoder = mode }
            let ranking = try EvalRanking.make(global: options, data: source.data, depth: 10, firstPhaseOnly: true)
            if start == nil { start = ranking.engine.model }
            let list = try EvalInputs.requests(source.requests, taxonomy: ranking.taxonomy)
            var n = 0
            // Keyed by market, not by --market flag: one market ranked with both need channels keeps each
            // request's two copies in one cross-validation fold.
            let market = sources.firstIndex { $0.data == source.data && $0.requests == source.requests } ?? i
            for r in list where judgements.relevantCount(r.id) > 0 {
                groups.append(try ranking.engine.learningGroup(r, key: "\(market)/\(r.id)", grades: judgements.grades[r.id] ?? [:],
                                                               candidates: candidates))
                n += 1
            }
            EvalOutput.note("\(source.name): featurised \(n) judged requests of \(list.count) (\(candidates) candidates each)")
        }
        guard var model = start, !groups.isEmpty else { throw VMError(.invalidInput, "no judged request to train on", field: "qrels") }
        let rows = groups.reduce(0) { $0 + $1.vendorIDs.count }
        EvalOutput.note("\(groups.count) requests, \(rows) rows × \(Feature.allCases.count) features in \(clock.duration(to: .now))")

        var trainer = TreeTrainer(folds: folds, maxRounds: rounds, eta: eta, maxDepth: maxDepth, seed: seed, permutations: permutations,
                                  hidden: hidden)
        var startedFrom: String?
        if warmStart, hidden.isEmpty, let (start, path) = try startingTrees() {
            trainer.start = start
            startedFrom = path
            EvalOutput.note("cross-validating both continuing the \(start.trees) trees of \(path) and new trees (--no-warm-start: new trees only)")
        }
        let cv = try trainer.crossValidateChoosingStart(groups, xgb: xgb) { EvalOutput.note($0) }
        let c = cv.comparison
        let trained = try trainer.fit(groups, rounds: cv.rounds, xgb: xgb)

        let outURL: URL
        if let out { outURL = URL(fileURLWithPath: out) } else {
            outURL = try ModelsDirectory.locate(explicit: global.models).appendingPathComponent("ranking-model.json")
        }
        let treesName = outURL.deletingPathExtension().lastPathComponent + ".trees.json"
        let treesURL = outURL.deletingLastPathComponent().appendingPathComponent(treesName)
        do { try trained.write(to: treesURL, options: .atomic) } catch {
            throw VMError(.io, "cannot write \(treesURL.path): \(error.localizedDescription)")
        }
        model.secondPhase = SecondPhase(candidates: candidates, trees: treesName, ensemble: nil)
        // The starting model's own provenance describes the first phase, which is kept.
        var meta: [String: String] = [:]
        for (key, value) in model.metadata where !key.hasPrefix("cv.") && !key.hasPrefix("training.") && !key.hasPrefix("heldout.")
            && key != ServedCandidates.modelVersionKey {
            meta[key.hasPrefix("first_phase.") ? key : "first_phase." + key] = value
        }
        meta["source"] = "vendormatch train --learner trees"
        meta["training.date"] = ISO8601DateFormatter().string(from: Date())
        meta["training.sources"] = sources.map(\.name).joined(separator: ", ")
        // Per source, comma-separated: SHA-256 of the requests file, of the qrels, and of both concatenated.
        meta["training.data_sha256"] = hashes.joined(separator: ",")
        meta["training.requests_sha256"] = requestHashes.joined(separator: ",")
        meta["training.qrels_sha256"] = qrelsHashes.joined(separator: ",")
        meta["training.request_count"] = String(groups.count)
        meta["training.rows"] = String(rows)
        meta["training.method"] = trainer.method(learningFrom: "", rounds: cv.rounds)
        if let startedFrom, let trees = trainer.start?.trees {
            meta["training.warm_start"] = "\(cv.rounds) rounds added to the \(trees) trees of \(startedFrom)"
        }
        if !hidden.isEmpty { meta["training.hidden_features"] = ablateGroups.joined(separator: ",") }
        meta["cv.folds"] = String(folds)
        meta["cv.rounds"] = String(cv.rounds)
        meta["cv.ndcg@10.test"] = fmt(c.meanB)
        meta["cv.ndcg@10.test.first_phase"] = fmt(c.meanA)
        meta.merge(c.metadata("cv")) { $1 }
        model.metadata = meta
        try model.write(to: outURL)
        // Read back what was written: the same checks as every --model load.
        _ = try RankingModel.load(from: outURL)
        if json {
            print("{\"model\": \(EvalOutput.string(outURL.path)), \"trees\": \(EvalOutput.string(treesURL.path)), \"rounds\": \(cv.rounds), \"cv_test_ndcg@10\": \(EvalOutput.number(c.meanB)), \"cv_first_phase_ndcg@10\": \(EvalOutput.number(c.meanA)), \"t_test_p\": \(EvalOutput.number(c.tTestP)), \"randomisation_p\": \(EvalOutput.number(c.randomisationP)), \"requests\": \(groups.count)}")
        } else {
            print("rounds  held-out NDCG@10")
            for (r, m) in cv.byRounds where r % 50 == 0 || r == cv.rounds { print(String(format: "%6d  %.4f%@", r, m, r == cv.rounds ? "  <- chosen" : "")) }
            print(String(format: "held-out NDCG@10 (%d-fold, %d requests): trees %.4f vs first phase %.4f (%+.4f); paired t-test p %@, randomisation p %@; W/T/L %d/%d/%d",
                         folds, groups.count, c.meanB, c.meanA, c.meanDifference, EvalOutput.formatP(c.tTestP),
                         EvalOutput.formatP(c.randomisationP), c.wins, c.ties, c.losses))
            print("wrote \(outURL.path) and \(treesURL.path) (\(trainer.treeCount(rounds: cv.rounds)), \(candidates) candidates) in \(clock.duration(to: .now))")
        }
    }

    /// The starting model's trees for --warm-start and the model's path; nil when the starting model has
    /// none (the built-in defaults, a linear model).
    func startingTrees() throws -> (start: (json: Data, trees: Int), path: String)? {
        let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
        guard let path = global.rankingModelPath(modelsDirectory: modelsDirectory),
              let start = try TreeTrainer.start(from: RankingModel.load(from: URL(fileURLWithPath: path)), at: path) else { return nil }
        return (start, path)
    }
}
