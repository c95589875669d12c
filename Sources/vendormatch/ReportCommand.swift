import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking
import VendorMatchServer

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Writes a static HTML evaluation report with inline SVG charts.",
        discussion: """
        Ranks every request with the model (--model or Models/ranking-model.json), the engine's baselines
        (random, popularity, lexical) and any --extra-model / --baseline-run, then charts NDCG@k for k = 1…20,
        metrics by request segment, an ablation with each component off, and a significance table.

        With --outcomes: the online evaluation, from the shortlists `serve` logged and the outcomes recorded
        for them, per model version and ISO week: shortlists served, those with outcomes, the share of those
        where the buyer shortlisted (grade ≥ 1) or chose (grade 2) a vendor it was shown, and NDCG@10 of the
        served order against the recorded grades (over shortlists with a shortlisted or chosen vendor).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The HTML file to write.")
    var out: String?

    @Option(help: "Requests (JSON Lines).")
    var requests: String?

    @Option(help: "TREC qrels for the requests.")
    var qrels: String?

    @Flag(help: "Instead: the online evaluation from the database's shortlist log and recorded outcomes, per model version and week.")
    var outcomes = false

    @Flag(help: "With --outcomes: JSON instead of a table.")
    var json = false

    @Option(help: "Catalogue as JSON Lines files in this directory (instead of the --db database).")
    var data: String?

    @Option(name: .customLong("extra-model"), help: "Another model to chart and test against the model: NAME=FILE (repeatable).")
    var extraModels: [String] = []

    @Option(name: .customLong("baseline-run"), help: "A baseline given as a TREC run: NAME=FILE (repeatable).")
    var baselineRuns: [String] = []

    @Flag(name: .customLong("no-computed-baselines"), help: "Leave out the engine's random, popularity and lexical baselines.")
    var noComputedBaselines = false

    @Flag(name: .customLong("no-ablation"), help: "Leave out the ablation.")
    var noAblation = false

    @Option(help: "A title line for the report.")
    var title: String = "VendorMatch offline evaluation"

    @Option(help: "Sign permutations of the randomisation test.")
    var permutations: Int = 10_000

    @Option(help: "Seed of the randomisation test.")
    var seed: UInt64 = 0x5EED

    func run() async throws {
        do { try execute() } catch { EvalOutput.fail(error) }
    }

    func execute() throws {
        if outcomes {
            let rows = try OutcomeReport.compute(store: try global.openStore())
            print(json ? OutcomeReport.json(rows) : OutcomeReport.table(rows))
            return
        }
        guard let out, let requests, let qrels else {
            throw VMError(.invalidInput, "report needs --out, --requests and --qrels (or --outcomes)", field: out == nil ? "out" : requests == nil ? "requests" : "qrels")
        }
        let depth = 20
        let keys = MetricKey.all(cutoffs: Array(1...depth))
        let ndcg10 = MetricKey(.ndcg, 10)
        let judgements = try Qrels.load(URL(fileURLWithPath: qrels))
        let ranking = try EvalRanking.make(global: global, data: data, depth: depth)
        let requestList = try EvalInputs.requests(requests, taxonomy: ranking.taxonomy)
        let requestSet = Set(requestList.map(\.id))
        let model = ranking.engine.model
        func evaluate(_ run: Run) -> EvaluationResult {
            Evaluator.evaluate(run: run, qrels: judgements, keys: keys, requestSet: requestSet)
        }
        func pair(_ text: String, _ flag: String) throws -> (String, String) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw VMError(.invalidInput, "\(flag) expects NAME=FILE, got `\(text)`", field: flag)
            }
            return (parts[0], parts[1])
        }

        let modelName = "model" + (global.model.map { " (\(URL(fileURLWithPath: $0).lastPathComponent))" } ?? "")
        var systems: [(name: String, result: EvaluationResult)] = []
        let main = evaluate(try ranking.run(requestList, model: model, tag: "model"))
        systems.append((modelName, main))
        for spec in extraModels {
            let (name, file) = try pair(spec, "--extra-model")
            systems.append((name, evaluate(try ranking.run(requestList, model: try RankingModel.load(from: URL(fileURLWithPath: file)), tag: name))))
        }
        let extraCount = systems.count - 1
        ranking.engine.replaceModel(model)
        if !noComputedBaselines {
            for b in Baseline.allCases {
                systems.append(("\(b.rawValue) baseline", evaluate(try ranking.baseline(b, requestList))))
            }
        }
        for text in baselineRuns {
            let (name, file) = try pair(text, "--baseline-run")
            systems.append((name, evaluate(try Run.load(URL(fileURLWithPath: file)))))
        }
        for line in EvalOutput.accounting(main) { EvalOutput.note(line) }

        let colors = systems.indices.map { HTMLReport.palette[$0 % HTMLReport.palette.count] }
        let curves = systems.enumerated().map { i, s in
            HTMLReport.Curve(name: s.name, values: (1...depth).map { s.result.mean(MetricKey(.ndcg, $0)) }, color: colors[i])
        }
        let summaryKeys = [MetricKey(.ndcg, 5), ndcg10, MetricKey(.ndcg, 20), MetricKey(.map, 10), MetricKey(.mrr, 10),
                           MetricKey(.recall, 10), MetricKey(.p, 10)]
        let summary = systems.map { s in (system: s.name, values: summaryKeys.map { ($0.description, s.result.mean($0)) }) }

        var significance: [HTMLReport.SignificanceRow] = []
        for other in systems.dropFirst() {
            for key in [ndcg10, MetricKey(.mrr, 10)] {
                let c = Comparison.compare(other.result, main, keys: [key], permutations: permutations, seed: seed)[0].1
                significance.append(.init(a: other.name, b: modelName, metric: key.description, comparison: c))
            }
        }

        var ablationChart: HTMLReport.BarChart?
        if !noAblation {
            var rows = [HTMLReport.BarRow(label: "full model", values: [main.mean(ndcg10)])]
            for feature in RankingModel.featureNames where model.weight(feature) != 0 {
                var m = model
                m.weights[feature] = 0
                let r = evaluate(try ranking.run(requestList, model: m, tag: "no-\(feature)"))
                let c = Comparison.compare(main, r, keys: [ndcg10], permutations: permutations, seed: seed)[0].1
                rows.append(.init(label: "without \(feature)", note: String(format: "change %+.4f (t-test p %@)", abs(c.meanDifference) < 5e-5 ? 0.0 : c.meanDifference, EvalOutput.formatP(c.tTestP)),
                                  values: [r.mean(ndcg10)]))
                significance.append(.init(a: modelName, b: "without \(feature)", metric: ndcg10.description, comparison: c))
            }
            ablationChart = .init(title: "Ablation: NDCG@10 with each component's weight set to 0", series: [modelName], rows: rows, colors: [colors[0]])
            ranking.engine.replaceModel(model)
        }

        // Segments: the model against the best other system by NDCG@10.
        let labels = ranking.labels(requestList, qrels: judgements)
        let bestIndex = systems.indices.dropFirst(extraCount + 1).max { systems[$0].result.mean(ndcg10) < systems[$1].result.mean(ndcg10) }
        var compared = [systems[0]]
        var comparedColors = [colors[0]]
        if let bestIndex { compared.append(systems[bestIndex]); comparedColors.append(colors[bestIndex]) }
        let summaries = compared.map { Segmentation.summarize($0.result, labels: labels) }
        var charts: [HTMLReport.BarChart] = []
        for dimension in Array(Set(summaries[0].map(\.dimension))).sorted() {
            let rows = summaries[0].filter { $0.dimension == dimension }.map { s in
                HTMLReport.BarRow(label: "\(s.value) (n=\(s.requests))", values: summaries.map { list in
                    list.first { $0.dimension == dimension && $0.value == s.value }?.means[ndcg10] ?? 0
                })
            }
            charts.append(.init(title: "NDCG@10 by \(dimension)", series: compared.map(\.name), rows: rows, colors: comparedColors))
        }

        let notes = [
            "\(main.requests.count) requests evaluated from \(requests), \(main.skippedNoRelevant.count) skipped (no relevant vendor in \(qrels)); catalogue: \(data ?? global.db ?? "default database").",
            "Metrics as trec_eval (ndcg_cut with linear gain, map_cut, recall, P at k; MRR@k = 1/rank of the first relevant vendor within k). Every request ranked \(depth) deep.",
            "Model: " + (global.model ?? "Models/ranking-model.json") + "; " + (model.metadata["source"] ?? "") + (model.metadata["cv.ndcg@10.test"].map { "; cross-validated NDCG@10 \($0)" } ?? ""),
        ]
        let report = HTMLReport(title: title, notes: notes, curves: curves, summary: summary, segmentCharts: charts,
                                ablation: ablationChart, significance: significance)
        try EvalOutput.write(report.render(), to: out)
        print("wrote \(out): \(systems.count) systems, \(charts.count) segment charts, \(significance.count) significance rows")
    }
}
