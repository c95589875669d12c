import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking
import VendorMatchServer
import VendorMatchStore

/// The online evaluation of `report --outcomes`: what the served shortlists earned, per model version and
/// ISO week of serving.
enum OutcomeReport {
    struct Row: Equatable {
        var modelVersion: String
        var week: String
        /// Shortlists served (and still in the log).
        var served = 0
        /// Of those, shortlists with at least one recorded outcome.
        var withOutcomes = 0
        /// Outcomes recorded for them.
        var outcomes = 0
        /// Shortlists with outcomes where the buyer shortlisted (grade ≥ 1) / chose (grade 2) a vendor it was shown.
        var shortlisted = 0
        var chosen = 0
        /// NDCG@10 of the served order, summed over shortlists with a shortlisted or chosen vendor, and their number.
        var ndcgSum = 0.0
        var judged = 0

        var shortlistedRate: Double? { withOutcomes > 0 ? Double(shortlisted) / Double(withOutcomes) : nil }
        var chosenRate: Double? { withOutcomes > 0 ? Double(chosen) / Double(withOutcomes) : nil }
        var ndcg: Double? { judged > 0 ? ndcgSum / Double(judged) : nil }
    }

    static func week(_ date: Date) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
    }

    static func compute(store: CatalogueStore) throws -> [Row] {
        let grades = try store.outcomeGrades()
        let key = MetricKey(.ndcg, 10)
        var rows: [String: Row] = [:]
        try store.forEachLoggedShortlist(matrices: false, columns: Feature.allCases.count) { s in
            let w = week(s.servedAt)
            var row = rows["\(s.modelVersion)\u{0}\(w)"] ?? Row(modelVersion: s.modelVersion, week: w)
            row.served += 1
            if let g = grades[s.requestID], !g.isEmpty {
                let shown = Array(s.vendorIDs.prefix(s.k))
                row.withOutcomes += 1
                row.outcomes += g.count
                if shown.contains(where: { (g[$0] ?? 0) >= 1 }) { row.shortlisted += 1 }
                if shown.contains(where: { (g[$0] ?? 0) >= 2 }) { row.chosen += 1 }
                if g.values.contains(where: { $0 > 0 }) {
                    row.ndcgSum += RankingMetrics.compute(ranking: shown, grades: g, keys: [key])[key] ?? 0
                    row.judged += 1
                }
            }
            rows["\(s.modelVersion)\u{0}\(w)"] = row
        }
        return rows.values.sorted { ($0.week, $0.modelVersion) < ($1.week, $1.modelVersion) }
    }

    static func table(_ rows: [Row]) -> String {
        guard !rows.isEmpty else { return "no logged shortlists (serve logs every shortlist it answers; see `serve --help`)" }
        func rate(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        let width = max(13, rows.map(\.modelVersion.count).max() ?? 0)
        var out = ["week      " + "model version".padding(toLength: width + 2, withPad: " ", startingAt: 0)
            + "   served  w/outcomes  outcomes  shortlisted  chosen  NDCG@10"]
        for r in rows {
            out.append(r.week + "  " + r.modelVersion.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + [(String(r.served), 8), (String(r.withOutcomes), 12), (String(r.outcomes), 10), (rate(r.shortlistedRate), 13),
                   (rate(r.chosenRate), 8), (rate(r.ndcg), 9)].map { String(repeating: " ", count: max(0, $0.1 - $0.0.count)) + $0.0 }.joined())
        }
        return out.joined(separator: "\n")
    }

    static func json(_ rows: [Row]) -> String {
        func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
        return JSONValue.array(rows.map { r in
            .object([
                ("model_version", .string(r.modelVersion)), ("week", .string(r.week)), ("served", .number(Double(r.served))),
                ("with_outcomes", .number(Double(r.withOutcomes))), ("outcomes", .number(Double(r.outcomes))),
                ("shortlisted_rate", number(r.shortlistedRate)), ("chosen_rate", number(r.chosenRate)),
                ("ndcg@10", number(r.ndcg)), ("ndcg_requests", .number(Double(r.judged))),
            ])
        }).serialized()
    }
}

extension OutcomeReport.Row {
    /// The row as the console's overview shows it.
    var consoleRow: ConsoleInsights.OnlineEvaluationRow {
        .init(modelVersion: modelVersion, week: week, served: served, withOutcomes: withOutcomes, outcomes: outcomes,
              shortlistedRate: shortlistedRate, chosenRate: chosenRate, ndcg10: ndcg)
    }
}
