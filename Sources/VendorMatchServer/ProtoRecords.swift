import VendorMatchCore
import VendorMatchProto

// Wire records ↔ core records. Incoming messages are turned into the JSON form of CONTRACT §2 (same field
// names) and validated by `RecordCodec`, so the wire accepts exactly what the importer accepts and its
// errors name the same fields.

private func put(_ p: inout [(String, JSONValue)], _ key: String, _ value: String, if present: Bool) {
    if present { p.append((key, .string(value))) }
}

private func put(_ p: inout [(String, JSONValue)], _ key: String, _ value: Double, if present: Bool) {
    if present { p.append((key, .number(value))) }
}

private func put(_ p: inout [(String, JSONValue)], _ key: String, _ values: [String]) {
    if !values.isEmpty { p.append((key, .array(values.map { .string($0) }))) }
}

extension Vendormatch_V1_Vendor {
    /// The vendors.jsonl form of this message.
    package var json: JSONValue {
        var p: [(String, JSONValue)] = [("id", .string(id)), ("name", .string(name))]
        put(&p, "size", size, if: hasSize)
        put(&p, "industries", industries)
        put(&p, "service_types", serviceTypes)
        put(&p, "description", description_p, if: hasDescription_p)
        put(&p, "regions", regions)
        put(&p, "languages", languages)
        put(&p, "certifications", certifications)
        put(&p, "min_project_usd", minProjectUsd, if: hasMinProjectUsd)
        if !hourlyRateUsd.isEmpty { p.append(("hourly_rate_usd", .array(hourlyRateUsd.map { .number($0) }))) }
        put(&p, "founded", Double(founded), if: hasFounded)
        return .object(p)
    }

    package init(_ v: Vendor) {
        self.init()
        id = v.id
        name = v.name
        if let s = v.size { size = s.label }
        industries = v.industries
        serviceTypes = v.serviceTypes
        if let d = v.description { description_p = d }
        regions = v.regions
        languages = v.languages
        certifications = v.certifications
        if let m = v.minProjectUSD { minProjectUsd = m }
        hourlyRateUsd = v.hourlyRateUSD ?? []
        if let f = v.founded { founded = Int32(clamping: f) }
    }
}

extension Vendormatch_V1_Evaluation {
    package var json: JSONValue {
        var p: [(String, JSONValue)] = []
        put(&p, "responsiveness", responsiveness, if: hasResponsiveness)
        put(&p, "communication", communication, if: hasCommunication)
        put(&p, "expertise", expertise, if: hasExpertise)
        put(&p, "on_time", onTime, if: hasOnTime)
        put(&p, "effectiveness", effectiveness, if: hasEffectiveness)
        put(&p, "would_recommend", wouldRecommend, if: hasWouldRecommend)
        return .object(p)
    }

    package init(_ e: Evaluation) {
        self.init()
        if let v = e.responsiveness { responsiveness = v }
        if let v = e.communication { communication = v }
        if let v = e.expertise { expertise = v }
        if let v = e.onTime { onTime = v }
        if let v = e.effectiveness { effectiveness = v }
        if let v = e.wouldRecommend { wouldRecommend = v }
    }
}

extension Vendormatch_V1_CaseStudy {
    /// The case_studies.jsonl form of this message.
    package var json: JSONValue {
        var p: [(String, JSONValue)] = [
            ("id", .string(id)), ("vendor_id", .string(vendorID)), ("client_industry", .string(clientIndustry)),
        ]
        put(&p, "service_types", serviceTypes)
        put(&p, "client_name", clientName, if: hasClientName)
        put(&p, "client_size", clientSize, if: hasClientSize)
        put(&p, "need", need, if: hasNeed)
        put(&p, "outcome", outcome, if: hasOutcome)
        put(&p, "year", Double(year), if: hasYear)
        if hasTopClient { p.append(("top_client", .bool(topClient))) }
        if hasVerified { p.append(("verified", .bool(verified))) }
        if hasEvaluation { p.append(("evaluation", evaluation.json)) }
        put(&p, "client_org", clientOrg, if: hasClientOrg)
        return .object(p)
    }

    package init(_ c: CaseStudy) {
        self.init()
        id = c.id
        vendorID = c.vendorID
        clientIndustry = c.clientIndustry
        serviceTypes = c.serviceTypes
        if let v = c.clientName { clientName = v }
        if let v = c.clientSize { clientSize = v.label }
        if let v = c.need { need = v }
        if let v = c.outcome { outcome = v }
        if let v = c.year { year = Int32(clamping: v) }
        if let v = c.topClient { topClient = v }
        if let v = c.verified { verified = v }
        if let v = c.evaluation { evaluation = Vendormatch_V1_Evaluation(v) }
        if let v = c.clientOrg { clientOrg = v }
    }
}

extension Vendormatch_V1_Referral {
    /// The referrals.jsonl form of this message.
    package var json: JSONValue {
        var p: [(String, JSONValue)] = [
            ("id", .string(id)), ("vendor_id", .string(vendorID)), ("referrer_type", .string(referrerType)),
        ]
        put(&p, "referrer_org", referrerOrg, if: hasReferrerOrg)
        put(&p, "buyer_org", buyerOrg, if: hasBuyerOrg)
        put(&p, "strength", strength, if: hasStrength)
        put(&p, "date", date, if: hasDate)
        return .object(p)
    }
}

extension Vendormatch_V1_ShortlistRequest {
    /// The requests.jsonl form of this message (without `explain`).
    package var json: JSONValue {
        var p: [(String, JSONValue)] = [("id", .string(id))]
        put(&p, "buyer_org", buyerOrg, if: hasBuyerOrg)
        put(&p, "industry", industry, if: hasIndustry)
        put(&p, "size", size, if: hasSize)
        put(&p, "need", need, if: hasNeed)
        put(&p, "service_types", serviceTypes)
        put(&p, "regions", regions)
        put(&p, "languages", languages)
        put(&p, "required_certifications", requiredCertifications)
        put(&p, "budget_usd", budgetUsd, if: hasBudgetUsd)
        put(&p, "k", Double(k), if: hasK)
        put(&p, "exclude_vendors", excludeVendors)
        return .object(p)
    }
}

extension RecordCodec {
    /// Validates every record of a batch, naming the failing one by its position (`vendors[2].size`).
    package func validateAll<Message, Record>(
        _ messages: [Message], field: String, _ convert: (JSONValue) throws(FieldError) -> Record,
        json: (Message) -> JSONValue
    ) throws(FieldError) -> [Record] {
        var out: [Record] = []
        out.reserveCapacity(messages.count)
        for (i, m) in messages.enumerated() {
            do {
                out.append(try convert(json(m)))
            } catch {
                throw FieldError(field: error.field.isEmpty ? "\(field)[\(i)]" : "\(field)[\(i)].\(error.field)", reason: error.reason)
            }
        }
        return out
    }
}
