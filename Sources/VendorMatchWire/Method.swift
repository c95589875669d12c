/// The methods of `service VendorMatch`, by gRPC-style path.
public enum VendorMatchMethod: String, CaseIterable, Sendable {
    case shortlist = "/vendormatch.v1.VendorMatch/Shortlist"
    case findCaseStudies = "/vendormatch.v1.VendorMatch/FindCaseStudies"
    case upsertVendors = "/vendormatch.v1.VendorMatch/UpsertVendors"
    case upsertCaseStudies = "/vendormatch.v1.VendorMatch/UpsertCaseStudies"
    case recordReferrals = "/vendormatch.v1.VendorMatch/RecordReferrals"
    case recordOutcomes = "/vendormatch.v1.VendorMatch/RecordOutcomes"
    case getVendor = "/vendormatch.v1.VendorMatch/GetVendor"
    case deleteVendor = "/vendormatch.v1.VendorMatch/DeleteVendor"
    case health = "/vendormatch.v1.VendorMatch/Health"
    case stats = "/vendormatch.v1.VendorMatch/Stats"

    /// The method path, as sent in `Frame.method`.
    public var path: String { rawValue }

    /// The short name (`Shortlist`).
    public var name: String { String(rawValue.split(separator: "/").last ?? "") }

    /// Whether the server answers the method on the connection's event loop: Health only (no keys, no
    /// SQLite, a few microseconds). Every other method runs on the server's bounded worker pool.
    public var isServedInline: Bool { self == .health }

    /// Whether the method changes the catalogue.
    public var isWrite: Bool {
        switch self {
        case .upsertVendors, .upsertCaseStudies, .recordReferrals, .recordOutcomes, .deleteVendor: return true
        default: return false
        }
    }
}

/// Metadata keys of `Frame.metadata`.
public enum MetadataKey {
    /// `Bearer <token>`.
    public static let authorization = "authorization"
    /// Milliseconds the client will wait, counted from when the server read the request.
    public static let deadlineMilliseconds = "deadline-ms"
    /// On a write's response: the catalogue version the write made (decimal, only grows; CONTRACT §8).
    /// On Health's: the version the serving process has applied.
    public static let catalogueVersion = "catalogue-version"
    /// On a request: answer only once the serving process has applied this catalogue version.
    public static let minimumCatalogueVersion = "min-catalogue-version"
    /// On Health's response: versions committed but not yet applied, and for how long (milliseconds).
    public static let catalogueLagVersions = "catalogue-lag-versions"
    public static let catalogueLagMilliseconds = "catalogue-lag-ms"
    /// On a Shortlist: `off` keeps it out of the shortlist log that outcomes are joined to (a preview, or
    /// the console's vendor profile, is not a shortlist a buyer was shown).
    public static let shortlistLog = "shortlist-log"
}
