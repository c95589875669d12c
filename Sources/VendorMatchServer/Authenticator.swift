import VendorMatchCore
import VendorMatchStore
import VendorMatchWire

/// Finds the `Caller` of a request from its `authorization: Bearer …` metadata: the `--auth-token`
/// token, or an API key of the store (`KeyChecking`: SQLite's `KeyRing`, PostgreSQL's key watch). With neither a token nor any key, everyone is
/// `Caller.unrestricted`; otherwise every method but Health needs one (UNAUTHENTICATED).
struct Authenticator: Sendable {
    let token: BearerAuthorizer?
    let keys: (any KeyChecking)?

    init(token: String?, keys: (any KeyChecking)?) {
        self.token = token.map(BearerAuthorizer.init(token:))
        self.keys = keys
    }

    func caller(for method: VendorMatchMethod, header: String?) throws(VMError) -> Caller {
        if method == .health { return .unrestricted }
        if let token, token.isAuthorized(header) { return .unrestricted }
        let current = try keys?.current()
        guard token != nil || current?.areRequired == true else { return .unrestricted }
        guard let header else {
            throw VMError(.unauthenticated, "missing authorization: send metadata \"authorization: Bearer <key>\"")
        }
        if let current, header.hasPrefix("Bearer "), let key = current.verify(String(header.dropFirst("Bearer ".count))) {
            return Caller(key)
        }
        throw VMError(.unauthenticated, "wrong authorization: the key is unknown, revoked or mistyped (send \"authorization: Bearer <key>\")")
    }
}
