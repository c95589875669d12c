import Foundation

/// Builds HTML text; every value from the catalogue or the request goes through `escape`.
struct HTML: Sendable {
    private(set) var text = ""

    init() {}

    /// Appends trusted markup (literals of this file's callers only).
    mutating func raw(_ s: String) { text += s }

    /// Appends text, escaped.
    mutating func add(_ s: String) { text += HTML.escape(s) }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// `escape` as a short spelling inside string interpolations of markup.
func h(_ s: String) -> String { HTML.escape(s) }

/// A path segment or query value, percent-encoded.
func urlComponent(_ s: String) -> String { QueryParameters.escape(s) }

func fixed(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

func signed(_ x: Double, _ digits: Int = 3) -> String { String(format: "%+.\(digits)f", x) }

func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
