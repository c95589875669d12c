/// The three data files an import reads, in the order it reads them (vendors first, so case studies
/// and referrals may refer to vendors of the same import).
public enum RecordKind: String, Sendable, CaseIterable {
    case vendors, caseStudies, referrals

    /// `vendors.jsonl`, `case_studies.jsonl`, `referrals.jsonl`.
    public var fileName: String {
        switch self {
        case .vendors: return "vendors.jsonl"
        case .caseStudies: return "case_studies.jsonl"
        case .referrals: return "referrals.jsonl"
        }
    }

    /// The table, also the plural used in messages with `_` for space.
    package var table: String {
        switch self {
        case .vendors: return "vendors"
        case .caseStudies: return "case_studies"
        case .referrals: return "referrals"
        }
    }
}
