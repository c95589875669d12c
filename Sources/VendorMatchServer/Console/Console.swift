import Foundation
import NIOHTTP1
import SwiftProtobuf
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// The read-only web console (CONTRACT §9): server-rendered pages whose data comes from request frames
/// answered by the router (`call`), with the signed-in key from an HttpOnly cookie, so the console sees
/// exactly what that key may see. Forms use GET with the request's field names; an invalid field is
/// shown next to that field with the validator's message.
struct Console: Sendable {
    let call: @Sendable (Vendormatch_V1_Frame, ContinuousClock.Instant) async -> Vendormatch_V1_Frame
    let taxonomy: Taxonomy
    let insights: ConsoleInsights

    static let cookieName = "vm_key"

    /// Scripts and styles from this origin only, no inline script, no framing.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let path = request.path
        let isRead = request.method == .GET || request.method == .HEAD
        if request.method == .POST {
            switch path {
            case "/session": return await signIn(request)
            case "/session/end": return signOut(request)
            default: return .text(.methodNotAllowed, "the console only reads: use GET\n", headers: [("Allow", "GET, HEAD")])
            }
        }
        guard isRead else { return .text(.methodNotAllowed, "use GET\n", headers: [("Allow", "GET, HEAD")]) }
        let session = Session(key: request.cookie(Self.cookieName).flatMap { $0.isEmpty ? nil : $0 }, query: request.query, path: request.head.uri)
        if path == "/" || path == "/shortlist", !Self.hasSearch(session.query), let failure = await unauthenticated(session) {
            return failurePage(failure, session: session, title: "Sign in")
        }
        switch path {
        case "/favicon.ico": return HTTPResponse(status: .noContent, contentType: "image/x-icon", body: [], headers: [("Cache-Control", "max-age=86400")])
        case "/": return await finder(session)
        case "/cases.csv": return await casesCSV(session)
        case "/shortlist": return await shortlist(session)
        case "/overview": return await overview(session)
        case "/signin": return signInPage(session, message: nil, status: .ok)
        case "/healthz": return await healthz()
        case "/static/console.css":
            return HTTPResponse(status: .ok, contentType: "text/css; charset=utf-8", body: Array(ConsoleAssets.css.utf8),
                                headers: [("Cache-Control", "max-age=300")])
        case "/static/console.js":
            return HTTPResponse(status: .ok, contentType: "text/javascript; charset=utf-8", body: Array(ConsoleAssets.javascript.utf8),
                                headers: [("Cache-Control", "max-age=300")])
        default:
            if path.hasPrefix("/vendors/") {
                let id = String(path.dropFirst("/vendors/".count))
                if !id.isEmpty, !id.contains("/") { return await vendor(id, session) }
            }
            return page(title: "Not found", session: session, status: .notFound) { html in
                html.raw("<h1>Not found</h1><p>There is no page at <code>")
                html.add(path)
                html.raw("</code>. Try the <a href=\"/\">case-study finder</a> or a <a href=\"/shortlist\">shortlist</a>.</p>")
            }
        }
    }

    // MARK: - Calls through the router

    /// What a page knows about its visitor: the key from the cookie, the query, the URL.
    struct Session: Sendable {
        var key: String?
        var query: QueryParameters
        var path: String
    }

    struct CallFailure: Error, Sendable {
        var code: StatusCode
        var message: String
        var field: String?

        /// The form field a validator's field path belongs to (`service_types[1]` → `service_types`).
        var formField: String? {
            guard let field, !field.isEmpty else { return nil }
            return String(field.prefix { $0 != "[" && $0 != "." })
        }
    }

    func rpc<Response: SwiftProtobuf.Message>(
        _ method: VendorMatchMethod, _ message: some SwiftProtobuf.Message, key: String?, as: Response.Type,
        metadata: [String: String] = [:]
    ) async -> Result<Response, CallFailure> {
        var frame = Vendormatch_V1_Frame()
        frame.id = 1
        frame.method = method.path
        do {
            frame.payload = try message.serializedBytes()
        } catch {
            return .failure(CallFailure(code: .internal, message: "\(error)"))
        }
        if let key { frame.metadata[MetadataKey.authorization] = "Bearer \(key)" }
        frame.metadata[MetadataKey.deadlineMilliseconds] = "10000"
        frame.metadata.merge(metadata) { _, new in new }
        let response = await call(frame, .now)
        guard response.statusCode == .ok else {
            return .failure(CallFailure(code: response.statusCode, message: response.status.message,
                                        field: response.status.field.isEmpty ? nil : response.status.field))
        }
        do {
            return .success(try Response(serializedBytes: response.payload))
        } catch {
            return .failure(CallFailure(code: .internal, message: "undecodable response: \(error)"))
        }
    }

    // MARK: - Pages common to all

    func page(title: String, session: Session, status: HTTPResponseStatus = .ok, headers: [(String, String)] = [],
              _ body: (inout HTML) -> Void) -> HTTPResponse {
        var html = HTML()
        html.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.raw("<title>")
        html.add(title)
        html.raw(" · VendorMatch</title><link rel=\"stylesheet\" href=\"/static/console.css\">")
        html.raw("<script src=\"/static/console.js\" defer></script></head><body>")
        html.raw("<a class=\"skip\" href=\"#main\">Skip to content</a><header class=\"top\"><nav aria-label=\"Console\"><ul>")
        for (href, label) in [("/", "Case studies"), ("/shortlist", "Shortlist"), ("/overview", "Overview")] {
            let current = session.path == href || session.path.hasPrefix(href + "?") || (href != "/" && session.path.hasPrefix(href))
            html.raw("<li><a href=\"\(href)\"\(current ? " aria-current=\"page\"" : "")>\(label)</a></li>")
        }
        html.raw("</ul></nav>")
        if session.key != nil {
            html.raw("<form method=\"post\" action=\"/session/end\" class=\"signout\"><button type=\"submit\">Sign out</button></form>")
        } else {
            html.raw("<a class=\"signin-link\" href=\"/signin\">Sign in with a key</a>")
        }
        html.raw("</header><main id=\"main\">")
        body(&html)
        html.raw("</main><footer><p>VendorMatch console · read-only · <a href=\"/healthz\">health</a></p></footer></body></html>\n")
        return HTTPResponse(status: status, contentType: "text/html; charset=utf-8", body: Array(html.text.utf8), headers: [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
        ] + headers)
    }

    /// The page for a call that failed outside any field: sign-in for UNAUTHENTICATED, else the message.
    func failurePage(_ failure: CallFailure, session: Session, title: String) -> HTTPResponse {
        if failure.code == .unauthenticated {
            return signInPage(session, message: failure.message, status: .unauthorized)
        }
        let status: HTTPResponseStatus = ConnectUnary.connectCode(failure.code).status
        return page(title: title, session: session, status: status) { html in
            html.raw("<h1>")
            html.add(title)
            html.raw("</h1><p class=\"notice\" role=\"alert\">")
            html.add(failure.message)
            html.raw("</p>")
        }
    }

    // MARK: - Sign-in

    /// A bare form page calls nothing; whether the visitor must sign in first is asked of the router, with a
    /// GetVendor for no id: authentication comes first, and the missing id then ends the call before any read.
    private func unauthenticated(_ session: Session) async -> CallFailure? {
        if case let .failure(failure) = await rpc(.getVendor, Vendormatch_V1_GetVendorRequest(), key: session.key, as: Vendormatch_V1_GetVendorResponse.self),
           failure.code == .unauthenticated {
            return failure
        }
        return nil
    }

    func signInPage(_ session: Session, message: String?, status: HTTPResponseStatus) -> HTTPResponse {
        let next = Self.localPath(session.path.hasPrefix("/signin") ? (session.query["next"] ?? "/") : session.path)
        return page(title: "Sign in", session: session, status: status) { html in
            html.raw("<h1>Sign in</h1><p>This server requires an API key (<code>vendormatch keys create</code>). ")
            html.raw("The console keeps it in a cookie that scripts cannot read and shows what the key's tenant may see.</p>")
            if let message {
                html.raw("<p class=\"notice\" role=\"alert\" id=\"key-error\">")
                html.add(message)
                html.raw("</p>")
            }
            html.raw("<form method=\"post\" action=\"/session\" class=\"form\"><div class=\"field\"><label for=\"f-key\">API key</label>")
            html.raw("<input id=\"f-key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" required")
            if message != nil { html.raw(" aria-invalid=\"true\" aria-describedby=\"key-error\"") }
            html.raw("></div><input type=\"hidden\" name=\"next\" value=\"")
            html.add(next)
            html.raw("\"><button type=\"submit\">Sign in</button></form>")
        }
    }

    /// Only a path of this site (never `//host` or a scheme) is a place to go back to.
    static func localPath(_ s: String) -> String {
        guard s.hasPrefix("/"), !s.hasPrefix("//"), !s.hasPrefix("/\\"), !s.hasPrefix("/session") else { return "/" }
        return s
    }

    private func signIn(_ request: HTTPRequest) async -> HTTPResponse {
        let form = QueryParameters(formEncoded: String(decoding: request.bodyBytes, as: UTF8.self))
        let next = Self.localPath(form["next"] ?? "/")
        let session = Session(key: nil, query: QueryParameters([("next", next)]), path: "/signin")
        guard let key = form["key"] else {
            return signInPage(session, message: "Enter an API key.", status: .badRequest)
        }
        // The key is checked by the router like any call's.
        if case let .failure(failure) = await rpc(.stats, Vendormatch_V1_StatsRequest(), key: key, as: Vendormatch_V1_StatsResponse.self),
           failure.code == .unauthenticated || failure.code == .permissionDenied {
            return signInPage(session, message: failure.message, status: .unauthorized)
        }
        let secure = request.isSecure ? "; Secure" : ""
        return HTTPResponse(status: .seeOther, contentType: "text/plain; charset=utf-8", body: Array("signed in\n".utf8), headers: [
            ("Location", next),
            ("Set-Cookie", "\(Self.cookieName)=\(QueryParameters.escape(key)); Path=/; HttpOnly; SameSite=Strict\(secure)"),
        ])
    }

    private func signOut(_ request: HTTPRequest) -> HTTPResponse {
        let secure = request.isSecure ? "; Secure" : ""
        return HTTPResponse(status: .seeOther, contentType: "text/plain; charset=utf-8", body: Array("signed out\n".utf8), headers: [
            ("Location", "/"),
            ("Set-Cookie", "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict\(secure)"),
        ])
    }

    // MARK: - Health

    private func healthz() async -> HTTPResponse {
        switch await rpc(.health, Vendormatch_V1_HealthRequest(), key: nil, as: Vendormatch_V1_HealthResponse.self) {
        case let .success(health) where health.status == "SERVING":
            return .text(.ok, "SERVING \(health.version)\n")
        case let .success(health):
            return .text(.serviceUnavailable, "\(health.status)\n")
        case let .failure(failure):
            return .text(.serviceUnavailable, "\(failure.message)\n")
        }
    }
}
