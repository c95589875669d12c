import Foundation
import NIOHTTP1
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// `/vendors/{id}`: a vendor's profile, its case studies, the evaluation dimensions, and its referrals
/// by referrer type as the signed-in tenant sees them.
extension Console {
    func vendor(_ id: String, _ session: Session) async -> HTTPResponse {
        let vendor: Vendormatch_V1_Vendor
        switch await rpc(.getVendor, Vendormatch_V1_GetVendorRequest.with { $0.id = id }, key: session.key, as: Vendormatch_V1_GetVendorResponse.self) {
        case let .success(r): vendor = r.vendor
        case let .failure(failure): return failurePage(failure, session: session, title: "Vendor \(id)")
        }
        var caseQuery = Vendormatch_V1_FindCaseStudiesRequest()
        caseQuery.vendorID = id
        caseQuery.k = 1000
        let cases = (try? await rpc(.findCaseStudies, caseQuery, key: session.key, as: Vendormatch_V1_FindCaseStudiesResponse.self).get().cases) ?? []
        // Referrals as this caller's buyer sees them: the vendor's entry in an explained shortlist run for
        // the key's tenant (the engine is the only place that knows which counted), narrowed by hard
        // constraints this vendor meets so that few others are ranked beside it; not logged (no buyer saw
        // a shortlist, so no outcome can follow it).
        var probe = Vendormatch_V1_ShortlistRequest()
        probe.id = "console-profile-\(UUID().uuidString.lowercased())"
        probe.k = 1000
        probe.explain = true
        probe.serviceTypes = Array(vendor.serviceTypes.prefix(1))
        probe.regions = Array(vendor.regions.prefix(1))
        probe.languages = Array(vendor.languages.prefix(1))
        probe.requiredCertifications = vendor.certifications
        let ranked = (try? await rpc(.shortlist, probe, key: session.key, as: Vendormatch_V1_ShortlistResponse.self,
                                     metadata: [MetadataKey.shortlistLog: "off"]).get())?
            .vendors.first { $0.vendorID == id }

        return page(title: vendor.name, session: session) { html in
            html.raw("<h1>")
            html.add(vendor.name)
            html.raw(" <span class=\"muted\">")
            html.add(vendor.id)
            html.raw("</span></h1>")
            if vendor.hasDescription_p { html.raw("<p class=\"lede\">\(h(vendor.description_p))</p>") }
            html.raw("<ul class=\"pairs facts\">")
            func fact(_ label: String, _ value: String) {
                guard !value.isEmpty else { return }
                html.raw("<li><span class=\"k\">\(h(label))</span> <span class=\"v\">\(h(value))</span></li>")
            }
            fact("Size", vendor.hasSize ? "\(vendor.size) employees" : "")
            fact("Founded", vendor.hasFounded ? String(vendor.founded) : "")
            fact("Services", vendor.serviceTypes.map { "\(taxonomy.serviceTitle($0) ?? $0) (\($0))" }.joined(separator: "; "))
            fact("Industries", vendor.industries.map { "\(taxonomy.industryTitle($0) ?? $0) (\($0))" }.joined(separator: "; "))
            fact("Regions", vendor.regions.joined(separator: " "))
            fact("Languages", vendor.languages.joined(separator: " "))
            fact("Certifications", vendor.certifications.joined(separator: ", "))
            fact("Smallest project", vendor.hasMinProjectUsd ? "$\(Int(vendor.minProjectUsd))" : "")
            fact("Hourly rate", vendor.hourlyRateUsd.count == 2 ? "$\(Int(vendor.hourlyRateUsd[0]))–\(Int(vendor.hourlyRateUsd[1]))" : "")
            html.raw("</ul>")

            html.raw("<section aria-labelledby=\"eval-h\"><h2 id=\"eval-h\">Client evaluations</h2>")
            evaluations(&html, cases.map(\.caseStudy))
            html.raw("</section><section aria-labelledby=\"ref-h\"><h2 id=\"ref-h\">Referrals</h2>")
            if let ranked, !ranked.referrals.isEmpty {
                html.raw("<p class=\"muted\">As they count for you (your key's tenant); buyer-specific referrals of other buyers are never shown.</p>")
                referrals(&html, ranked.referrals)
            } else {
                html.raw("<p>No referrals count for you.</p>")
            }
            html.raw("</section><section aria-labelledby=\"cases-h\"><h2 id=\"cases-h\">Case studies (\(cases.count))</h2>")
            if cases.isEmpty {
                html.raw("<p>None recorded.</p>")
            } else {
                html.raw("<ol class=\"cases\">")
                for m in cases { caseItem(&html, m, vendorName: vendor.name) }
                html.raw("</ol>")
            }
            html.raw("</section>")
        }
    }

    /// The mean of each evaluation dimension over the case studies that report it.
    private func evaluations(_ html: inout HTML, _ cases: [Vendormatch_V1_CaseStudy]) {
        let evaluated = cases.filter(\.hasEvaluation).map(\.evaluation)
        guard !evaluated.isEmpty else {
            html.raw("<p>No evaluations recorded.</p>")
            return
        }
        let dimensions: [(String, (Vendormatch_V1_Evaluation) -> Double?, Double)] = [
            ("Responsiveness", { $0.hasResponsiveness ? $0.responsiveness : nil }, 5),
            ("Communication", { $0.hasCommunication ? $0.communication : nil }, 5),
            ("Expertise", { $0.hasExpertise ? $0.expertise : nil }, 5),
            ("On time", { $0.hasOnTime ? $0.onTime : nil }, 5),
            ("Effectiveness", { $0.hasEffectiveness ? $0.effectiveness : nil }, 5),
            ("Would recommend", { $0.hasWouldRecommend ? $0.wouldRecommend : nil }, 10),
        ]
        html.raw("<table class=\"evaluations\"><caption>Mean over \(evaluated.count) evaluated case studies</caption><thead><tr><th scope=\"col\">dimension</th><th scope=\"col\">mean</th><th scope=\"col\">of</th><th scope=\"col\"><span class=\"visually-hidden\">bar</span></th></tr></thead><tbody>")
        for (label, value, top) in dimensions {
            let values = evaluated.compactMap(value)
            guard !values.isEmpty else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            html.raw("<tr><th scope=\"row\">\(label)</th><td class=\"num\">\(fixed(mean, 1)) / \(Int(top))</td><td class=\"num\">\(values.count)</td>")
            html.raw("<td><svg class=\"bar\" viewBox=\"0 0 120 10\" width=\"120\" height=\"10\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"0\" y=\"1\" width=\"\(fixed(120 * mean / top, 1))\" height=\"8\" class=\"pos\"/></svg></td></tr>")
        }
        html.raw("</tbody></table>")
    }
}
