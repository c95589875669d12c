import VendorMatchCore

/// Rebuilds records from the canonical JSON the store keeps in its `json` columns.
///
/// The JSON was validated by `RecordCodec` before it was stored, so this reads fields without
/// re-checking taxonomy codes (the store needs no taxonomy, and a record stays readable if a code
/// later leaves the taxonomy). It mirrors `RecordCodec.json(_:)` field by field.
package enum StoredRecordDecoder {
    static func parse(_ text: String, table: String) throws(VMError) -> FieldReader {
        do {
            return try FieldReader(try JSONParser.parse(text))
        } catch {
            throw VMError(.storage, "corrupt \(table) row: \(error)")
        }
    }

    static func corrupt(_ table: String, _ error: FieldError) -> VMError {
        VMError(.storage, "corrupt \(table) row: \(error)")
    }

    static func size(_ label: String?) -> SizeBand? { label.flatMap(SizeBand.init(label:)) }

    package static func vendor(_ text: String) throws(VMError) -> Vendor {
        let r = try parse(text, table: "vendors")
        do {
            return Vendor(
                id: try r.requiredString("id"), name: try r.requiredString("name"),
                size: size(try r.string("size")),
                industries: try r.stringArray("industries"), serviceTypes: try r.stringArray("service_types"),
                description: try r.string("description"), regions: try r.stringArray("regions"),
                languages: try r.stringArray("languages"), certifications: try r.stringArray("certifications"),
                minProjectUSD: try r.number("min_project_usd"), hourlyRateUSD: try r.numberArray("hourly_rate_usd"),
                founded: try r.integer("founded")
            )
        } catch {
            throw corrupt("vendors", error)
        }
    }

    package static func caseStudy(_ text: String) throws(VMError) -> CaseStudy {
        let r = try parse(text, table: "case_studies")
        do {
            var evaluation: Evaluation?
            if let e = try r.object("evaluation") {
                var ev = Evaluation()
                for d in EvaluationDimension.allCases { ev[d] = try e.number(d.rawValue) }
                ev.wouldRecommend = try e.number("would_recommend")
                evaluation = ev
            }
            return CaseStudy(
                id: try r.requiredString("id"), vendorID: try r.requiredString("vendor_id"),
                clientIndustry: try r.requiredString("client_industry"), serviceTypes: try r.stringArray("service_types"),
                clientName: try r.string("client_name"), clientSize: size(try r.string("client_size")),
                need: try r.string("need"), outcome: try r.string("outcome"), year: try r.integer("year"),
                topClient: try r.bool("top_client"), verified: try r.bool("verified"),
                evaluation: evaluation, clientOrg: try r.string("client_org")
            )
        } catch {
            throw corrupt("case_studies", error)
        }
    }

    package static func referral(_ text: String) throws(VMError) -> Referral {
        let r = try parse(text, table: "referrals")
        do throws(FieldError) {
            let typeRaw = try r.requiredString("referrer_type")
            guard let type = ReferrerType(rawValue: typeRaw) else {
                throw FieldError(field: "referrer_type", reason: "unknown referrer type \"\(typeRaw)\"")
            }
            return Referral(
                id: try r.requiredString("id"), vendorID: try r.requiredString("vendor_id"), referrerType: type,
                referrerOrg: try r.string("referrer_org"), buyerOrg: try r.string("buyer_org"),
                strength: try r.number("strength") ?? 1.0, date: try r.string("date")
            )
        } catch {
            throw corrupt("referrals", error)
        }
    }
}
