import Foundation

/// Builds HTML text; every value from the catalogue or the request goes through `escape`.
struct HTML: Sendable {
    private(set) var text = ""

    init() {}

    /// Appends trusted markup (literals of this file's callers only).
    mutating func raw(_ s: String) { text += s }

    /// Appends text, escaped.
    mutating func add(_ s: String) { text += HTML.escape(s) }

    /// `s` with `& < > " '` replaced by their entities; byte by byte over the UTF-8 (the five are ASCII,
    /// and no byte of a multi-byte character is), returning `s` itself when it has none of them.
    static func escape(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes -> String in
            guard bytes.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            for b in bytes {
                switch b {
                case 0x26: out += Array("&amp;".utf8)
                case 0x3C: out += Array("&lt;".utf8)
                case 0x3E: out += Array("&gt;".utf8)
                case 0x22: out += Array("&quot;".utf8)
                case 0x27: out += Array("&#39;".utf8)
                default: out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// `escape` as a short spelling inside string interpolations of markup.
func h(_ s: String) -> String { HTML.escape(s) }

/// A path segment or query value, percent-encoded.
func urlComponent(_ s: String) -> String { QueryParameters.escape(s) }

/// `x` with `digits` decimals, as `%.{digits}f` prints it (ties to even), without
/// Foundation's formatter: a page prints hundreds of numbers.
func fixed(_ x: Double, _ digits: Int = 3) -> String { decimal(x, digits: digits, plus: false) }

/// `fixed` with a sign always (`%+.{digits}f`).
func signed(_ x: Double, _ digits: Int = 3) -> String { decimal(x, digits: digits, plus: true) }

func percent(_ x: Double) -> String { decimal(x * 100, digits: 0, plus: false) + "%" }

private func decimal(_ x: Double, digits: Int, plus: Bool) -> String {
    let scale = [1.0, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
    guard x.isFinite, digits >= 0, digits < scale.count, abs(x) * scale[digits] < 1e15 else {
        return String(format: plus ? "%+.\(digits)f" : "%.\(digits)f", x)
    }
    let units = Int64((abs(x) * scale[digits]).rounded(.toNearestOrEven))
    let whole = units / Int64(scale[digits]), fraction = units % Int64(scale[digits])
    var out = x.sign == .minus ? "-" : (plus ? "+" : "")
    out += String(whole)
    if digits > 0 {
        let f = String(fraction)
        out += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return out
}
