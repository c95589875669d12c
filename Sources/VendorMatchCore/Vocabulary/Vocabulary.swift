/// Company size by employees, ordered.
public enum SizeBand: Int, Sendable, CaseIterable, Comparable, Hashable {
    case micro = 0, small, medium, large, enterprise, global

    public static let labels = ["1-9", "10-49", "50-249", "250-999", "1000-9999", "10000+"]

    public init?(label: String) {
        guard let i = SizeBand.labels.firstIndex(of: label) else { return nil }
        self.init(rawValue: i)
    }

    /// The contract's spelling (`1000-9999`).
    public var label: String { SizeBand.labels[rawValue] }

    /// For prose: `1000–9999-employee`.
    public var prose: String { label.replacingOccurrences(of: "-", with: "–") }

    public static func < (a: SizeBand, b: SizeBand) -> Bool { a.rawValue < b.rawValue }
}

/// Who gave a referral, with the survey's default influence weight.
public enum ReferrerType: String, Sendable, CaseIterable, Hashable {
    case pastClient = "past_client"
    case buyerPartner = "buyer_partner"
    case buyerInternal = "buyer_internal"
    case institution = "institution"
    case personalNetwork = "personal_network"
    case priorEmployer = "prior_employer"

    /// Share of 1,085 procurement projects in which this source mattered (CONTRACT §1).
    public var defaultWeight: Double {
        switch self {
        case .pastClient: return 0.42
        case .buyerPartner: return 0.19
        case .buyerInternal: return 0.19
        case .institution: return 0.11
        case .personalNetwork: return 0.06
        case .priorEmployer: return 0.02
        }
    }

    /// Types that describe a relation to one buyer: they count only with `buyer_org`, for that buyer.
    public var isBuyerRelative: Bool {
        switch self {
        case .pastClient, .institution: return false
        default: return true
        }
    }

    /// For prose, plural: "past clients", "partners of yours".
    public var prosePlural: String {
        switch self {
        case .pastClient: return "past clients"
        case .buyerPartner: return "partners of yours"
        case .buyerInternal: return "colleagues in your organisation"
        case .institution: return "institutions"
        case .personalNetwork: return "personal contacts"
        case .priorEmployer: return "former employers"
        }
    }

    /// For prose: "past client", "partner of yours".
    public var prose: String {
        switch self {
        case .pastClient: return "past client"
        case .buyerPartner: return "partner of yours"
        case .buyerInternal: return "colleague in your organisation"
        case .institution: return "institution"
        case .personalNetwork: return "personal contact"
        case .priorEmployer: return "former employer"
        }
    }
}

/// The evaluation dimensions of CONTRACT §1.
public enum EvaluationDimension: String, Sendable, CaseIterable {
    case responsiveness, communication, expertise
    case onTime = "on_time"
    case effectiveness
}

public enum Vocabulary {
    public static func isRegion(_ s: String) -> Bool { ISOCodes.countries.contains(s) }
    public static func isLanguage(_ s: String) -> Bool { ISOCodes.languages.contains(s) }

    /// `ISO 9001` → `iso9001`: lower case, letters and digits only.
    public static func normalizeCertification(_ s: String) -> String {
        String(String.UnicodeScalarView(s.lowercased().unicodeScalars.filter {
            $0.properties.isAlphabetic || $0.properties.numericType != nil
        }))
    }
}
