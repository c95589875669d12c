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
}
