import VendorMatchCore
import VendorMatchProto

// Wire messages read as `RecordFields`: `RecordCodec` validates them straight into domain records, with the
// same rules, field names and messages as the importer's JSON Lines (CONTRACT §2). A field the message does
// not have set is absent, exactly as an omitted key in a data file.

/// One set field of a protobuf message, typed as the message holds it.
enum ProtoField {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case strings([String])
    case numbers([Double])
}

/// A message whose fields are looked up by their CONTRACT names; the `RecordFields` accessors follow.
protocol ProtoRecordFields: RecordFields {
    /// The field named `key` if the message has it set (repeated fields: if non-empty).
    func field(_ key: String) -> ProtoField?
}

extension ProtoRecordFields {
    private func mismatch(_ key: String, _ want: String) -> FieldError {
        FieldError(field: key, reason: "expected \(want)")
    }

    func string(_ key: String) throws(FieldError) -> String? {
        switch field(key) {
        case nil: return nil
        case let .string(s)?: return s
        default: throw mismatch(key, "string")
        }
    }

    func number(_ key: String) throws(FieldError) -> Double? {
        switch field(key) {
        case nil: return nil
        case let .number(n)?: return n
        case let .integer(i)?: return Double(i)
        default: throw mismatch(key, "number")
        }
    }

    func integer(_ key: String) throws(FieldError) -> Int? {
        switch field(key) {
        case nil: return nil
        case let .integer(i)?: return i
        case let .number(n)?:
            guard n == n.rounded(), abs(n) < 1e15 else { throw FieldError(field: key, reason: "expected an integer, got \(n)") }
            return Int(n)
        default: throw mismatch(key, "number")
        }
    }

    func bool(_ key: String) throws(FieldError) -> Bool? {
        switch field(key) {
        case nil: return nil
        case let .bool(b)?: return b
        default: throw mismatch(key, "boolean")
        }
    }

    func stringArray(_ key: String) throws(FieldError) -> [String] {
        switch field(key) {
        case nil: return []
        case let .strings(s)?: return s
        default: throw mismatch(key, "array of strings")
        }
    }

    func numberArray(_ key: String) throws(FieldError) -> [Double]? {
        switch field(key) {
        case nil: return nil
        case let .numbers(n)?: return n
        default: throw mismatch(key, "array of numbers")
        }
    }
}

/// The `object` of a message without nested records.
extension ProtoRecordFields where Nested == NoNestedFields {
    func object(_ key: String) throws(FieldError) -> NoNestedFields? { nil }
}

/// Stands for the nested records of a message that has none.
struct NoNestedFields: ProtoRecordFields {
    typealias Nested = NoNestedFields
    func field(_ key: String) -> ProtoField? { nil }
}

private func set(_ value: String, _ present: Bool) -> ProtoField? { present ? .string(value) : nil }
private func set(_ value: Double, _ present: Bool) -> ProtoField? { present ? .number(value) : nil }
private func set(_ value: Int32, _ present: Bool) -> ProtoField? { present ? .integer(Int(value)) : nil }
private func set(_ value: Bool, _ present: Bool) -> ProtoField? { present ? .bool(value) : nil }
private func set(_ values: [String]) -> ProtoField? { values.isEmpty ? nil : .strings(values) }

/// A `Vendor` message's fields.
struct VendorFields: ProtoRecordFields {
    typealias Nested = NoNestedFields
    let m: Vendormatch_V1_Vendor

    func field(_ key: String) -> ProtoField? {
        switch key {
        case "id": return .string(m.id)
        case "name": return .string(m.name)
        case "size": return set(m.size, m.hasSize)
        case "industries": return set(m.industries)
        case "service_types": return set(m.serviceTypes)
        case "description": return set(m.description_p, m.hasDescription_p)
        case "regions": return set(m.regions)
        case "languages": return set(m.languages)
        case "certifications": return set(m.certifications)
        case "min_project_usd": return set(m.minProjectUsd, m.hasMinProjectUsd)
        case "hourly_rate_usd": return m.hourlyRateUsd.isEmpty ? nil : .numbers(m.hourlyRateUsd)
        case "founded": return set(m.founded, m.hasFounded)
        default: return nil
        }
    }
}

/// An `Evaluation` message's fields.
struct EvaluationFields: ProtoRecordFields {
    typealias Nested = NoNestedFields
    let m: Vendormatch_V1_Evaluation

    func field(_ key: String) -> ProtoField? {
        switch key {
        case "responsiveness": return set(m.responsiveness, m.hasResponsiveness)
        case "communication": return set(m.communication, m.hasCommunication)
        case "expertise": return set(m.expertise, m.hasExpertise)
        case "on_time": return set(m.onTime, m.hasOnTime)
        case "effectiveness": return set(m.effectiveness, m.hasEffectiveness)
        case "would_recommend": return set(m.wouldRecommend, m.hasWouldRecommend)
        default: return nil
        }
    }
}

/// A `CaseStudy` message's fields.
struct CaseStudyFields: ProtoRecordFields {
    let m: Vendormatch_V1_CaseStudy

    func field(_ key: String) -> ProtoField? {
        switch key {
        case "id": return .string(m.id)
        case "vendor_id": return .string(m.vendorID)
        case "client_industry": return .string(m.clientIndustry)
        case "service_types": return set(m.serviceTypes)
        case "client_name": return set(m.clientName, m.hasClientName)
        case "client_size": return set(m.clientSize, m.hasClientSize)
        case "need": return set(m.need, m.hasNeed)
        case "outcome": return set(m.outcome, m.hasOutcome)
        case "year": return set(m.year, m.hasYear)
        case "top_client": return set(m.topClient, m.hasTopClient)
        case "verified": return set(m.verified, m.hasVerified)
        case "client_org": return set(m.clientOrg, m.hasClientOrg)
        default: return nil
        }
    }

    func object(_ key: String) throws(FieldError) -> EvaluationFields? {
        key == "evaluation" && m.hasEvaluation ? EvaluationFields(m: m.evaluation) : nil
    }
}

/// A `Referral` message's fields.
struct ReferralFields: ProtoRecordFields {
    typealias Nested = NoNestedFields
    let m: Vendormatch_V1_Referral

    func field(_ key: String) -> ProtoField? {
        switch key {
        case "id": return .string(m.id)
        case "vendor_id": return .string(m.vendorID)
        case "referrer_type": return .string(m.referrerType)
        case "referrer_org": return set(m.referrerOrg, m.hasReferrerOrg)
        case "buyer_org": return set(m.buyerOrg, m.hasBuyerOrg)
        case "strength": return set(m.strength, m.hasStrength)
        case "date": return set(m.date, m.hasDate)
        default: return nil
        }
    }
}

/// A `ShortlistRequest` message's fields (`explain` is not part of the request record).
struct ShortlistRequestFields: ProtoRecordFields {
    typealias Nested = NoNestedFields
    let m: Vendormatch_V1_ShortlistRequest

    func field(_ key: String) -> ProtoField? {
        switch key {
        case "id": return .string(m.id)
        case "buyer_org": return set(m.buyerOrg, m.hasBuyerOrg)
        case "industry": return set(m.industry, m.hasIndustry)
        case "size": return set(m.size, m.hasSize)
        case "need": return set(m.need, m.hasNeed)
        case "service_types": return set(m.serviceTypes)
        case "regions": return set(m.regions)
        case "languages": return set(m.languages)
        case "required_certifications": return set(m.requiredCertifications)
        case "budget_usd": return set(m.budgetUsd, m.hasBudgetUsd)
        case "k": return set(m.k, m.hasK)
        case "exclude_vendors": return set(m.excludeVendors)
        default: return nil
        }
    }
}

/// A `FindCaseStudiesRequest` read as a request record, for the rules the two share (industry, size,
/// service types, k); its need and vendor id are not request fields.
struct CaseQueryFields: ProtoRecordFields {
    typealias Nested = NoNestedFields
    let m: Vendormatch_V1_FindCaseStudiesRequest

    func field(_ key: String) -> ProtoField? {
        switch key {
        case "id": return .string("case-query")
        case "industry": return set(m.industry, m.hasIndustry)
        case "size": return set(m.size, m.hasSize)
        case "service_types": return set(m.serviceTypes)
        case "k": return set(m.k, m.hasK)
        default: return nil
        }
    }
}

extension RecordCodec {
    /// Validates every record of a batch, naming the failing one by its position (`vendors[2].size`).
    func validateAll<Message, Record>(
        _ messages: [Message], field: String, _ validate: (Message) throws(FieldError) -> Record
    ) throws(FieldError) -> [Record] {
        var out: [Record] = []
        out.reserveCapacity(messages.count)
        for (i, m) in messages.enumerated() {
            do {
                out.append(try validate(m))
            } catch {
                throw FieldError(field: error.field.isEmpty ? "\(field)[\(i)]" : "\(field)[\(i)].\(error.field)", reason: error.reason)
            }
        }
        return out
    }

    /// A wire vendor, validated like a vendors.jsonl line.
    package func vendor(_ m: Vendormatch_V1_Vendor) throws(FieldError) -> Vendor { try vendor(fields: VendorFields(m: m)) }
    /// A wire case study, validated like a case_studies.jsonl line.
    package func caseStudy(_ m: Vendormatch_V1_CaseStudy) throws(FieldError) -> CaseStudy { try caseStudy(fields: CaseStudyFields(m: m)) }
    /// A wire referral, validated like a referrals.jsonl line.
    package func referral(_ m: Vendormatch_V1_Referral) throws(FieldError) -> Referral { try referral(fields: ReferralFields(m: m)) }
    /// A wire shortlist request, validated like a requests.jsonl line.
    package func request(_ m: Vendormatch_V1_ShortlistRequest) throws(FieldError) -> BuyerRequest {
        try request(fields: ShortlistRequestFields(m: m))
    }
}
