import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchDemo

struct DemoDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Writes a deterministic synthetic market: vendors, case studies, referrals, requests and qrels.",
        discussion: """
        Files written to --out: vendors.jsonl, case_studies.jsonl, referrals.jsonl (import them with
        `vendormatch import`), requests.jsonl and qrels.txt (for `vendormatch eval` / `train`).
        The same --seed always gives byte-identical files; use another seed for held-out evaluation.
        How the market and the buyers' choices are simulated: Docs/demo-market.md.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Output directory (created if missing; existing files are overwritten).")
    var out: String

    @Option(name: .long, help: "Number of vendors.")
    var vendors: Int = DemoMarket.defaultVendors

    @Option(name: .long, help: "Number of buyer requests (with their qrels).")
    var requests: Int = DemoMarket.defaultRequests

    @Option(name: .long, help: "Random seed (any unsigned 64-bit integer).")
    var seed: UInt64 = DemoMarket.defaultSeed

    @Option(name: .long, help: "How the market's buyers weigh a vendor, relative to the standard buyer: name=value pairs from work, industry, size, trust, quality (e.g. \"trust=3,quality=2\"). The catalogue is the same for every taste; only the buyers' choices (qrels) change.")
    var taste: String = ""

    @Option(name: .long, help: "How requests word their needs: shared (the same phrases as the case studies, many shared words) or paraphrased (other phrases for the same work, as buyers and vendors write in practice; the lexical channel's hard case).")
    var wording: NeedWording = .shared

    func run() async throws {
        do {
            guard (0...10_000_000).contains(vendors) else {
                throw VMError(.invalidInput, "--vendors must be between 0 and 10000000, got \(vendors)", field: "vendors")
            }
            guard (0...1_000_000).contains(requests) else {
                throw VMError(.invalidInput, "--requests must be between 0 and 1000000, got \(requests)", field: "requests")
            }
            let taxonomy = try global.taxonomy()
            let started = Date()
            let showProgress = vendors >= 20_000
            let summary = try DemoMarketWriter.write(
                to: URL(fileURLWithPath: out), vendors: vendors, seed: seed, requests: requests, taxonomy: taxonomy,
                taste: try BuyerTaste(parsing: taste), wording: wording,
                progress: showProgress ? { done in
                    FileHandle.standardError.write(Data("demo-data: \(done) of \(vendors) vendors\n".utf8))
                } : nil)
            let seconds = Date().timeIntervalSince(started)
            print("wrote \(summary.vendors) vendors, \(summary.caseStudies) case studies, \(summary.referrals) referrals, "
                + "\(summary.requests) requests, \(summary.qrels) qrels to \(out) (seed \(seed), \(String(format: "%.1f", seconds)) s)")
            if !summary.oracleRecall.isEmpty {
                print("an oracle ranking by the buyers' utility without its noise finds "
                    + summary.oracleRecall.map { String(format: "%.3f in its top %d", $0.recall, $0.depth) }.joined(separator: ", ")
                    + " of the judged vendors (oracle.tsv)")
            }
        } catch {
            exitWith(error)
        }
    }
}

extension NeedWording: ExpressibleByArgument {}
