import Foundation
import VendorMatchCore
import VendorMatchProto

/// Form controls and the conversion of a page's query into a request message. The console parses (a
/// number field must hold a number) but never validates: codes, ranges and tenant rules are the router's.
extension Console {
    typealias FieldErrors = [String: String]

    static let requestFields = ["industry", "size", "need", "service_types", "regions", "languages",
                                "required_certifications", "budget_usd", "vendor_id", "k", "buyer_org", "exclude_vendors"]

    /// Whether the query asks for a search at all (a bare page shows only its form).
    static func hasSearch(_ q: QueryParameters) -> Bool { requestFields.contains { !q.all($0).isEmpty } }

    /// Values of a repeated field; one value may also list several, separated by commas (and, where
    /// `spaces`, by white space).
    static func list(_ q: QueryParameters, _ name: String, spaces: Bool = false) -> [String] {
        q.all(name).flatMap { value in
            value.split(whereSeparator: { $0 == "," || (spaces && $0.isWhitespace) })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    static func integer(_ q: QueryParameters, _ name: String, into errors: inout FieldErrors) -> Int32? {
        guard let raw = q[name] else { return nil }
        guard let value = Int32(raw) else {
            errors[name] = "field \"\(name)\": must be a whole number, got \"\(raw)\""
            return nil
        }
        return value
    }

    static func number(_ q: QueryParameters, _ name: String, into errors: inout FieldErrors) -> Double? {
        guard let raw = q[name] else { return nil }
        guard let value = Double(raw.replacingOccurrences(of: "_", with: "")), value.isFinite else {
            errors[name] = "field \"\(name)\": must be a number, got \"\(raw)\""
            return nil
        }
        return value
    }

    static func caseQuery(_ q: QueryParameters) -> (Vendormatch_V1_FindCaseStudiesRequest, FieldErrors) {
        var errors: FieldErrors = [:]
        var r = Vendormatch_V1_FindCaseStudiesRequest()
        if let v = q["industry"] { r.industry = v }
        if let v = q["size"] { r.size = v }
        if let v = q["need"] { r.need = v }
        r.serviceTypes = list(q, "service_types")
        if let v = q["vendor_id"] { r.vendorID = v }
        if let k = integer(q, "k", into: &errors) { r.k = k }
        return (r, errors)
    }

    static func shortlistQuery(_ q: QueryParameters) -> (Vendormatch_V1_ShortlistRequest, FieldErrors) {
        var errors: FieldErrors = [:]
        var r = Vendormatch_V1_ShortlistRequest()
        r.explain = true
        if let v = q["buyer_org"] { r.buyerOrg = v }
        if let v = q["industry"] { r.industry = v }
        if let v = q["size"] { r.size = v }
        if let v = q["need"] { r.need = v }
        r.serviceTypes = list(q, "service_types")
        r.regions = list(q, "regions", spaces: true)
        r.languages = list(q, "languages", spaces: true)
        r.requiredCertifications = list(q, "required_certifications")
        r.excludeVendors = list(q, "exclude_vendors", spaces: true)
        if let v = number(q, "budget_usd", into: &errors) { r.budgetUsd = v }
        if let k = integer(q, "k", into: &errors) { r.k = k }
        return (r, errors)
    }

    // MARK: - Controls

    private static func attributes(_ name: String, _ errors: FieldErrors, hint: Bool) -> String {
        var ids: [String] = []
        if hint { ids.append("f-\(name)-hint") }
        if errors[name] != nil { ids.append("f-\(name)-error") }
        var s = ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
        if errors[name] != nil { s += " aria-invalid=\"true\"" }
        return s
    }

    /// A labelled control with its hint and, when the field is at fault, the validator's message beside it.
    static func field(_ html: inout HTML, _ name: String, label: String, hint: String? = nil, errors: FieldErrors,
                      control: (_ id: String, _ attributes: String) -> String) {
        html.raw("<div class=\"field\(errors[name] != nil ? " invalid" : "")\"><label for=\"f-\(name)\">\(h(label))</label>")
        if let hint { html.raw("<p class=\"hint\" id=\"f-\(name)-hint\">\(h(hint))</p>") }
        html.raw(control("f-\(name)", attributes(name, errors, hint: hint != nil)))
        if let message = errors[name] {
            html.raw("<p class=\"field-error\" id=\"f-\(name)-error\" role=\"alert\" data-field=\"\(h(name))\">\(h(message))</p>")
        }
        html.raw("</div>")
    }

    static func textInput(_ html: inout HTML, _ name: String, label: String, value: String?, hint: String? = nil,
                          errors: FieldErrors, type: String = "text", extra: String = "") {
        field(&html, name, label: label, hint: hint, errors: errors) { id, attrs in
            "<input id=\"\(id)\" name=\"\(name)\" type=\"\(type)\" value=\"\(h(value ?? ""))\"\(attrs)\(extra)>"
        }
    }

    func industryInput(_ html: inout HTML, value: String?, errors: FieldErrors) {
        Self.field(&html, "industry", label: "Industry (NAICS)", hint: "Type a code or a name, e.g. 522 or Credit", errors: errors) { id, attrs in
            "<input id=\"\(id)\" name=\"industry\" type=\"text\" list=\"industries\" autocomplete=\"off\" value=\"\(h(value ?? ""))\"\(attrs)>"
                + "<output id=\"industry-title\" for=\"\(id)\" aria-live=\"polite\">\(h(value.flatMap { taxonomy.industryTitle($0) } ?? ""))</output>"
        }
        html.raw("<datalist id=\"industries\">")
        for code in taxonomy.industries.codes {
            html.raw("<option value=\"\(h(code))\">\(h(taxonomy.industries.title(of: code) ?? code))</option>")
        }
        html.raw("</datalist>")
    }

    static func sizeSelect(_ html: inout HTML, name: String = "size", label: String, value: String?, errors: FieldErrors) {
        field(&html, name, label: label, errors: errors) { id, attrs in
            var s = "<select id=\"\(id)\" name=\"\(name)\"\(attrs)><option value=\"\">any size</option>"
            for band in SizeBand.allCases {
                s += "<option value=\"\(band.label)\"\(value == band.label ? " selected" : "")>\(band.prose) employees</option>"
            }
            // A value the validator will refuse stays visible, so the message beside it makes sense.
            if let value, SizeBand(label: value) == nil { s += "<option value=\"\(h(value))\" selected>\(h(value))</option>" }
            return s + "</select>"
        }
    }

    func servicesSelect(_ html: inout HTML, values: [String], errors: FieldErrors) {
        Self.field(&html, "service_types", label: "Service types", hint: "Choose one or more (Ctrl or ⌘ to add to the choice)", errors: errors) { id, attrs in
            var s = "<select id=\"\(id)\" name=\"service_types\" multiple size=\"6\"\(attrs)>"
            for category in taxonomy.services.codes where taxonomy.serviceDepth(category) == 1 {
                s += "<optgroup label=\"\(h(taxonomy.serviceTitle(category) ?? category))\">"
                s += "<option value=\"\(h(category))\"\(values.contains(category) ? " selected" : "")>All of \(h(taxonomy.serviceTitle(category) ?? category))</option>"
                for sub in taxonomy.serviceSubcategories(category) {
                    s += "<option value=\"\(h(sub))\"\(values.contains(sub) ? " selected" : "")>\(h(taxonomy.serviceTitle(sub) ?? sub))</option>"
                }
                s += "</optgroup>"
            }
            for unknown in values where !taxonomy.isValidService(unknown) {
                s += "<option value=\"\(h(unknown))\" selected>\(h(unknown))</option>"
            }
            return s + "</select>"
        }
    }

    static func textArea(_ html: inout HTML, _ name: String, label: String, value: String?, hint: String? = nil, errors: FieldErrors) {
        field(&html, name, label: label, hint: hint, errors: errors) { id, attrs in
            "<textarea id=\"\(id)\" name=\"\(name)\" rows=\"3\"\(attrs)>\(h(value ?? ""))</textarea>"
        }
    }

    /// Errors of a failed call that belong to a field of the form; nil when the failure is not about a field.
    static func fieldErrors(_ failure: CallFailure, fields: [String]) -> FieldErrors? {
        guard failure.code == .invalidArgument || failure.code == .permissionDenied || failure.code == .notFound,
              let field = failure.formField, fields.contains(field) else { return nil }
        return [field: failure.message]
    }

    static func errorSummary(_ html: inout HTML, _ errors: FieldErrors) {
        guard !errors.isEmpty else { return }
        html.raw("<div class=\"notice\" role=\"alert\"><p>Please correct:</p><ul>")
        for (field, _) in errors.sorted(by: { $0.key < $1.key }) {
            html.raw("<li><a href=\"#f-\(h(field))\">\(h(field))</a></li>")
        }
        html.raw("</ul></div>")
    }
}
