import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking

struct FeaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Lists the second phase's features: name, version, component and meaning.",
        discussion: """
        The same registry serves training and serving: a model file lists the name@version of every feature it
        was trained on, and a model whose list differs from this binary's is refused when loaded. The component is
        where a feature's contribution is shown in a shortlist's breakdown ("experience": split evenly over the
        dimensions the request gives).
        """
    )

    @Flag(help: "List the features (the default).")
    var list = false

    @Flag(help: "Machine-readable output.")
    var json = false

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("first-phase-dump"),
            help: "Write the first phase's six unweighted features (industry, size, need, service, trust, quality) of each request's best --limit candidates to this TSV file, for analysing candidate retrieval.")
    var firstPhaseDump: String?

    @Option(help: "Requests (JSON Lines) for --first-phase-dump.")
    var requests: String?

    @Option(help: "Candidates per request for --first-phase-dump (default: every candidate meeting the hard constraints).")
    var limit: Int = Int.max

    @Flag(name: .customLong("second-phase-score"), help: "With --first-phase-dump: add the second phase's score of each candidate (its trees over all 69 features).")
    var secondPhaseScore = false

    func run() async throws {
        if let firstPhaseDump { return try dump(to: firstPhaseDump) }
        if json {
            let rows = Feature.allCases.map { f in
                "{\"index\": \(f.rawValue), \"name\": \(EvalOutput.string(f.name)), \"version\": \(f.version), \"component\": \(EvalOutput.string(f.component?.rawValue ?? "experience")), \"meaning\": \(EvalOutput.string(f.meaning))}"
            }
            print("[" + rows.joined(separator: ",\n ") + "]")
            return
        }
        print("\(Feature.allCases.count) features (column, name@version, component, meaning):")
        for f in Feature.allCases {
            let name = "\(f.name)@\(f.version)"
            let component = f.component?.rawValue ?? "experience"
            print("\(String(f.rawValue).padding(toLength: 3, withPad: " ", startingAt: 0)) \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(component.padding(toLength: 10, withPad: " ", startingAt: 0)) \(f.meaning)")
        }
    }

    private func dump(to path: String) throws {
        guard let requests else { throw VMError(.invalidInput, "--first-phase-dump needs --requests", field: "requests") }
        guard limit >= 1 else { throw VMError(.invalidInput, "--limit must be at least 1", field: "limit") }
        let ranking = try EvalRanking.make(global: global, data: nil, depth: 10)
        let list = try EvalInputs.requests(requests, taxonomy: ranking.taxonomy)
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw VMError(.io, "cannot write \(path)")
        }
        defer { try? out.close() }
        let ensemble = ranking.engine.model.secondPhase?.ensemble
        if secondPhaseScore, ensemble == nil { throw VMError(.invalidInput, "--second-phase-score needs a model with a second phase", field: "model") }
        out.write(Data(("request_id\tvendor_id\trank\tindustry\tsize\tneed\tservice\ttrust\tquality" + (secondPhaseScore ? "\tsecond" : "") + "\n").utf8))
        for (n, r) in list.enumerated() {
            var text = ""
            let depth = min(limit, ranking.engine.counts.vendors)
            var second: [Double] = []
            if secondPhaseScore, let ensemble {
                let rows = try ranking.engine.featureRows(for: r, limit: depth)
                second = ensemble.predict(matrix: rows.matrix, columns: Feature.allCases.count)
            }
            for (rank, c) in try ranking.engine.features(for: r, limit: depth).enumerated() {
                text += "\(r.id)\t\(c.vendorID)\t\(rank + 1)"
                for v in c.values { text += "\t" + String(format: "%.5g", v) }
                if !second.isEmpty { text += "\t" + String(format: "%.6g", second[rank]) }
                text += "\n"
            }
            out.write(Data(text.utf8))
            if (n + 1) % 50 == 0 { EvalOutput.note("dumped \(n + 1) of \(list.count) requests") }
        }
    }
}
