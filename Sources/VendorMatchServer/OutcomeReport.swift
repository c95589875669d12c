import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchProto
import VendorMatchRanking
import VendorMatchStore

/// The online evaluation of `report --outcomes` and of Stats: what the served shortlists earned, per model
/// version and ISO week of serving.
public enum OutcomeReport {
    public struct Row: Equatable, Sendable {
        public var modelVersion: String
        public var week: String
        /// Shortlists served (and still in the log).
        public var served = 0
        /// Of those, shortlists with at least one recorded outcome.
        public var withOutcomes = 0
        /// Outcomes recorded for them.
        public var outcomes = 0
        /// Shortlists with outcomes where the buyer shortlisted (grade ≥ 1) / chose (grade 2) a vendor it was shown.
        public var shortlisted = 0
        public var chosen = 0
        /// NDCG@10 of the served order, summed over shortlists with a shortlisted or chosen vendor, and their number.
        public var ndcgSum = 0.0
        public var judged = 0

        public init(modelVersion: String, week: String, served: Int = 0, withOutcomes: Int = 0, outcomes: Int = 0,
                    shortlisted: Int = 0, chosen: Int = 0, ndcgSum: Double = 0, judged: Int = 0) {
            self.modelVersion = modelVersion; self.week = week; self.served = served; self.withOutcomes = withOutcomes
            self.outcomes = outcomes; self.shortlisted = shortlisted; self.chosen = chosen; self.ndcgSum = ndcgSum; self.judged = judged
        }

        public var shortlistedRate: Double? { withOutcomes > 0 ? Double(shortlisted) / Double(withOutcomes) : nil }
        public var chosenRate: Double? { withOutcomes > 0 ? Double(chosen) / Double(withOutcomes) : nil }
        public var ndcg: Double? { judged > 0 ? ndcgSum / Double(judged) : nil }
    }

    public static func week(_ date: Date) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
    }

    /// Every logged shortlist joined with its recorded outcomes; with `buyer`, only the shortlists that
    /// buyer organisation was served.
    public static func compute(store: any ShortlistLogStoring, buyer: String? = nil) throws -> [Row] {
        let grades = try store.outcomeGrades()
        let key = MetricKey(.ndcg, 10)
        var rows: [String: Row] = [:]
        try store.forEachLoggedShortlist(buyer: buyer, matrices: false, columns: Feature.allCases.count) { s in
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

    public static func table(_ rows: [Row]) -> String {
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

    public static func json(_ rows: [Row]) -> String {
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

extension Vendormatch_V1_OutcomeWeek {
    init(_ row: OutcomeReport.Row) {
        self.init()
        modelVersion = row.modelVersion
        week = row.week
        served = UInt64(row.served)
        withOutcomes = UInt64(row.withOutcomes)
        outcomes = UInt64(row.outcomes)
        shortlisted = UInt64(row.shortlisted)
        chosen = UInt64(row.chosen)
        if let ndcg = row.ndcg { ndcgAt10 = ndcg }
        judged = UInt64(row.judged)
    }
}

extension OutcomeReport.Row {
    /// A row as Stats reports it.
    public init(_ week: Vendormatch_V1_OutcomeWeek) {
        self.init(modelVersion: week.modelVersion, week: week.week, served: Int(week.served), withOutcomes: Int(week.withOutcomes),
                  outcomes: Int(week.outcomes), shortlisted: Int(week.shortlisted), chosen: Int(week.chosen),
                  ndcgSum: week.hasNdcgAt10 ? week.ndcgAt10 * Double(week.judged) : 0, judged: week.hasNdcgAt10 ? Int(week.judged) : 0)
    }
}
