/// Everything the ranker knows about the market: a plain snapshot of the three record kinds.
/// Storage produces it; the ranking index is built from it.
public struct Catalogue: Sendable, Equatable {
    public var vendors: [Vendor]
    public var caseStudies: [CaseStudy]
    public var referrals: [Referral]

    public init(vendors: [Vendor] = [], caseStudies: [CaseStudy] = [], referrals: [Referral] = []) {
        self.vendors = vendors
        self.caseStudies = caseStudies
        self.referrals = referrals
    }

    public var isEmpty: Bool { vendors.isEmpty }
}
