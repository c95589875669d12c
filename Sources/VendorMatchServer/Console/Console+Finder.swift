import Foundation
import NIOHTTP1
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// `/`: the case-study finder for sales teams, and `/cases.csv`, its results as CSV.
extension Console {
    static let finderFields = ["industry", "size", "need", "service_types", "vendor_id", "k"]

    /// The search's result, or the errors to show beside the form's fields.
    private enum Outcome {
        case none
        case found([Vendormatch_V1_CaseMatch], names: [String: String])
        case invalid(FieldErrors)
        case failed(CallFailure)
    }

    private func findCases(_ session: Session) async -> Outcome {
        guard Self.hasSearch(session.query) else { return .none }
        let (query, errors) = Self.caseQuery(session.query)
        if !errors.isEmpty { return .invalid(errors) }
        switch await rpc(.findCaseStudies, query, key: session.key, as: Vendormatch_V1_FindCaseStudiesResponse.self) {
        case let .success(response):
            return .found(response.cases, names: await vendorNames(Array(response.cases.map(\.vendorID)), key: session.key))
        case let .failure(failure):
            if let errors = Self.fieldErrors(failure, fields: Self.finderFields) { return .invalid(errors) }
            return .failed(failure)
        }
    }

    /// Display names of up to 25 distinct vendors (GetVendor through the router); an unknown id maps to itself.
    func vendorNames(_ ids: [String], key: String?) async -> [String: String] {
        var names: [String: String] = [:]
        for id in ids where names[id] == nil && names.count < 25 {
            if case let .success(r) = await rpc(.getVendor, Vendormatch_V1_GetVendorRequest.with { $0.id = id }, key: key,
                                                 as: Vendormatch_V1_GetVendorResponse.self) {
                names[id] = r.vendor.name
            } else {
                names[id] = id
            }
        }
        return names
    }

    func finder(_ session: Session) async -> HTTPResponse {
        let outcome = await findCases(session)
        if case let .failed(failure) = outcome, failure.code == .unauthenticated {
            return failurePage(failure, session: session, title: "Case studies")
        }
        var errors: FieldErrors = [:]
        if case let .invalid(e) = outcome { errors = e }
        let q = session.query
        return page(title: "Case-study finder", session: session, status: errors.isEmpty ? .ok : .badRequest) { html in
            html.raw("<h1>Case-study finder</h1><p class=\"lede\">Describe a prospect; get the case studies most like it, best first.</p>")
            Self.errorSummary(&html, errors)
            html.raw("<form method=\"get\" action=\"/\" class=\"form search\" novalidate>")
            industryInput(&html, value: q["industry"], errors: errors)
            Self.sizeSelect(&html, label: "Company size", value: q["size"], errors: errors)
            servicesSelect(&html, values: Self.list(q, "service_types"), errors: errors)
            Self.textArea(&html, "need", label: "Need, in the prospect's words", value: q["need"], errors: errors)
            Self.textInput(&html, "vendor_id", label: "Only this vendor (id, optional)", value: q["vendor_id"], errors: errors)
            Self.textInput(&html, "k", label: "How many", value: q["k"] ?? "10", errors: errors, type: "number", extra: " min=\"1\" max=\"1000\" inputmode=\"numeric\"")
            html.raw("<div class=\"actions\"><button type=\"submit\">Find case studies</button></div></form>")
            switch outcome {
            case .none, .invalid:
                break
            case let .failed(failure):
                html.raw("<p class=\"notice\" role=\"alert\">\(h(failure.message))</p>")
            case let .found(cases, names):
                html.raw("<section aria-labelledby=\"results-h\" class=\"results\"><h2 id=\"results-h\">\(cases.count) case ")
                html.raw(cases.count == 1 ? "study" : "studies")
                html.raw(", best match first</h2>")
                html.raw("<p><a class=\"button\" href=\"/cases.csv?\(h(q.encoded))\" download=\"case-studies.csv\">Export CSV</a></p>")
                html.raw("<ol class=\"cases\">")
                for match in cases { caseItem(&html, match, vendorName: names[match.vendorID]) }
                html.raw("</ol></section>")
            }
        }
    }

    /// One case study with its match on every dimension.
    func caseItem(_ html: inout HTML, _ match: Vendormatch_V1_CaseMatch, vendorName: String?, heading: String = "h3") {
        let c = match.caseStudy
        html.raw("<li class=\"case\" data-case-study-id=\"\(h(match.caseStudyID))\"><article>")
        html.raw("<\(heading) class=\"case-title\">")
        html.add(c.hasClientName ? c.clientName : "Unnamed client")
        html.raw(" <span class=\"muted\">· case ")
        html.add(match.caseStudyID)
        html.raw("</span></\(heading)><p class=\"meta\">by <a href=\"/vendors/\(h(urlComponent(match.vendorID)))\">")
        html.add(vendorName ?? match.vendorID)
        html.raw("</a>")
        if c.hasYear { html.raw(" · \(c.year)") }
        html.raw(" · ")
        html.add(taxonomy.industryTitle(c.clientIndustry) ?? c.clientIndustry)
        html.raw(" (\(h(c.clientIndustry)))")
        if c.hasClientSize { html.raw(" · \(h(c.clientSize)) employees") }
        if c.verified { html.raw(" <span class=\"mark verified\">✓ verified</span>") }
        if c.topClient { html.raw(" <span class=\"mark top\">★ top client</span>") }
        html.raw("</p>")
        html.raw("<ul class=\"pairs match\"><li><span class=\"k\">score</span> <span class=\"v\">\(fixed(match.score))</span></li>")
        for (label, has, value) in [("industry", match.hasIndustry, match.industry), ("size", match.hasSize, match.size),
                                    ("need", match.hasNeed, match.need), ("service", match.hasService, match.service)] {
            html.raw("<li><span class=\"k\">\(label)</span> <span class=\"v\">\(has ? percent(value) : "–")</span></li>")
        }
        html.raw("<li><span class=\"k\">credibility</span> <span class=\"v\">\(percent(match.credibility))</span></li></ul>")
        if c.hasNeed { html.raw("<p class=\"need\"><span class=\"label\">Need:</span> \(h(c.need))</p>") }
        if c.hasOutcome { html.raw("<p class=\"outcome\"><span class=\"label\">Outcome:</span> \(h(c.outcome))</p>") }
        if !c.serviceTypes.isEmpty {
            html.raw("<p class=\"services\"><span class=\"label\">Services:</span> ")
            html.add(c.serviceTypes.map { taxonomy.serviceTitle($0) ?? $0 }.joined(separator: ", "))
            html.raw("</p>")
        }
        html.raw("</article></li>")
    }

    func casesCSV(_ session: Session) async -> HTTPResponse {
        switch await findCases(session) {
        case .none:
            return .text(.badRequest, "give at least one of industry, size, need, service_types, vendor_id\n")
        case let .invalid(errors):
            return .text(.badRequest, errors.values.sorted().joined(separator: "\n") + "\n")
        case let .failed(failure):
            return .text(ConnectUnary.connectCode(failure.code).status, failure.message + "\n")
        case let .found(cases, names):
            var rows = [["rank", "case_study_id", "vendor_id", "vendor_name", "score", "industry_match", "size_match", "need_match",
                         "service_match", "credibility", "client_name", "client_industry", "client_size", "year", "verified",
                         "top_client", "need", "outcome"]]
            for (i, m) in cases.enumerated() {
                let c = m.caseStudy
                func opt(_ has: Bool, _ x: Double) -> String { has ? fixed(x, 4) : "" }
                rows.append([String(i + 1), m.caseStudyID, m.vendorID, names[m.vendorID] ?? "", fixed(m.score, 4),
                             opt(m.hasIndustry, m.industry), opt(m.hasSize, m.size), opt(m.hasNeed, m.need), opt(m.hasService, m.service),
                             fixed(m.credibility, 4), c.clientName, c.clientIndustry, c.clientSize, c.hasYear ? String(c.year) : "",
                             String(c.verified), String(c.topClient), c.need, c.outcome])
            }
            let text = rows.map { $0.map(Self.csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
            return HTTPResponse(status: .ok, contentType: "text/csv; charset=utf-8", body: Array(text.utf8),
                                headers: [("Content-Disposition", "attachment; filename=\"case-studies.csv\"")])
        }
    }

    /// A CSV cell (RFC 4180); a text starting like a spreadsheet formula is prefixed with `'`.
    static func csvCell(_ s: String) -> String {
        var s = s
        if let first = s.first, "=+-@\t\r".contains(first), Double(s) == nil { s = "'" + s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
