import Foundation
import NIOHTTP1
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// `/shortlist`: a buyer's requirements and hard constraints → ranked vendors with the components of
/// their scores, the reasons, the case studies and referrals that counted; up to three side by side.
extension Console {
    static let shortlistFields = ["industry", "size", "need", "service_types", "regions", "languages", "required_certifications",
                                  "budget_usd", "k", "buyer_org", "exclude_vendors", "compare"]

    static let components: [(String, @Sendable (Vendormatch_V1_ScoreBreakdown) -> Double)] = [
        ("industry", { $0.industry }), ("size", { $0.size }), ("need", { $0.need }), ("service", { $0.service }),
        ("trust", { $0.trust }), ("quality", { $0.quality }), ("other", { $0.other }),
    ]

    func shortlist(_ session: Session) async -> HTTPResponse {
        let q = session.query
        var errors: FieldErrors = [:]
        var response: Vendormatch_V1_ShortlistResponse?
        var failureNotice: String?
        let compare = Self.list(q, "compare")
        if compare.count > 3 { errors["compare"] = "field \"compare\": choose at most three vendors to compare, got \(compare.count)" }
        if Self.hasSearch(q) {
            let (request, parseErrors) = Self.shortlistQuery(q)
            errors.merge(parseErrors) { a, _ in a }
            if parseErrors.isEmpty {
                switch await rpc(.shortlist, request, key: session.key, as: Vendormatch_V1_ShortlistResponse.self) {
                case let .success(r): response = r
                case let .failure(failure):
                    if failure.code == .unauthenticated { return failurePage(failure, session: session, title: "Shortlist") }
                    if let e = Self.fieldErrors(failure, fields: Self.shortlistFields) { errors.merge(e) { a, _ in a } } else { failureNotice = failure.message }
                }
            }
        }
        return page(title: "Shortlist", session: session, status: errors.isEmpty ? .ok : .badRequest) { html in
            html.raw("<h1>Shortlist</h1><p class=\"lede\">A buyer's requirements and hard constraints; vendors ranked with the evidence behind each score.</p>")
            Self.errorSummary(&html, errors)
            html.raw("<form method=\"get\" action=\"/shortlist\" class=\"form search\" novalidate><fieldset><legend>Requirements</legend>")
            industryInput(&html, value: q["industry"], errors: errors)
            Self.sizeSelect(&html, label: "Buyer's company size", value: q["size"], errors: errors)
            Self.textArea(&html, "need", label: "Need, in the buyer's words", value: q["need"], errors: errors)
            html.raw("</fieldset><fieldset><legend>Hard constraints</legend>")
            servicesSelect(&html, values: Self.list(q, "service_types"), errors: errors)
            Self.textInput(&html, "regions", label: "Regions", value: Self.list(q, "regions", spaces: true).joined(separator: " "),
                           hint: "ISO country codes, e.g. DE FR", errors: errors)
            Self.textInput(&html, "languages", label: "Languages", value: Self.list(q, "languages", spaces: true).joined(separator: " "),
                           hint: "ISO 639-1 codes, e.g. en de", errors: errors)
            Self.textInput(&html, "required_certifications", label: "Required certifications",
                           value: Self.list(q, "required_certifications").joined(separator: ", "), hint: "Comma-separated, e.g. ISO 27001, SOC 2", errors: errors)
            Self.textInput(&html, "budget_usd", label: "Budget (USD)", value: q["budget_usd"], errors: errors, type: "text", extra: " inputmode=\"decimal\"")
            html.raw("</fieldset><fieldset><legend>Options</legend>")
            Self.textInput(&html, "buyer_org", label: "Buyer organisation (optional; a key acts for its tenant)", value: q["buyer_org"], errors: errors)
            Self.textInput(&html, "k", label: "How many vendors", value: q["k"] ?? "10", errors: errors, type: "number", extra: " min=\"1\" max=\"1000\" inputmode=\"numeric\"")
            html.raw("</fieldset><div class=\"actions\"><button type=\"submit\">Rank vendors</button></div></form>")
            if let failureNotice { html.raw("<p class=\"notice\" role=\"alert\">\(h(failureNotice))</p>") }
            guard let response else { return }
            let chosen = compare.prefix(3).compactMap { id in response.vendors.first { $0.vendorID == id } }
            if !chosen.isEmpty { comparison(&html, chosen) }
            results(&html, response, query: q, compare: compare, errors: errors)
        }
    }

    private func results(_ html: inout HTML, _ response: Vendormatch_V1_ShortlistResponse, query q: QueryParameters,
                         compare: [String], errors: FieldErrors) {
        html.raw("<section aria-labelledby=\"results-h\" class=\"results\"><h2 id=\"results-h\">\(response.vendors.count) vendors, best first</h2>")
        html.raw("<p class=\"muted\">\(response.candidateCount) passed the hard constraints · request ")
        html.add(response.requestID)
        html.raw("</p>")
        // The comparison is a GET of the same shortlist with `compare` ids: it works without JavaScript.
        html.raw("<form method=\"get\" action=\"/shortlist\" id=\"compare-form\" class=\"compare-form\">")
        for (name, value) in q.pairs where name != "compare" && !value.isEmpty {
            html.raw("<input type=\"hidden\" name=\"\(h(name))\" value=\"\(h(value))\">")
        }
        html.raw("<div class=\"field\(errors["compare"] != nil ? " invalid" : "")\" id=\"f-compare\" tabindex=\"-1\"><p class=\"hint\" id=\"compare-hint\">Tick up to three vendors, then compare them side by side.</p>")
        if let message = errors["compare"] { html.raw("<p class=\"field-error\" id=\"f-compare-error\" role=\"alert\" data-field=\"compare\">\(h(message))</p>") }
        html.raw("<button type=\"submit\">Compare selected</button></div>")
        let scale = max(1e-9, response.vendors.flatMap { v in Self.components.map { abs($0.1(v.breakdown)) } }.max() ?? 1)
        html.raw("<fieldset class=\"plain\"><legend class=\"visually-hidden\">Vendors, best first (tick up to three to compare)</legend><ol class=\"vendors\">")
        for (rank, v) in response.vendors.enumerated() {
            html.raw("<li class=\"vendor\" data-vendor-id=\"\(h(v.vendorID))\"><article aria-labelledby=\"v-\(rank)\">")
            html.raw("<h3 id=\"v-\(rank)\"><span class=\"rank\">\(rank + 1).</span> <a href=\"/vendors/\(h(urlComponent(v.vendorID)))\">")
            html.add(v.name)
            html.raw("</a> <span class=\"score\">score \(fixed(v.score))</span></h3>")
            html.raw("<label class=\"compare\"><input type=\"checkbox\" name=\"compare\" value=\"\(h(v.vendorID))\"\(compare.contains(v.vendorID) ? " checked" : "") aria-describedby=\"compare-hint\"> Compare ")
            html.add(v.name)
            html.raw("</label>")
            breakdown(&html, v, scale: scale)
            if !v.reasons.isEmpty {
                html.raw("<ul class=\"reasons\">")
                for reason in v.reasons { html.raw("<li>\(h(reason))</li>") }
                html.raw("</ul>")
            }
            if !v.matchedCases.isEmpty {
                html.raw("<details><summary>Case studies that counted (\(v.matchedCases.count))</summary><ol class=\"cases compact\">")
                for m in v.matchedCases { caseItem(&html, m, vendorName: v.name, heading: "h4") }
                html.raw("</ol></details>")
            }
            referrals(&html, v.referrals)
            html.raw("</article></li>")
        }
        html.raw("</ol></fieldset></form></section>")
    }

    /// The components of a score as a table with a bar each (SVG, so no inline style); they add up to the score.
    func breakdown(_ html: inout HTML, _ v: Vendormatch_V1_RankedVendor, scale: Double) {
        html.raw("<table class=\"breakdown\"><caption>Score components of ")
        html.add(v.name)
        html.raw("</caption><thead><tr><th scope=\"col\">component</th><th scope=\"col\">contribution</th><th scope=\"col\"><span class=\"visually-hidden\">bar</span></th></tr></thead><tbody>")
        for (name, path) in Self.components {
            let x = path(v.breakdown)
            let width = min(60.0, abs(x) / scale * 60.0)
            let start = x >= 0 ? 60.0 : 60.0 - width
            html.raw("<tr><th scope=\"row\">\(name)</th><td class=\"num\">\(signed(x))</td><td><svg class=\"bar\" viewBox=\"0 0 120 10\" width=\"120\" height=\"10\" aria-hidden=\"true\" focusable=\"false\">")
            html.raw("<line x1=\"60\" y1=\"0\" x2=\"60\" y2=\"10\" class=\"axis\"/><rect x=\"\(fixed(start, 2))\" y=\"1\" width=\"\(fixed(width, 2))\" height=\"8\" class=\"\(x >= 0 ? "pos" : "neg")\"/></svg></td></tr>")
        }
        html.raw("</tbody><tfoot><tr><th scope=\"row\">score</th><td class=\"num\">\(fixed(v.score))</td><td></td></tr></tfoot></table>")
    }

    func referrals(_ html: inout HTML, _ summaries: [Vendormatch_V1_ReferralSummary]) {
        guard !summaries.isEmpty else { return }
        html.raw("<table class=\"referrals\"><caption>Referrals that counted</caption><thead><tr><th scope=\"col\">referrer</th><th scope=\"col\">count</th><th scope=\"col\">contribution</th></tr></thead><tbody>")
        for r in summaries {
            html.raw("<tr data-referrer-type=\"\(h(r.referrerType))\"><th scope=\"row\">\(h(ReferrerType(rawValue: r.referrerType)?.prosePlural ?? r.referrerType))</th><td class=\"num\">\(r.count)</td><td class=\"num\">\(signed(r.contribution))</td></tr>")
        }
        html.raw("</tbody></table>")
    }

    private func comparison(_ html: inout HTML, _ vendors: [Vendormatch_V1_RankedVendor]) {
        html.raw("<section aria-labelledby=\"compare-h\" class=\"comparison\"><h2 id=\"compare-h\">Side by side</h2><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"compare-h\"><table><thead><tr><th scope=\"col\">vendor</th>")
        for v in vendors {
            html.raw("<th scope=\"col\" data-vendor-id=\"\(h(v.vendorID))\"><a href=\"/vendors/\(h(urlComponent(v.vendorID)))\">\(h(v.name))</a></th>")
        }
        html.raw("</tr></thead><tbody><tr><th scope=\"row\">score</th>")
        for v in vendors { html.raw("<td class=\"num\">\(fixed(v.score))</td>") }
        html.raw("</tr>")
        for (name, path) in Self.components {
            html.raw("<tr><th scope=\"row\">\(name)</th>")
            for v in vendors { html.raw("<td class=\"num\">\(signed(path(v.breakdown)))</td>") }
            html.raw("</tr>")
        }
        html.raw("<tr><th scope=\"row\">quality (0–1)</th>")
        for v in vendors { html.raw("<td class=\"num\">\(fixed(v.quality, 2)) <span class=\"muted\">(\(v.evaluationCount) evaluations)</span></td>") }
        html.raw("</tr><tr><th scope=\"row\">case studies that counted</th>")
        for v in vendors { html.raw("<td class=\"num\">\(v.matchedCases.count)</td>") }
        html.raw("</tr><tr><th scope=\"row\">referrals</th>")
        for v in vendors {
            html.raw("<td>")
            html.add(v.referrals.map { "\($0.count) \(ReferrerType(rawValue: $0.referrerType)?.prosePlural ?? $0.referrerType)" }.joined(separator: "; "))
            html.raw("</td>")
        }
        html.raw("</tr><tr><th scope=\"row\">reasons</th>")
        for v in vendors {
            html.raw("<td><ul>")
            for reason in v.reasons { html.raw("<li>\(h(reason))</li>") }
            html.raw("</ul></td>")
        }
        html.raw("</tr></tbody></table></div></section>")
    }
}
