import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP request, read whole (head and body) before it is handled.
struct HTTPRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    /// When the request's last byte was read: the start of a `Connect-Timeout-Ms` deadline.
    var receivedAt: ContinuousClock.Instant
    /// Whether the connection is TLS (cookies get `Secure`).
    var isSecure = false

    var method: HTTPMethod { head.method }

    /// The path without the query, percent-decoded.
    var path: String {
        let raw = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The query's parameters in order (`application/x-www-form-urlencoded`: `+` is a space).
    var query: QueryParameters {
        guard let q = head.uri.firstIndex(of: "?") else { return QueryParameters([]) }
        return QueryParameters(formEncoded: String(head.uri[head.uri.index(after: q)...]))
    }

    var bodyBytes: [UInt8] { Array(body.readableBytesView) }

    func header(_ name: String) -> String? { head.headers.first(name: name) }

    /// A cookie's value from the `Cookie` header.
    func cookie(_ name: String) -> String? {
        for line in head.headers["Cookie"] {
            for pair in line.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == name {
                    return kv[1].trimmingCharacters(in: .whitespaces).removingPercentEncoding
                }
            }
        }
        return nil
    }
}

/// Ordered `name=value` pairs of a query string or a form body.
struct QueryParameters: Sendable {
    var pairs: [(String, String)]

    init(_ pairs: [(String, String)]) { self.pairs = pairs }

    init(formEncoded: String) {
        func decode(_ s: Substring) -> String {
            let spaced = s.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        pairs = formEncoded.split(separator: "&").map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    /// The first non-empty value (trimmed) of `name`.
    subscript(name: String) -> String? {
        pairs.first { $0.0 == name && !$0.1.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { $0.1.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Every non-empty value of `name`, trimmed.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.0 == name }.map { $0.1.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The query string (without `?`) of these pairs.
    var encoded: String {
        pairs.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// One HTTP response, written whole with its `Content-Length`.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Close the connection once written.
    var close = false

    init(status: HTTPResponseStatus, contentType: String, body: [UInt8], headers: [(String, String)] = [], close: Bool = false) {
        self.status = status
        self.headers = HTTPHeaders([("Content-Type", contentType)] + headers)
        self.body = body
        self.close = close
    }

    static func text(_ status: HTTPResponseStatus, _ text: String, headers: [(String, String)] = [], close: Bool = false) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8), headers: headers, close: close)
    }
}
