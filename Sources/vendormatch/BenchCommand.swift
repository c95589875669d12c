import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchDemo
import VendorMatchRanking

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: shortlist latency on a generated demo market, next to a naive full scan.",
        discussion: """
        Generates a demo market in memory (`demo-data`'s generator), builds the ranking index, then
        answers the market's requests one at a time and reports p50/p99 latency, next to the naive full
        scan (same scores computed case by case, no index) on the same requests, and checks that both
        return the same vendors. Build with `swift build -c release` first; debug numbers mean little.
          vendormatch bench --vendors 10000
          vendormatch bench --vendors 100000 --requests 200 --naive-requests 10
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Vendors in the generated market (about 8 case studies each).") var vendors = 10_000
    @Option(help: "Requests answered by the engine.") var requests = 300
    @Option(help: "Requests answered by the naive scan (it is slow on large markets).") var naiveRequests = 30
    @Option(help: "Market seed.") var seed: UInt64 = 7
    @Option(help: "Times the engine answers every request (each pass is timed; more passes, steadier figures).")
    var passes = 1

    func run() async throws {
        do {
            let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
            let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
            let model = try global.rankingModel(modelsDirectory: modelsDirectory)
            let clock = ContinuousClock()
            var start = clock.now
            let market = DemoMarket.generate(vendors: vendors, seed: seed, requests: requests, taxonomy: taxonomy)
            let generated = clock.now - start
            let cases = market.catalogue.caseStudies.count
            printError("generated \(vendors) vendors, \(cases) case studies, \(market.catalogue.referrals.count) referrals in \(generated)")
            let rssBefore = Self.residentBytes()
            start = clock.now
            let engine = RankingEngine(taxonomy: taxonomy, model: model,
                                       analyzer: LexicalAnalyzer.load(modelsDirectory: modelsDirectory), catalogue: market.catalogue)
            let built = clock.now - start
            let rssAfter = Self.residentBytes()
            // Milliseconds of each shortlist over the market's requests, the first five left out (they warm caches).
            func timeShortlists(explain: Bool) throws -> [Double] {
                var out: [Double] = []
                for (i, q) in market.requests.enumerated() {
                    let t0 = clock.now
                    let list = try engine.shortlist(q, explain: explain)
                    let t1 = clock.now
                    if i >= 5 { out.append((t1 - t0).milliseconds) }
                    _ = list.vendors.count
                }
                return out
            }
            // With explanations (what `shortlist` prints) and without (what portals ask for by default).
            var latencies: [Double] = [], briefLatencies: [Double] = []
            for _ in 0..<max(1, passes) {
                latencies += try timeShortlists(explain: true)
                briefLatencies += try timeShortlists(explain: false)
            }
            // The first phase alone (the linear model without its second phase), on the same index and
            // requests: the baseline of the two-phase figures, and what the naive scan must match.
            var firstOnly = model
            let twoPhases = firstOnly.secondPhase != nil
            firstOnly.secondPhase = nil
            var firstLatencies: [Double] = [], featureLatencies: [Double] = [], treeLatencies: [Double] = []
            var retrieveLatencies: [Double] = [], walkLatencies: [Double] = []
            var tableLatencies: [Double] = [], recursionLatencies: [Double] = []
            if twoPhases, let phase = model.secondPhase, let ensemble = phase.ensemble {
                // The stages apart: first phase to `candidates` with their features, then the trees alone.
                for (i, q) in market.requests.enumerated() {
                    let r0 = clock.now
                    let retrieved = try engine.features(for: q, limit: max(q.k, phase.candidates))
                    if i >= 5 { retrieveLatencies.append((clock.now - r0).milliseconds) }
                    _ = retrieved.count
                    let t0 = clock.now
                    let (_, rows) = try engine.featureRows(for: q, limit: max(q.k, phase.candidates))
                    let t1 = clock.now
                    let scores = ensemble.predict(matrix: rows, columns: Feature.allCases.count)
                    let t2 = clock.now
                    // The same rows by the node walk (copied first, so neither reads the other's cache-warm input).
                    let copy = rows.map { $0 }
                    let t3 = clock.now
                    let walked = ensemble.predictByWalking(matrix: copy, columns: Feature.allCases.count)
                    let t4 = clock.now
                    if walked != scores { throw VMError(.internalError, "the batch kernel and the node walk disagree on request \(q.id)") }
                    // Exact contributions of the best 10 rows (what an explained shortlist computes): the
                    // per-leaf tables (all rows together, as serving does), then the recursion row by row, each on its own copy of the rows.
                    let shown = Array(rows.prefix(10 * Feature.allCases.count)), shownCopy = shown.map { $0 }
                    let columns = Feature.allCases.count
                    let t5 = clock.now
                    var fast = 0.0, slow = 0.0
                    shown.withUnsafeBufferPointer { m in
                        for phi in ensemble.contributions(matrix: m, rows: m.count / columns) { fast += phi[0] }
                    }
                    let t6 = clock.now
                    shownCopy.withUnsafeBufferPointer { m in
                        for r in 0..<(m.count / columns) { slow += ensemble.recursiveContributions(UnsafeBufferPointer(rebasing: m[(r * columns)..<((r + 1) * columns)]))[0] }
                    }
                    let t7 = clock.now
                    if abs(fast - slow) > 1e-6 { throw VMError(.internalError, "the contribution tables and the recursion disagree on request \(q.id)") }
                    if i >= 5 {
                        featureLatencies.append((t1 - t0).milliseconds); treeLatencies.append((t2 - t1).milliseconds); walkLatencies.append((t4 - t3).milliseconds)
                        tableLatencies.append((t6 - t5).milliseconds); recursionLatencies.append((t7 - t6).milliseconds)
                    }
                }
                let r0 = clock.now
                engine.replaceModel(firstOnly)
                // What a SIGHUP or a promotion costs at this size (the trust tallies are recomputed).
                printError("model replaced in \(clock.now - r0)")
                for _ in 0..<max(1, passes) { firstLatencies += try timeShortlists(explain: false) }
            }
            let naive = naiveRequests > 0 ? NaiveScan(engine: engine) : nil
            var naiveLatencies: [Double] = []
            var mismatches = 0
            for q in market.requests.prefix(naiveRequests) {
                let t0 = clock.now
                guard let naive else { break }
                let ranked = naive.shortlist(q)
                naiveLatencies.append((clock.now - t0).milliseconds)
                let fast = try engine.shortlist(q).vendors.map(\.vendorID)
                if fast != ranked.map(\.vendorID) { mismatches += 1 }
            }
            // Service types read from the need, on requests that name none, against the true need.
            var read = 0, top1 = 0, top3 = 0
            for q in market.requests where q.serviceTypes.isEmpty {
                guard let truth = market.requestNeeds[q.id] else { continue }
                let inferred = try engine.shortlist(q).inferredServiceTypes.map(\.code)
                read += 1
                if inferred.first == truth { top1 += 1 }
                if inferred.prefix(3).contains(truth) { top3 += 1 }
            }
            // And on held-out case studies (another market's), against their labelled service types.
            let heldOut = DemoMarket.generate(vendors: 300, seed: seed &+ 1000, requests: 0, taxonomy: taxonomy)
                .catalogue.caseStudies.filter { $0.need != nil }.prefix(500)
            var caseTop1 = 0, caseTop3 = 0
            for (i, c) in heldOut.enumerated() {
                let inferred = try engine.shortlist(BuyerRequest(id: "held-out-\(i)", need: c.need, k: 1), explain: false)
                    .inferredServiceTypes.map(\.code)
                let labels = Set(c.serviceTypes)
                if let first = inferred.first, labels.contains(first) { caseTop1 += 1 }
                if inferred.prefix(3).contains(where: labels.contains) { caseTop3 += 1 }
            }
            let e = Self.summary(latencies), b = Self.summary(briefLatencies), n = Self.summary(naiveLatencies)
            print("market: \(vendors) vendors, \(cases) case studies (seed \(seed)); index built in \(built)")
            print(String(format: "memory: %.0f MiB resident for the index, %.0f bytes per case study (RSS delta)",
                         Double(rssAfter - rssBefore) / 1_048_576, Double(rssAfter - rssBefore) / Double(max(cases, 1))))
            print("| ranker | requests | p50 ms | p99 ms | mean ms |")
            print("|---|---:|---:|---:|---:|")
            print(String(format: "| engine (index)%@ | %d | %.3f | %.3f | %.3f |", twoPhases ? ", both phases" : "", latencies.count, e.p50, e.p99, e.mean))
            print(String(format: "| engine%@, explain off | %d | %.3f | %.3f | %.3f |", twoPhases ? ", both phases" : "", briefLatencies.count, b.p50, b.p99, b.mean))
            if twoPhases {
                let f = Self.summary(firstLatencies)
                print(String(format: "| first phase alone, explain off | %d | %.3f | %.3f | %.3f |", firstLatencies.count, f.p50, f.p99, f.mean))
                let fe = Self.summary(featureLatencies), tr = Self.summary(treeLatencies), re = Self.summary(retrieveLatencies)
                print(String(format: "| first phase to %d candidates | %d | %.3f | %.3f | %.3f |", model.secondPhase?.candidates ?? 0,
                             retrieveLatencies.count, re.p50, re.p99, re.mean))
                print(String(format: "| first phase to %d candidates + their features | %d | %.3f | %.3f | %.3f |", model.secondPhase?.candidates ?? 0,
                             featureLatencies.count, fe.p50, fe.p99, fe.mean))
                print(String(format: "| trees alone on those candidates | %d | %.3f | %.3f | %.3f |", treeLatencies.count, tr.p50, tr.p99, tr.mean))
                let wa = Self.summary(walkLatencies)
                print(String(format: "| the same trees by walking their nodes (before the batch kernel) | %d | %.3f | %.3f | %.3f |", walkLatencies.count,
                             wa.p50, wa.p99, wa.mean))
                let ta = Self.summary(tableLatencies), rc = Self.summary(recursionLatencies)
                print(String(format: "| exact contributions of the best 10, per-leaf tables | %d | %.3f | %.3f | %.3f |", tableLatencies.count,
                             ta.p50, ta.p99, ta.mean))
                print(String(format: "| the same by TreeSHAP's recursion (before the tables) | %d | %.3f | %.3f | %.3f |", recursionLatencies.count,
                             rc.p50, rc.p99, rc.mean))
                print(String(format: "second phase (%d candidates, %d trees): %.3f ms more per request on average (explain off, both phases minus the first alone)",
                             model.secondPhase?.candidates ?? 0, model.secondPhase?.ensemble?.treeCount ?? 0, b.mean - f.mean))
            }
            print(String(format: "| naive full scan (first phase) | %d | %.3f | %.3f | %.3f |", naiveLatencies.count, n.p50, n.p99, n.mean))
            print(String(format: "engine speed-up over the naive scan: %.1f× at p50", n.p50 / max(e.p50, 1e-9)))
            print("same top-k as the naive scan: \(naiveLatencies.count - mismatches) of \(naiveLatencies.count) requests")
            if read > 0 {
                print(String(format: "service type read from the need (%d requests naming none): top-1 %.3f, top-3 %.3f",
                             read, Double(top1) / Double(read), Double(top3) / Double(read)))
            }
            if !heldOut.isEmpty {
                print(String(format: "service type read from the need of %d held-out case studies (seed %llu): top-1 %.3f, top-3 %.3f",
                             heldOut.count, seed &+ 1000, Double(caseTop1) / Double(heldOut.count), Double(caseTop3) / Double(heldOut.count)))
            }
            if mismatches > 0 { throw ExitCode(1) }
        } catch let e as ExitCode {
            throw e
        } catch {
            exitWith(error)
        }
    }

    static func summary(_ xs: [Double]) -> (p50: Double, p99: Double, mean: Double) {
        guard !xs.isEmpty else { return (0, 0, 0) }
        let s = xs.sorted()
        func q(_ p: Double) -> Double { s[min(s.count - 1, Int((p * Double(s.count - 1)).rounded()))] }
        return (q(0.5), q(0.99), s.reduce(0, +) / Double(s.count))
    }

    /// Resident set size from /proc (Linux); 0 elsewhere.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
