import Foundation
import NIOHTTP1
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// `/overview`: catalogue counts, the model in use, request statistics, and the online evaluation from
/// recorded outcomes (shortlisted and chosen rates and NDCG@10 by model version and week) as an SVG chart.
extension Console {
    func overview(_ session: Session) async -> HTTPResponse {
        let stats: Vendormatch_V1_StatsResponse
        switch await rpc(.stats, Vendormatch_V1_StatsRequest(), key: session.key, as: Vendormatch_V1_StatsResponse.self) {
        case let .success(s): stats = s
        case let .failure(failure): return failurePage(failure, session: session, title: "Overview")
        }
        let health = try? await rpc(.health, Vendormatch_V1_HealthRequest(), key: session.key, as: Vendormatch_V1_HealthResponse.self).get()
        let insights = self.insights
        // The online evaluation comes with Stats, scoped to the caller's tenant by the router.
        let rows = stats.outcomeWeeks.map(OutcomeReport.Row.init)
        let model = insights.modelVersion()
        return page(title: "Overview", session: session) { html in
            html.raw("<h1>Overview</h1><ul class=\"pairs facts counts\">")
            for (label, n) in [("Vendors", stats.counts.vendors), ("Case studies", stats.counts.caseStudies),
                               ("Referrals", stats.counts.referrals), ("Recorded outcomes", stats.counts.outcomes)] {
                html.raw("<li><span class=\"k\">\(label)</span> <span class=\"v\">\(n)</span></li>")
            }
            html.raw("<li><span class=\"k\">Model in use</span> <span class=\"v\">\(h(model ?? "not reported"))</span></li>")
            if let health { html.raw("<li><span class=\"k\">Server</span> <span class=\"v\">\(h(health.status)) · version \(h(health.version)) · up \(health.uptimeMs / 1000) s</span></li>") }
            html.raw("</ul>")

            html.raw("<section aria-labelledby=\"online-h\"><h2 id=\"online-h\">Online evaluation</h2>")
            html.raw("<p class=\"muted\">From the shortlists this server logged and the outcomes recorded for them (<code>RecordOutcomes</code>), per model version and ISO week, as Stats reports them (with a tenant's key, that buyer's shortlists only); the same numbers as <code>vendormatch report --outcomes</code>.")
            if let report = insights.offlineReport {
                html.raw(" Latest offline evaluation report: <code>\(h(report))</code>.")
            }
            html.raw("</p>")
            if rows.isEmpty {
                html.raw("<p>No logged shortlists yet.</p>")
            } else {
                chart(&html, rows)
                html.raw("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Online evaluation table\"><table><caption>By model version and week</caption><thead><tr>")
                for c in ["week", "model version", "served", "with outcomes", "outcomes", "shortlisted rate", "chosen rate", "NDCG@10"] {
                    html.raw("<th scope=\"col\">\(c)</th>")
                }
                html.raw("</tr></thead><tbody>")
                func rate(_ x: Double?) -> String { x.map { fixed($0) } ?? "–" }
                for r in rows {
                    html.raw("<tr><td>\(h(r.week))</td><td>\(h(r.modelVersion))</td><td class=\"num\">\(r.served)</td><td class=\"num\">\(r.withOutcomes)</td><td class=\"num\">\(r.outcomes)</td><td class=\"num\">\(rate(r.shortlistedRate))</td><td class=\"num\">\(rate(r.chosenRate))</td><td class=\"num\">\(rate(r.ndcg))</td></tr>")
                }
                html.raw("</tbody></table></div>")
            }
            html.raw("</section><section aria-labelledby=\"req-h\"><h2 id=\"req-h\">Requests since start</h2>")
            html.raw("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"req-h\"><table><thead><tr><th scope=\"col\">method</th><th scope=\"col\">requests</th><th scope=\"col\">errors</th><th scope=\"col\">p50 µs</th><th scope=\"col\">p99 µs</th></tr></thead><tbody>")
            for m in stats.methods {
                html.raw("<tr><td>\(h(m.method))</td><td class=\"num\">\(m.requests)</td><td class=\"num\">\(m.errors)</td><td class=\"num\">\(fixed(m.p50Us, 0))</td><td class=\"num\">\(fixed(m.p99Us, 0))</td></tr>")
            }
            html.raw("</tbody></table></div><p class=\"muted\">\(stats.connectionsOpen) wire-protocol connections open, \(stats.connectionsTotal) since start.</p></section>")
        }
    }

    /// Lines over weeks: the three rates (0–1) of each model version; the table below holds the numbers.
    private func chart(_ html: inout HTML, _ rows: [OutcomeReport.Row]) {
        let weeks = Array(Set(rows.map(\.week))).sorted()
        let versions = Array(Set(rows.map(\.modelVersion))).sorted()
        let (width, height, left, right, top, bottom) = (640.0, 260.0, 40.0, 12.0, 12.0, 40.0)
        func x(_ week: String) -> Double {
            let i = Double(weeks.firstIndex(of: week) ?? 0)
            return weeks.count == 1 ? left + (width - left - right) / 2 : left + i * (width - left - right) / Double(weeks.count - 1)
        }
        func y(_ v: Double) -> Double { top + (1 - min(1, max(0, v))) * (height - top - bottom) }
        html.raw("<figure class=\"chart\"><svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">Shortlisted rate, chosen rate and NDCG@10 by week and model version</title>")
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            html.raw("<line class=\"grid\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(fixed(y(tick), 1))\" y2=\"\(fixed(y(tick), 1))\"/><text class=\"tick\" x=\"\(left - 6)\" y=\"\(fixed(y(tick) + 4, 1))\" text-anchor=\"end\">\(fixed(tick, 2))</text>")
        }
        for w in weeks { html.raw("<text class=\"tick\" x=\"\(fixed(x(w), 1))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(h(w))</text>") }
        let series: [(String, (OutcomeReport.Row) -> Double?)] = [
            ("shortlisted", \.shortlistedRate), ("chosen", \.chosenRate), ("ndcg", \.ndcg),
        ]
        for (vi, version) in versions.enumerated() {
            let own = rows.filter { $0.modelVersion == version }.sorted { $0.week < $1.week }
            for (name, value) in series {
                let points = own.compactMap { r in value(r).map { "\(fixed(x(r.week), 1)),\(fixed(y($0), 1))" } }
                guard !points.isEmpty else { continue }
                html.raw("<polyline class=\"series \(name) v\(vi % 4)\" points=\"\(points.joined(separator: " "))\"/>")
                for p in points {
                    let xy = p.split(separator: ",")
                    html.raw("<circle class=\"series \(name) v\(vi % 4)\" cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\"/>")
                }
            }
        }
        html.raw("</svg><figcaption>Lines: <span class=\"key shortlisted\">shortlisted rate</span>, <span class=\"key chosen\">chosen rate</span>, <span class=\"key ndcg\">NDCG@10</span>; ")
        html.add(versions.enumerated().map { "line style \($0.offset % 4 + 1): \($0.element)" }.joined(separator: "; "))
        html.raw(".</figcaption></figure>")
    }
}
