/// Turns JSON objects into validated records (CONTRACT §2) and records back into JSON.
///
/// Validation is the contract's: required fields, JSON types, known taxonomy codes (stored in canonical
/// form), size bands, ISO region and language codes, value ranges. Unknown fields are ignored.
public struct RecordCodec: Sendable {
    public let taxonomy: Taxonomy

    public init(taxonomy: Taxonomy) { self.taxonomy = taxonomy }

    // MARK: Field validators

    func industry(_ raw: String, field: String) throws(FieldError) -> String {
        guard let code = taxonomy.canonicalIndustry(raw) else {
            throw FieldError(field: field, reason: "unknown NAICS industry code \"\(raw)\"")
        }
        return code
    }

    func industries(_ raw: [String], field: String) throws(FieldError) -> [String] {
        var out: [String] = []
        for (i, r) in raw.enumerated() { out.append(try industry(r, field: "\(field)[\(i)]")) }
        return out
    }

    func services(_ raw: [String], field: String) throws(FieldError) -> [String] {
        for (i, r) in raw.enumerated() where !taxonomy.isValidService(r) {
            throw FieldError(field: "\(field)[\(i)]", reason: "unknown service type \"\(r)\"")
        }
        return raw
    }

    func size(_ raw: String?, field: String) throws(FieldError) -> SizeBand? {
        guard let raw else { return nil }
        guard let band = SizeBand(label: raw) else {
            throw FieldError(field: field, reason: "unknown size band \"\(raw)\" (one of \(SizeBand.labels.joined(separator: ", ")))")
        }
        return band
    }

    func regions(_ raw: [String], field: String) throws(FieldError) -> [String] {
        for (i, r) in raw.enumerated() where !Vocabulary.isRegion(r) {
            throw FieldError(field: "\(field)[\(i)]", reason: "not an upper-case ISO 3166-1 alpha-2 country code: \"\(r)\"")
        }
        return raw
    }

    func languages(_ raw: [String], field: String) throws(FieldError) -> [String] {
        for (i, r) in raw.enumerated() where !Vocabulary.isLanguage(r) {
            throw FieldError(field: "\(field)[\(i)]", reason: "not a lower-case ISO 639-1 language code: \"\(r)\"")
        }
        return raw
    }

    func certifications(_ raw: [String], field: String) throws(FieldError) -> [String] {
        for (i, r) in raw.enumerated() where Vocabulary.normalizeCertification(r).isEmpty {
            throw FieldError(field: "\(field)[\(i)]", reason: "certification has no letter or digit")
        }
        return raw
    }

    func range(_ value: Double?, _ bounds: ClosedRange<Double>, field: String) throws(FieldError) -> Double? {
        guard let value else { return nil }
        guard bounds.contains(value) else {
            throw FieldError(field: field, reason: "\(JSONValue.format(value)) is outside \(JSONValue.format(bounds.lowerBound))…\(JSONValue.format(bounds.upperBound))")
        }
        return value
    }

    func year(_ value: Int?, field: String) throws(FieldError) -> Int? {
        guard let value else { return nil }
        guard (1800...2100).contains(value) else { throw FieldError(field: field, reason: "year \(value) is outside 1800…2100") }
        return value
    }

    /// A display text that must say something: empty or only white space is refused.
    func nonBlank(_ value: String, field: String) throws(FieldError) -> String {
        guard value.contains(where: { !$0.isWhitespace }) else {
            throw FieldError(field: field, reason: "must not be empty")
        }
        return value
    }

    static func isDate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return false }
        for i in [0, 1, 2, 3, 5, 6, 8, 9] where !(48...57).contains(u[i]) { return false }
        guard let m = Int(s.dropFirst(5).prefix(2)), let d = Int(s.suffix(2)) else { return false }
        return (1...12).contains(m) && (1...31).contains(d)
    }

    // MARK: Decoding

    public func vendor(_ json: JSONValue) throws(FieldError) -> Vendor {
        try vendor(fields: try FieldReader(json))
    }

    /// A vendor from its fields, validated (the one validator of vendors files and the wire).
    public func vendor(fields r: some RecordFields) throws(FieldError) -> Vendor {
        var rate = try r.numberArray("hourly_rate_usd")
        if let pair = rate {
            // Bounded like `min_project_usd`: an infinite rate (possible over the wire) has no JSON spelling.
            guard pair.count == 2, pair[0] >= 0, pair[0] <= pair[1], pair[1] <= 1e12 else {
                throw FieldError(field: "hourly_rate_usd", reason: "expected [low, high] with 0 ≤ low ≤ high ≤ 1000000000000")
            }
            rate = pair
        }
        return Vendor(
            id: try r.requiredID("id"),
            name: try nonBlank(try r.requiredString("name"), field: "name"),
            size: try size(try r.string("size"), field: "size"),
            industries: try industries(try r.stringArray("industries"), field: "industries"),
            serviceTypes: try services(try r.stringArray("service_types"), field: "service_types"),
            description: try r.string("description"),
            regions: try regions(try r.stringArray("regions"), field: "regions"),
            languages: try languages(try r.stringArray("languages"), field: "languages"),
            certifications: try certifications(try r.stringArray("certifications"), field: "certifications"),
            minProjectUSD: try range(try r.number("min_project_usd"), 0...1e12, field: "min_project_usd"),
            hourlyRateUSD: rate,
            founded: try year(try r.integer("founded"), field: "founded")
        )
    }

    public func evaluation(_ r: some RecordFields, field: String) throws(FieldError) -> Evaluation {
        var e = Evaluation()
        for d in EvaluationDimension.allCases {
            do {
                e[d] = try range(try r.number(d.rawValue), 1...5, field: d.rawValue)
            } catch {
                throw FieldError(field: "\(field).\(error.field)", reason: error.reason)
            }
        }
        do {
            e.wouldRecommend = try range(try r.number("would_recommend"), 0...10, field: "would_recommend")
        } catch {
            throw FieldError(field: "\(field).\(error.field)", reason: error.reason)
        }
        return e
    }

    public func caseStudy(_ json: JSONValue) throws(FieldError) -> CaseStudy {
        try caseStudy(fields: try FieldReader(json))
    }

    /// A case study from its fields, validated (the one validator of case-study files and the wire).
    public func caseStudy(fields r: some RecordFields) throws(FieldError) -> CaseStudy {
        let id = try r.requiredID("id")
        let vendorID = try r.requiredID("vendor_id")
        let clientIndustry = try industry(try r.requiredString("client_industry"), field: "client_industry")
        let serviceTypes = try services(try r.stringArray("service_types"), field: "service_types")
        guard !serviceTypes.isEmpty else {
            throw FieldError(field: "service_types", reason: "missing required field (a non-empty array)")
        }
        var evaluation: Evaluation?
        if let e = try r.object("evaluation") { evaluation = try self.evaluation(e, field: "evaluation") }
        return CaseStudy(
            id: id, vendorID: vendorID, clientIndustry: clientIndustry, serviceTypes: serviceTypes,
            clientName: try r.string("client_name"),
            clientSize: try size(try r.string("client_size"), field: "client_size"),
            need: try r.string("need"), outcome: try r.string("outcome"),
            year: try year(try r.integer("year"), field: "year"),
            topClient: try r.bool("top_client"), verified: try r.bool("verified"),
            evaluation: evaluation, clientOrg: try r.string("client_org")
        )
    }

    public func referral(_ json: JSONValue) throws(FieldError) -> Referral {
        try referral(fields: try FieldReader(json))
    }

    /// A referral from its fields, validated (the one validator of referral files and the wire).
    public func referral(fields r: some RecordFields) throws(FieldError) -> Referral {
        let id = try r.requiredID("id")
        let vendorID = try r.requiredID("vendor_id")
        let typeRaw = try r.requiredString("referrer_type")
        guard let type = ReferrerType(rawValue: typeRaw) else {
            throw FieldError(field: "referrer_type", reason: "unknown referrer type \"\(typeRaw)\" (one of \(ReferrerType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let date = try r.string("date")
        if let date, !RecordCodec.isDate(date) {
            throw FieldError(field: "date", reason: "expected YYYY-MM-DD, got \"\(date)\"")
        }
        return Referral(
            id: id, vendorID: vendorID, referrerType: type,
            referrerOrg: try r.string("referrer_org"), buyerOrg: try r.string("buyer_org"),
            strength: try range(try r.number("strength"), -1...1, field: "strength") ?? 1.0,
            date: date
        )
    }

    public func request(_ json: JSONValue) throws(FieldError) -> BuyerRequest {
        try request(fields: try FieldReader(json))
    }

    /// A buyer request from its fields, validated (the one validator of request files, flags and the wire).
    public func request(fields r: some RecordFields) throws(FieldError) -> BuyerRequest {
        let k = try r.integer("k") ?? BuyerRequest.defaultK
        guard (1...BuyerRequest.maxK).contains(k) else {
            throw FieldError(field: "k", reason: "k must be between 1 and \(BuyerRequest.maxK), got \(k)")
        }
        var industry: String?
        if let raw = try r.string("industry") { industry = try self.industry(raw, field: "industry") }
        return BuyerRequest(
            id: try r.requiredID("id"),
            buyerOrg: try r.string("buyer_org"),
            industry: industry,
            size: try size(try r.string("size"), field: "size"),
            need: try r.string("need"),
            serviceTypes: try services(try r.stringArray("service_types"), field: "service_types"),
            regions: try regions(try r.stringArray("regions"), field: "regions"),
            languages: try languages(try r.stringArray("languages"), field: "languages"),
            requiredCertifications: try certifications(try r.stringArray("required_certifications"), field: "required_certifications"),
            budgetUSD: try range(try r.number("budget_usd"), 0...1e12, field: "budget_usd"),
            k: k,
            excludeVendors: try r.stringArray("exclude_vendors")
        )
    }

    /// Validates a request built in code (flags, the wire), with the same rules as the file form.
    public func validate(_ request: BuyerRequest) throws(FieldError) -> BuyerRequest {
        try self.request(RecordCodec.json(request))
    }
}

// MARK: - Encoding

extension RecordCodec {
    private static func put(_ pairs: inout [(String, JSONValue)], _ key: String, _ value: String?) {
        if let value { pairs.append((key, .string(value))) }
    }

    private static func put(_ pairs: inout [(String, JSONValue)], _ key: String, _ value: Double?) {
        if let value { pairs.append((key, .number(value))) }
    }

    private static func put(_ pairs: inout [(String, JSONValue)], _ key: String, _ value: Int?) {
        if let value { pairs.append((key, .number(Double(value)))) }
    }

    private static func put(_ pairs: inout [(String, JSONValue)], _ key: String, _ value: Bool?) {
        if let value { pairs.append((key, .bool(value))) }
    }

    private static func put(_ pairs: inout [(String, JSONValue)], _ key: String, _ values: [String]) {
        if !values.isEmpty { pairs.append((key, .array(values.map { .string($0) }))) }
    }

    public static func json(_ v: Vendor) -> JSONValue {
        var p: [(String, JSONValue)] = [("id", .string(v.id)), ("name", .string(v.name))]
        put(&p, "size", v.size?.label)
        put(&p, "industries", v.industries)
        put(&p, "service_types", v.serviceTypes)
        put(&p, "description", v.description)
        put(&p, "regions", v.regions)
        put(&p, "languages", v.languages)
        put(&p, "certifications", v.certifications)
        put(&p, "min_project_usd", v.minProjectUSD)
        if let rate = v.hourlyRateUSD { p.append(("hourly_rate_usd", .array(rate.map { .number($0) }))) }
        put(&p, "founded", v.founded)
        return .object(p)
    }

    public static func json(_ e: Evaluation) -> JSONValue {
        var p: [(String, JSONValue)] = []
        for d in EvaluationDimension.allCases { put(&p, d.rawValue, e[d]) }
        put(&p, "would_recommend", e.wouldRecommend)
        return .object(p)
    }

    public static func json(_ c: CaseStudy) -> JSONValue {
        var p: [(String, JSONValue)] = [
            ("id", .string(c.id)), ("vendor_id", .string(c.vendorID)), ("client_industry", .string(c.clientIndustry)),
        ]
        put(&p, "service_types", c.serviceTypes)
        put(&p, "client_name", c.clientName)
        put(&p, "client_size", c.clientSize?.label)
        put(&p, "need", c.need)
        put(&p, "outcome", c.outcome)
        put(&p, "year", c.year)
        put(&p, "top_client", c.topClient)
        put(&p, "verified", c.verified)
        if let e = c.evaluation { p.append(("evaluation", json(e))) }
        put(&p, "client_org", c.clientOrg)
        return .object(p)
    }

    public static func json(_ r: Referral) -> JSONValue {
        var p: [(String, JSONValue)] = [
            ("id", .string(r.id)), ("vendor_id", .string(r.vendorID)), ("referrer_type", .string(r.referrerType.rawValue)),
        ]
        put(&p, "referrer_org", r.referrerOrg)
        put(&p, "buyer_org", r.buyerOrg)
        p.append(("strength", .number(r.strength)))
        put(&p, "date", r.date)
        return .object(p)
    }

    public static func json(_ q: BuyerRequest) -> JSONValue {
        var p: [(String, JSONValue)] = [("id", .string(q.id))]
        put(&p, "buyer_org", q.buyerOrg)
        put(&p, "industry", q.industry)
        put(&p, "size", q.size?.label)
        put(&p, "need", q.need)
        put(&p, "service_types", q.serviceTypes)
        put(&p, "regions", q.regions)
        put(&p, "languages", q.languages)
        put(&p, "required_certifications", q.requiredCertifications)
        put(&p, "budget_usd", q.budgetUSD)
        p.append(("k", .number(Double(q.k))))
        put(&p, "exclude_vendors", q.excludeVendors)
        return .object(p)
    }
}
