import VendorMatchCore
import VendorMatchRanking

/// Machine output (`--json`) of shortlists and case matches.
enum ResultJSON {
    static func round(_ x: Double) -> JSONValue { .number((x * 1e6).rounded() / 1e6) }

    static func optional(_ x: Double?) -> JSONValue { x.map(round) ?? .null }

    static func caseMatch(_ m: CaseMatch) -> JSONValue {
        .object([
            ("case_study_id", .string(m.caseStudyID)), ("vendor_id", .string(m.vendorID)), ("score", round(m.score)),
            ("industry", optional(m.industry)), ("size", optional(m.size)), ("need", optional(m.need)),
            ("service", optional(m.service)), ("credibility", round(m.credibility)),
            ("case_study", RecordCodec.json(m.caseStudy)),
        ])
    }

    static func shortlist(_ s: Shortlist) -> JSONValue {
        .object([
            ("request_id", .string(s.requestID)),
            ("candidates", .number(Double(s.candidateCount))),
            ("inferred_service_types", .array(s.inferredServiceTypes.map {
                .object([("code", .string($0.code)), ("share", round($0.share))])
            })),
            ("vendors", .array(s.vendors.enumerated().map { i, v in
                .object([
                    ("rank", .number(Double(i + 1))), ("vendor_id", .string(v.vendorID)), ("name", .string(v.name)),
                    ("score", round(v.score)),
                    ("components", .object(zip(RankingModel.featureNames + ["other"], v.components.values + [v.components.other]).map { ($0, round($1)) })),
                    ("quality", round(v.quality)), ("evaluations", .number(Double(v.evaluationCount))),
                    ("referrals", .array(v.referrals.map {
                        .object([("referrer_type", .string($0.referrerType.rawValue)), ("count", .number(Double($0.count))),
                                 ("contribution", round($0.contribution))])
                    })),
                    ("matched_case_studies", .array(v.matchedCases.map(caseMatch))),
                    ("reasons", .array(v.reasons.map { .string($0) })),
                ])
            })),
        ])
    }
}
