import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking

/// Reading the inputs of `eval`, `train` and `report`: requests, catalogue, models.
enum EvalInputs {
    /// Requests from a JSON Lines file, validated; errors name file, line and field.
    static func requests(_ path: String, taxonomy: Taxonomy) throws -> [BuyerRequest] {
        let codec = RecordCodec(taxonomy: taxonomy)
        var out: [BuyerRequest] = []
        var seen: [String: Int] = [:]
        try forEachRecord(path) { line, json in
            do {
                let r = try codec.request(json)
                if let first = seen[r.id] {
                    throw RecordError(file: path, line: line, field: "id", reason: "request \(r.id) appears twice (first on line \(first))")
                }
                seen[r.id] = line
                out.append(r)
            } catch let e as FieldError {
                throw RecordError(file: path, line: line, field: e.field, reason: e.reason)
            }
        }
        return out
    }

    /// The catalogue from a directory of JSON Lines files (`vendors.jsonl`, `case_studies.jsonl`,
    /// `referrals.jsonl`; any subset).
    static func catalogue(directory: String, taxonomy: Taxonomy) throws -> Catalogue {
        let codec = RecordCodec(taxonomy: taxonomy)
        var c = Catalogue()
        let dir = URL(fileURLWithPath: directory)
        var found = false
        func each(_ name: String, _ body: (JSONValue) throws(FieldError) -> Void) throws {
            let path = dir.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else { return }
            found = true
            try forEachRecord(path) { line, json in
                do { try body(json) } catch let e as FieldError {
                    throw RecordError(file: path, line: line, field: e.field, reason: e.reason)
                }
            }
        }
        try each("vendors.jsonl") { (j: JSONValue) throws(FieldError) in c.vendors.append(try codec.vendor(j)) }
        try each("case_studies.jsonl") { (j: JSONValue) throws(FieldError) in c.caseStudies.append(try codec.caseStudy(j)) }
        try each("referrals.jsonl") { (j: JSONValue) throws(FieldError) in c.referrals.append(try codec.referral(j)) }
        guard found else {
            throw VMError(.invalidInput, "--data \(directory): no vendors.jsonl, case_studies.jsonl or referrals.jsonl there")
        }
        return c
    }

    static func forEachRecord(_ path: String, _ body: (Int, JSONValue) throws -> Void) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RecordError(file: path, line: 0, reason: "cannot read: \(error.localizedDescription)")
        }
        try data.withUnsafeBytes { raw in
            try JSONLines.forEachLine(in: raw, file: path, onError: { throw $0 }, body)
        }
    }

    /// The model named by a path, or the one in the models directory, or the built-in defaults.
    static func model(_ path: String?, models: URL?) throws -> RankingModel {
        if let path { return try RankingModel.load(from: URL(fileURLWithPath: path)) }
        if let models {
            let url = models.appendingPathComponent("ranking-model.json")
            if FileManager.default.fileExists(atPath: url.path) { return try RankingModel.load(from: url) }
        }
        return .defaults
    }

    /// Parses `1,5,10,20`.
    static func cutoffs(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [Int] = []
        for p in parts {
            guard let k = Int(p), (1...BuyerRequest.maxK).contains(k) else {
                throw VMError(.invalidInput, "--k: `\(p)` is not a cut-off between 1 and \(BuyerRequest.maxK)", field: "k")
            }
            if !out.contains(k) { out.append(k) }
        }
        guard !out.isEmpty else { throw VMError(.invalidInput, "--k: no cut-off given", field: "k") }
        return out.sorted()
    }
}
