import Foundation

/// What an API key may do (CONTRACT §6). `admin` includes `read` and `write`: it is the scope of
/// `serve --auth-token`, which has always allowed every method.
public struct KeyScopes: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Shortlist, FindCaseStudies, GetVendor, Stats.
    public static let read = KeyScopes(rawValue: 1 << 0)
    /// RecordReferrals and RecordOutcomes for the key's own tenant.
    public static let write = KeyScopes(rawValue: 1 << 1)
    /// Catalogue-wide writes (vendors, case studies, referrals without `buyer_org`, any buyer's
    /// referrals and outcomes) and key administration; implies `read` and `write`.
    public static let admin = KeyScopes(rawValue: 1 << 2)

    public static let all: KeyScopes = [.read, .write, .admin]

    private static let names: [(String, KeyScopes)] = [("read", .read), ("write", .write), ("admin", .admin)]

    /// Whether a caller holding these scopes may do what `needed` allows (admin covers everything).
    public func grants(_ needed: KeyScopes) -> Bool {
        contains(.admin) || isSuperset(of: needed)
    }

    /// Parses a comma-separated list (`read,write`); unknown or empty names are an `invalidInput` error.
    public init(parsing text: String) throws(VMError) {
        var scopes: KeyScopes = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let scope = Self.names.first(where: { $0.0 == name })?.1 else {
                throw VMError(.invalidInput, "unknown scope \"\(name)\" (scopes are read, write, admin)", field: "scopes")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else { throw VMError(.invalidInput, "no scope given (scopes are read, write, admin)", field: "scopes") }
        self = scopes
    }

    /// `read,write` — the form `init(parsing:)` reads and the key table stores.
    public var description: String {
        Self.names.filter { contains($0.1) }.map(\.0).joined(separator: ",")
    }
}
