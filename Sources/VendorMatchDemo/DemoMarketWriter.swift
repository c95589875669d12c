import Foundation
import VendorMatchCore

/// Writes a demo market as the contract's files, streaming: records are serialised as they are
/// generated, so a 100k-vendor market never sits in memory as records.
public enum DemoMarketWriter {
    /// What was written.
    public struct Summary: Sendable, Equatable {
        public var vendors = 0
        public var caseStudies = 0
        public var referrals = 0
        public var requests = 0
        public var qrels = 0
        /// Share of the judged vendors within the noise-free oracle's top `n` (`DemoQrel.oracleRank`), by `n`.
        public var oracleRecall: [(depth: Int, recall: Double)] = []

        public static func == (a: Summary, b: Summary) -> Bool {
            (a.vendors, a.caseStudies, a.referrals, a.requests, a.qrels) == (b.vendors, b.caseStudies, b.referrals, b.requests, b.qrels)
                && a.oracleRecall.elementsEqual(b.oracleRecall) { $0 == $1 }
        }
    }

    public static let fileNames = ["vendors.jsonl", "case_studies.jsonl", "referrals.jsonl", "requests.jsonl", "qrels.txt", "oracle.tsv"]

    /// Writes `vendors.jsonl`, `case_studies.jsonl`, `referrals.jsonl`, `requests.jsonl`, `qrels.txt` and
    /// `oracle.tsv` (each judged vendor's rank by the buyer's noise-free utility) into `directory` (created if needed). `progress` is called now and then with the vendors done.
    public static func write(
        to directory: URL, vendors: Int = DemoMarket.defaultVendors, seed: UInt64 = DemoMarket.defaultSeed,
        requests: Int = DemoMarket.defaultRequests, taxonomy: Taxonomy, taste: BuyerTaste = .standard,
        wording: NeedWording = .shared, progress: ((Int) -> Void)? = nil
    ) throws(VMError) -> Summary {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw VMError(.io, "cannot create directory \(directory.path): \(error.localizedDescription)")
        }
        var summary = Summary()
        do {
            let vendorFile = try LineFile(directory.appendingPathComponent("vendors.jsonl"))
            let caseFile = try LineFile(directory.appendingPathComponent("case_studies.jsonl"))
            let referralFile = try LineFile(directory.appendingPathComponent("referrals.jsonl"))
            let generator = MarketGenerator(taxonomy: taxonomy, vendors: vendors, requests: requests, seed: seed, taste: taste,
                                            wording: wording)
            let result = try generator.run(
                vendor: { v in
                    try vendorFile.append(RecordCodec.json(v))
                    summary.vendors += 1
                    if summary.vendors % 10_000 == 0 { progress?(summary.vendors) }
                },
                caseStudy: { c in try caseFile.append(RecordCodec.json(c)); summary.caseStudies += 1 },
                referral: { r in try referralFile.append(RecordCodec.json(r)); summary.referrals += 1 })
            try vendorFile.close(); try caseFile.close(); try referralFile.close()

            let requestFile = try LineFile(directory.appendingPathComponent("requests.jsonl"))
            for q in result.requests { try requestFile.append(RecordCodec.json(q)) }
            try requestFile.close()
            let qrelFile = try LineFile(directory.appendingPathComponent("qrels.txt"))
            for q in result.qrels { try qrelFile.append(q.trecLine) }
            try qrelFile.close()
            let oracleFile = try LineFile(directory.appendingPathComponent("oracle.tsv"))
            try oracleFile.append("request_id\tvendor_id\tgrade\toracle_rank\tcandidates")
            for q in result.qrels { try oracleFile.append("\(q.requestID)\t\(q.vendorID)\t\(q.grade)\t\(q.oracleRank)\t\(q.candidates)") }
            try oracleFile.close()
            if !result.qrels.isEmpty {
                summary.oracleRecall = [10, 100, 300, 1000].map { n in
                    (n, Double(result.qrels.filter { $0.oracleRank <= n }.count) / Double(result.qrels.count))
                }
            }
            summary.requests = result.requests.count
            summary.qrels = result.qrels.count
        } catch let e as VMError {
            throw e
        } catch {
            throw VMError(.io, "cannot write the demo market to \(directory.path): \(error)")
        }
        return summary
    }
}

/// A buffered, truncating line writer.
final class LineFile {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []

    init(_ url: URL) throws(VMError) {
        path = url.path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw VMError(.io, "cannot create \(path)")
        }
        handle = h
        buffer.reserveCapacity(1 << 20)
    }

    func append(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// One record as a compact JSON line (the text of `JSONValue.serialized()`).
    func append(_ json: JSONValue) throws {
        JSONBytes.append(json, to: &buffer)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
