import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Scores rankings against relevance judgements with trec_eval's metrics (NDCG, MAP, MRR, Recall, P at k).",
        discussion: """
        Modes:
          eval --requests F --qrels F        rank every request with the engine and score the shortlists
          eval --run RUN --qrels F           score a TREC run file
          eval --compare RUN_A RUN_B --qrels F          paired comparison of two runs
          eval --requests F --compare-model A.json B.json --qrels F   the same for two models
        Conventions (trec_eval): a run is ordered by score (single precision) descending, ties by vendor id
        descending; grade ≥ 1 is relevant; requests with no relevant vendor are skipped and counted; a judged
        request that gets no results scores 0. With --requests, qrels of other requests are reported and skipped.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "TREC qrels: `request_id 0 vendor_id grade` per line.")
    var qrels: String

    @Option(help: "Requests (JSON Lines) to rank with the engine; with --run, the request set.")
    var requests: String?

    @Option(help: "A TREC run file to score instead of ranking.")
    var run: String?

    @Option(parsing: .upToNextOption, help: "Compare two run files: RUN_A RUN_B.")
    var compare: [String] = []

    @Option(name: .customLong("compare-model"), parsing: .upToNextOption, help: "Compare two model files: A.json B.json.")
    var compareModel: [String] = []

    @Option(help: "Cut-offs, comma-separated.")
    var k: String = "10"

    @Option(name: .customLong("per-request"), help: "Write per-request metrics (tab-separated) to this file.")
    var perRequest: String?

    @Option(name: .customLong("run-out"), help: "Write the engine's ranking as a TREC run file.")
    var runOut: String?

    @Option(help: "Catalogue as JSON Lines files in this directory (instead of the --db database).")
    var data: String?

    @Flag(help: "Rerun with each scoring component switched off and report the drop.")
    var ablate = false

    @Flag(help: "Metrics by request segment (sector, size band, service category, …).")
    var segments = false

    @Flag(help: "Machine-readable output.")
    var json = false

    @Option(help: "Sign permutations of the randomisation test.")
    var permutations: Int = 10_000

    @Option(help: "Seed of the randomisation test.")
    var seed: UInt64 = 0x5EED

    func run() async throws {
        do {
            try execute()
        } catch {
            EvalOutput.fail(error)
        }
    }

    func execute() throws {
        let keys = MetricKey.all(cutoffs: try EvalInputs.cutoffs(k))
        let judgements = try Qrels.load(URL(fileURLWithPath: qrels))
        guard permutations >= 1 else { throw VMError(.invalidInput, "--permutations must be at least 1", field: "permutations") }
        if !compare.isEmpty {
            guard compare.count == 2 else { throw VMError(.invalidInput, "--compare takes two run files", field: "compare") }
            let a = Evaluator.evaluate(run: try Run.load(URL(fileURLWithPath: compare[0])), qrels: judgements, keys: keys)
            let b = Evaluator.evaluate(run: try Run.load(URL(fileURLWithPath: compare[1])), qrels: judgements, keys: keys)
            printComparison(a, b, nameA: compare[0], nameB: compare[1], keys: keys)
            return
        }
        if let run {
            var requestSet: Set<String>?
            var requestList: [BuyerRequest] = []
            if let requests {
                requestList = try EvalInputs.requests(requests, taxonomy: try global.taxonomy())
                requestSet = Set(requestList.map(\.id))
            }
            let result = Evaluator.evaluate(run: try Run.load(URL(fileURLWithPath: run)), qrels: judgements, keys: keys,
                                            requestSet: requestSet)
            var segmentRows: [SegmentSummary] = []
            if segments {
                guard requests != nil else {
                    throw VMError(.invalidInput, "--segments with --run needs --requests F (the segments come from the requests)", field: "segments")
                }
                let ranking = try makeRanking(depth: keys.map(\.k).max()!)
                segmentRows = Segmentation.summarize(result, labels: ranking.labels(requestList, qrels: judgements))
            }
            try emit(result, segments: segmentRows, ablation: [])
            return
        }
        guard let requests else {
            throw VMError(.invalidInput, "give --requests F (rank with the engine), --run RUN or --compare RUN_A RUN_B")
        }
        let taxonomy = try global.taxonomy()
        let requestList = try EvalInputs.requests(requests, taxonomy: taxonomy)
        let requestSet = Set(requestList.map(\.id))
        let ranking = try makeRanking(depth: keys.map(\.k).max()!)
        if !compareModel.isEmpty {
            guard compareModel.count == 2 else { throw VMError(.invalidInput, "--compare-model takes two model files", field: "compare-model") }
            let models = try compareModel.map { try EvalInputs.model($0, models: nil) }
            let a = Evaluator.evaluate(run: try ranking.run(requestList, model: models[0], tag: "A"), qrels: judgements, keys: keys, requestSet: requestSet)
            let b = Evaluator.evaluate(run: try ranking.run(requestList, model: models[1], tag: "B"), qrels: judgements, keys: keys, requestSet: requestSet)
            printComparison(a, b, nameA: compareModel[0], nameB: compareModel[1], keys: keys)
            return
        }
        let model = ranking.engine.model
        let engineRun = try ranking.run(requestList, model: model, tag: "vendormatch")
        if let runOut { try EvalOutput.write(engineRun.formatted(), to: runOut) }
        let result = Evaluator.evaluate(run: engineRun, qrels: judgements, keys: keys, requestSet: requestSet)
        var ablation: [AblationRow] = []
        if ablate {
            for feature in RankingModel.featureNames {
                var m = model
                m.weights[feature] = 0
                let r = Evaluator.evaluate(run: try ranking.run(requestList, model: m, tag: "no-\(feature)"), qrels: judgements,
                                           keys: keys, requestSet: requestSet)
                ablation.append(AblationRow(component: feature, result: r,
                                            comparison: Comparison.compare(result, r, permutations: permutations, seed: seed)))
            }
        }
        let segmentRows = segments ? Segmentation.summarize(result, labels: ranking.labels(requestList, qrels: judgements)) : []
        try emit(result, segments: segmentRows, ablation: ablation)
    }

    struct AblationRow {
        var component: String
        var result: EvaluationResult
        /// Ablated (B) against the full model (A).
        var comparison: [(MetricKey, PairedComparison)]
    }

    func makeRanking(depth: Int) throws -> EvalRanking {
        try EvalRanking.make(global: global, data: data, depth: depth)
    }

    func emit(_ result: EvaluationResult, segments: [SegmentSummary], ablation: [AblationRow]) throws {
        if let perRequest { try EvalOutput.write(EvalOutput.perRequestTSV(result), to: perRequest) }
        for line in EvalOutput.accounting(result) { EvalOutput.note(line) }
        if json {
            var out = EvalOutput.summaryJSON(result)
            if !segments.isEmpty || !ablation.isEmpty {
                out.removeLast()
                if !segments.isEmpty {
                    out += ", \"segments\": [" + segments.map { s in
                        "{\"dimension\": \(EvalOutput.string(s.dimension)), \"value\": \(EvalOutput.string(s.value)), \"requests\": \(s.requests), \"metrics\": \(EvalOutput.metricsObject(result.keys) { s.means[$0] ?? 0 })}"
                    }.joined(separator: ", ") + "]"
                }
                if !ablation.isEmpty {
                    out += ", \"ablation\": {" + ablation.map { row in
                        "\(EvalOutput.string(row.component)): {\"metrics\": \(EvalOutput.metricsObject(result.keys) { row.result.mean($0) }), \"comparison\": \(EvalOutput.comparisonJSON(row.comparison))}"
                    }.joined(separator: ", ") + "}"
                }
                out += "}"
            }
            print(out)
            return
        }
        print(EvalOutput.table(result), terminator: "")
        print("requests \(result.requests.count), skipped \(result.skippedNoRelevant.count + result.unknownRequests.count)")
        if !segments.isEmpty {
            let key = result.keys.first { $0.metric == .ndcg && $0.k == 10 } ?? result.keys[0]
            print("\nsegments (\(key))")
            var dimension = ""
            for s in segments {
                if s.dimension != dimension { dimension = s.dimension; print("  \(dimension)") }
                print("    " + EvalOutput.pad(s.value, 24, left: true) + EvalOutput.pad("n=\(s.requests)", 8)
                      + EvalOutput.pad(String(format: "%.4f", s.means[key] ?? 0), 9))
            }
        }
        if !ablation.isEmpty {
            let key = result.keys.first { $0.metric == .ndcg && $0.k == 10 } ?? result.keys[0]
            print("\nablation (\(key); full model \(String(format: "%.4f", result.mean(key))))")
            for row in ablation {
                let c = row.comparison.first { $0.0 == key }!.1
                print("  without " + EvalOutput.pad(row.component, 10, left: true)
                      + String(format: "%.4f  drop %+.4f  t-test p %@  rand. p %@", c.meanB, abs(c.meanDifference) < 5e-5 ? 0.0 : -c.meanDifference,
                               EvalOutput.formatP(c.tTestP), EvalOutput.formatP(c.randomisationP)))
            }
        }
    }

    func printComparison(_ a: EvaluationResult, _ b: EvaluationResult, nameA: String, nameB: String, keys: [MetricKey]) {
        for line in EvalOutput.accounting(a) { EvalOutput.note("A: " + line) }
        for line in EvalOutput.accounting(b) { EvalOutput.note("B: " + line) }
        let rows = Comparison.compare(a, b, keys: keys, permutations: permutations, seed: seed)
        if json { print(EvalOutput.comparisonJSON(rows)) } else {
            print(EvalOutput.comparisonTable(rows, nameA: nameA, nameB: nameB), terminator: "")
        }
    }
}
