import Foundation
import Testing
@testable import VendorMatchServer

/// The console's text helpers: escaping by hand-worked examples, number formatting against printf's.
@Suite struct ConsoleFormattingTests {
    @Test func escapeReplacesTheFiveCharactersAndKeepsEverythingElse() {
        #expect(HTML.escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;")
        #expect(HTML.escape("Zürich & Co's \"Ops\" 🚀") == "Zürich &amp; Co&#39;s &quot;Ops&quot; 🚀")
        #expect(HTML.escape("plain text, ünïcödé") == "plain text, ünïcödé")
        #expect(HTML.escape("") == "")
        #expect(HTML.escape("&&") == "&amp;&amp;")
    }

    @Test func numbersAreFormattedAsPrintfFormatsThem() {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 2.5, 0.0004, -0.0004, 1234.5678, -0.2671, 3.2345, 1e9, -7.0001]
        for _ in 0..<2_000 { values.append((next() - 0.5) * pow(10, Double(Int(next() * 8)) - 3)) }
        var differences: [String] = []
        for x in values {
            for digits in 0...4 {
                if fixed(x, digits) != String(format: "%.\(digits)f", x) { differences.append("fixed(\(x), \(digits)) = \(fixed(x, digits))") }
                if signed(x, digits) != String(format: "%+.\(digits)f", x) { differences.append("signed(\(x), \(digits)) = \(signed(x, digits))") }
            }
            if percent(x) != String(format: "%.0f%%", x * 100) { differences.append("percent(\(x)) = \(percent(x))") }
        }
        // printf rounds the exact binary value (ties to even); ours rounds the scaled double: they may differ
        // only where scaling lands a value exactly on a tie, which random values almost never do.
        #expect(differences.count <= 2, "\(differences.prefix(5))")
        #expect(fixed(.nan) == String(format: "%.3f", Double.nan))
        #expect(signed(0.25, 1) == "+0.2")
        #expect(fixed(2.5, 0) == "2")
        #expect(fixed(-0.0001) == "-0.000")
    }
}
