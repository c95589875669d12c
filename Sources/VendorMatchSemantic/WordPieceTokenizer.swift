import Foundation
import VendorMatchCore

/// BERT's uncased WordPiece tokenizer, exactly as all-MiniLM-L6-v2's `tokenizer.json` configures the
/// HuggingFace tokenizer: special tokens matched in the raw text, then `BertNormalizer` (control
/// characters removed, whitespace made a space, CJK ideographs spaced, NFD accent stripping,
/// lower-casing), `BertPreTokenizer` (split on whitespace, every punctuation character its own word),
/// greedy longest-match-first `WordPiece` with `##` continuations (a word longer than 100 characters,
/// or one that cannot be covered, is `[UNK]`), and `[CLS] … [SEP]` truncated to `maxTokens`.
public struct WordPieceTokenizer: Sendable {
    /// The model's sequence limit, `[CLS]` and `[SEP]` included.
    public static let defaultMaxTokens = 256
    static let maxCharactersPerWord = 100

    /// Vocabulary keyed by UTF-8 bytes: Swift `String` equality is canonical equivalence, the
    /// reference compares bytes.
    private let ids: [[UInt8]: Int32]
    /// Special tokens matched verbatim in the input before normalisation (`normalized: false`).
    private let specials: [(bytes: [UInt8], id: Int32)]
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    public let vocabularySize: Int

    /// Builds the tokenizer from the vocabulary's tokens in id order.
    public init(tokens: [String]) throws(VMError) {
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (i, token) in tokens.enumerated() where ids[Array(token.utf8)] == nil {
            ids[Array(token.utf8)] = Int32(i)
        }
        func id(_ token: String) throws(VMError) -> Int32 {
            guard let id = ids[Array(token.utf8)] else {
                throw VMError(.invalidInput, "WordPiece vocabulary lacks the special token \(token)")
            }
            return id
        }
        self.ids = ids
        unknownID = try id("[UNK]")
        classifierID = try id("[CLS]")
        separatorID = try id("[SEP]")
        var specials: [(bytes: [UInt8], id: Int32)] = []
        for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] {
            specials.append((Array(token.utf8), try id(token)))
        }
        self.specials = specials
        vocabularySize = tokens.count
    }

    /// Reads `vocab.txt` (one token per line, id = line number − 1).
    public init(vocabularyFile url: URL) throws(VMError) {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw VMError(.io, "cannot read the WordPiece vocabulary \(url.path)", cause: error)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines)
    }

    /// Token ids of `text`: `[CLS]`, at most `maxTokens − 2` word pieces, `[SEP]`.
    public func encode(_ text: String, maxTokens: Int = defaultMaxTokens) -> [Int32] {
        let budget = max(0, maxTokens - 2)
        var out: [Int32] = [classifierID]
        out.reserveCapacity(min(maxTokens, text.utf8.count + 2))
        var segmentStart = text.unicodeScalars.startIndex
        var i = segmentStart
        let bytes = text.utf8
        // Special tokens are ASCII, so a byte-level scan that only stops at "[" stays on scalar boundaries.
        var index = bytes.startIndex
        while index != bytes.endIndex, out.count - 1 < budget {
            if bytes[index] == UInt8(ascii: "["), let special = special(at: index, in: bytes) {
                i = index
                appendPieces(of: text.unicodeScalars[segmentStart..<i], to: &out, budget: budget)
                if out.count - 1 < budget { out.append(special.id) }
                index = bytes.index(index, offsetBy: special.length)
                segmentStart = index
            } else {
                index = bytes.index(after: index)
            }
        }
        if out.count - 1 < budget {
            appendPieces(of: text.unicodeScalars[segmentStart..<text.unicodeScalars.endIndex], to: &out, budget: budget)
        }
        out.append(separatorID)
        return out
    }

    private func special(at index: String.Index, in bytes: String.UTF8View) -> (id: Int32, length: Int)? {
        var best: (id: Int32, length: Int)?
        for special in specials {
            var j = index
            var matched = true
            for b in special.bytes {
                guard j != bytes.endIndex, bytes[j] == b else { matched = false; break }
                j = bytes.index(after: j)
            }
            if matched, special.bytes.count > (best?.length ?? 0) { best = (special.id, special.bytes.count) }
        }
        return best
    }

    /// Normalises a span of text without special tokens, splits it into words and appends their pieces.
    private func appendPieces(of span: Substring.UnicodeScalarView, to out: inout [Int32], budget: Int) {
        if span.isEmpty { return }
        let normalized = Self.normalize(span)
        var word: [Unicode.Scalar] = []
        word.reserveCapacity(32)
        for scalar in normalized {
            if out.count - 1 >= budget { return }
            if scalar == " " {
                appendWord(word, to: &out, budget: budget)
                word.removeAll(keepingCapacity: true)
            } else if Self.isPunctuation(scalar) {
                appendWord(word, to: &out, budget: budget)
                word.removeAll(keepingCapacity: true)
                appendWord([scalar], to: &out, budget: budget)
            } else {
                word.append(scalar)
            }
        }
        appendWord(word, to: &out, budget: budget)
    }

    /// Greedy longest-match-first WordPiece over one word.
    private func appendWord(_ word: [Unicode.Scalar], to out: inout [Int32], budget: Int) {
        if word.isEmpty || out.count - 1 >= budget { return }
        if word.count > Self.maxCharactersPerWord {
            out.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        var key: [UInt8] = []
        key.reserveCapacity(64)
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(0x23); key.append(0x23) }  // "##"
                for s in word[start..<end] { Self.appendUTF8(s, to: &key) }
                if let id = ids[key] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                out.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
        for piece in pieces where out.count - 1 < budget { out.append(piece) }
    }

    // MARK: - BertNormalizer

    /// clean_text, handle_chinese_chars, strip_accents (NFD, drop Mn), lowercase — in the reference's order.
    static func normalize(_ span: Substring.UnicodeScalarView) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        var ascii = true
        for s in span {
            if s.value == 0 || s.value == 0xFFFD || isControl(s) { continue }
            if isWhitespace(s) {
                cleaned.append(" ")
            } else if isChineseCharacter(s) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
                ascii = false
            } else {
                if !s.isASCII { ascii = false }
                cleaned.append(s)
            }
        }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(cleaned.count)
        if ascii {
            for s in cleaned {
                result.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
            }
            return result
        }
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
        for s in decomposed.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
            if s.properties.changesWhenLowercased {
                result.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            } else {
                result.append(s)
            }
        }
        return result
    }

    /// Rust's `char::is_whitespace` (the White_Space property) plus tab, newline and return.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "\t", "\n", "\r", " ": return true
        default: return s.value > 0x7F ? s.properties.isWhitespace : false
        }
    }

    /// General category C (Cc, Cf, Cs, Co, Cn), except tab, newline and return.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "\t", "\n", "\r": return false
        default:
            if s.value >= 0x20 && s.value < 0x7F { return false }
            switch s.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned: return true
            default: return false
            }
        }
    }

    /// ASCII punctuation (including `$+<=>^`|~`) or any Unicode punctuation category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        if v < 0x80 { return false }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks the reference spaces out.
    static func isChineseCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    private static func appendUTF8(_ s: Unicode.Scalar, to bytes: inout [UInt8]) {
        let v = s.value
        switch v {
        case 0..<0x80:
            bytes.append(UInt8(v))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (v >> 6)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (v >> 12)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (v >> 18)))
            bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
