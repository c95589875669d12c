import Foundation
import VendorMatchCore

/// Turns free text into normalised terms: lower-cased words, domain synonyms folded to one form,
/// stop words dropped, a light English stemmer, plus bigrams of neighbouring terms.
///
/// "a native iOS and Android app for our customers" → `nativ`, `io`, `android`, `app`, `custom`, and the
/// bigrams `nativ io`, `io android`, ….
public struct LexicalAnalyzer: Sendable {
    /// What becomes of a word before stemming: dropped, or replaced by its canonical form.
    private enum Rule {
        case drop
        case fold(String)
    }

    /// Stop words and synonyms in one table, so a word costs one lookup: a synonym folded to a stop
    /// word or to a single letter is dropped, like a stop word.
    private let rules: [String: Rule]

    public init(synonyms: [String: String] = [:]) {
        var rules: [String: Rule] = [:]
        for word in LexicalAnalyzer.stopWords { rules[word] = .drop }
        for (variant, folded) in synonyms {
            rules[variant] = folded.utf8.count < 2 || LexicalAnalyzer.stopWords.contains(folded)
                ? .drop : .fold(LexicalAnalyzer.stem(folded))
        }
        self.rules = rules
    }

    /// Reads `lexicon/synonyms.tsv` (`variant<TAB>canonical`, `#` comments) under a models directory;
    /// no file means no synonyms.
    public static func load(modelsDirectory: URL) -> LexicalAnalyzer {
        let url = modelsDirectory.appendingPathComponent("lexicon/synonyms.tsv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return LexicalAnalyzer() }
        return LexicalAnalyzer(synonymsTSV: text)
    }

    public init(synonymsTSV text: String) {
        var map: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t")
            if parts.count >= 2 { map[String(parts[0]).lowercased()] = String(parts[1]).lowercased() }
        }
        self.init(synonyms: map)
    }

    /// Unigram terms then bigrams.
    public func terms(_ text: String) -> [String] {
        let words = words(text)
        var out = words
        if words.count > 1 {
            for i in 0..<(words.count - 1) where words[i] != words[i + 1] { out.append(words[i] + " " + words[i + 1]) }
        }
        return out
    }

    /// The unigram terms, in text order (`terms` without the bigrams).
    public func words(_ text: String) -> [String] {
        var words: [String] = []
        forEachToken(text) { token, bytes in
            if let term = term(ofToken: token, bytes: &bytes) { words.append(term) }
        }
        return words
    }

    /// Calls `body` with every token of `text`, in order: a run of letters and digits, lower-cased, with
    /// inner hyphens ("e-commerce"), before stop words, synonyms and stemming. `bytes` is the token's
    /// UTF-8, scratch that `term(ofToken:bytes:)` may change.
    func forEachToken(_ text: String, _ body: (_ token: String, _ bytes: inout [UInt8]) -> Void) {
        var current: [UInt8] = []
        current.reserveCapacity(32)
        func flush() {
            while current.last == UInt8(ascii: "-") { current.removeLast() }
            guard !current.isEmpty else { return }
            body(String(decoding: current, as: UTF8.self), &current)
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let b = UInt8(v)
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): current.append(b)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): current.append(b + 32)
                case UInt8(ascii: "-") where !current.isEmpty: current.append(b) // "e-commerce", "lift-and-shift"
                default: flush()
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(contentsOf: Array(String(scalar).lowercased().utf8))
            } else {
                flush()
            }
        }
        flush()
    }

    /// The term a token becomes, or `nil` when it is dropped (a stop word, a single character, a synonym
    /// of either). Stems `bytes` (the token's UTF-8) in place.
    func term(ofToken token: String, bytes: inout [UInt8]) -> String? {
        switch rules[token] {
        case .drop: return nil
        case let .fold(stemmed): return stemmed
        case nil:
            if bytes.count < 2 { return nil }
            // Stemmed in place on the bytes at hand: no second copy of the word.
            return LexicalAnalyzer.stemBytes(&bytes) ? String(decoding: bytes, as: UTF8.self) : token
        }
    }

    /// A light suffix stripper (a small subset of Porter's steps): enough to fold plurals and common
    /// verb and noun endings, never below three letters.
    public static func stem(_ word: String) -> String {
        var w = Array(word.utf8)
        return stemBytes(&w) ? String(decoding: w, as: UTF8.self) : word
    }

    /// `stem` on UTF-8 bytes, in place; `false` when the word is left as it is.
    static func stemBytes(_ w: inout [UInt8]) -> Bool {
        guard w.count > 4, !w.contains(UInt8(ascii: "-")) else { return false }
        for (suffix, replacement) in suffixBytes where w.count - suffix.count >= 3 && w.suffix(suffix.count).elementsEqual(suffix) {
            w.removeLast(suffix.count)
            w.append(contentsOf: replacement)
            break
        }
        if w.last == UInt8(ascii: "e"), w.count > 4 { w.removeLast() }
        return true
    }

    private static let suffixBytes: [([UInt8], [UInt8])] = suffixes.map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static let suffixes: [(String, String)] = [
        ("izations", "ize"), ("isations", "ize"), ("ization", "ize"), ("isation", "ize"), ("ational", "ate"),
        ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"), ("ations", "ate"), ("ation", "ate"),
        ("ements", ""), ("ement", ""), ("ments", ""), ("ment", ""), ("ities", ""), ("ity", ""),
        ("ising", "ize"), ("izing", "ize"), ("ised", "ize"), ("ized", "ize"), ("ises", "ize"), ("izes", "ize"),
        ("ings", ""), ("ing", ""), ("ies", "y"), ("ers", ""), ("er", ""), ("ed", ""), ("ness", ""), ("ly", ""),
        ("sses", "ss"), ("es", ""), ("s", ""),
    ]

    static let stopWords: Set<String> = [
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by",
        "can", "could", "do", "does", "for", "from", "get", "got", "had", "has", "have", "help", "helped",
        "how", "i", "if", "in", "into", "is", "it", "its", "just", "more", "most", "much", "need", "needed",
        "needs", "new", "no", "not", "now", "of", "on", "one", "or", "our", "ours", "out", "over", "own", "so",
        "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
        "those", "to", "too", "up", "us", "use", "used", "using", "very", "want", "wanted", "was", "we",
        "were", "what", "when", "which", "while", "who", "will", "with", "within", "without", "would", "you",
        "your", "looking", "seeking", "require", "requires", "required", "company", "team", "teams", "project",
        "partner", "vendor", "provider", "someone", "who", "across", "via", "per", "able", "like",
    ]
}
