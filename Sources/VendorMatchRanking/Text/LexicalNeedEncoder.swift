import Foundation

/// TF-IDF over normalised unigrams and bigrams (`LexicalAnalyzer`): sublinear term frequency, smoothed
/// inverse document frequency, L2-normalised, so a dot product is a cosine similarity.
public struct LexicalNeedEncoder: NeedEncoder {
    public let analyzer: LexicalAnalyzer
    private(set) var vocabulary: [String: Int32] = [:]
    /// Bigram term ids by the ids of their two words (both are always in the vocabulary: a bigram is
    /// learned with the words of its text), so encoding looks bigrams up without building their text.
    private var bigrams: [UInt64: Int32] = [:]
    /// The term id of every token the catalogue's texts contain, or -1 for a token the analyzer drops:
    /// one lookup per word when encoding a request, instead of stop words, synonyms, stemming and the
    /// vocabulary. Other tokens take the analyzer's way.
    private var tokenIDs: [String: Int32] = [:]
    private(set) var documentFrequency: [Int32] = []
    private(set) var documentCount = 0

    public var name: String { "lexical" }

    public init(analyzer: LexicalAnalyzer) {
        self.analyzer = analyzer
    }

    public mutating func learn(_ text: String) {
        documentCount += 1
        // First-occurrence order, not a Set's: term ids (and so floating-point sums) must not depend
        // on hashing seeds, or two engines over the same catalogue could break ties differently.
        var seen = Set<String>()
        var words: [String] = [], tokens: [(token: String, word: Int)] = []
        analyzer.forEachToken(text) { token, bytes in
            guard let term = analyzer.term(ofToken: token, bytes: &bytes) else {
                tokenIDs[token] = -1
                return
            }
            tokens.append((token, words.count))
            words.append(term)
        }
        func count(_ term: String) -> Int32 {
            if let id = vocabulary[term] {
                if seen.insert(term).inserted { documentFrequency[Int(id)] += 1 }
                return id
            }
            seen.insert(term)
            let id = Int32(documentFrequency.count)
            vocabulary[term] = id
            documentFrequency.append(1)
            return id
        }
        let ids = words.map(count)
        for (token, word) in tokens { tokenIDs[token] = ids[word] }
        if words.count > 1 {
            for i in 0..<(words.count - 1) where words[i] != words[i + 1] {
                bigrams[LexicalNeedEncoder.pair(ids[i], ids[i + 1])] = count(words[i] + " " + words[i + 1])
            }
        }
    }

    @inline(__always)
    private static func pair(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    public func encode(_ text: String) -> SparseVector {
        // Term ids ascending, then counted by runs (no dictionary per request).
        var words: [Int32?] = []
        analyzer.forEachToken(text) { token, bytes in
            if let id = tokenIDs[token] {
                if id >= 0 { words.append(id) }
            } else if let term = analyzer.term(ofToken: token, bytes: &bytes) {
                words.append(vocabulary[term]) // nil: a word the catalogue never used (it breaks bigrams)
            }
        }
        var ids = words.compactMap { $0 }
        if words.count > 1 {
            for i in 0..<(words.count - 1) {
                // A pair with an unknown word, or a word twice, has no bigram.
                guard let a = words[i], let b = words[i + 1], a != b, let id = bigrams[LexicalNeedEncoder.pair(a, b)] else { continue }
                ids.append(id)
            }
        }
        guard !ids.isEmpty else { return SparseVector() }
        ids.sort()
        var counts: [(key: Int32, value: Int)] = []
        for id in ids {
            if let last = counts.last, last.key == id { counts[counts.count - 1].value += 1 } else { counts.append((id, 1)) }
        }
        let n = Double(max(documentCount, 1))
        var pairs: [(Int32, Float)] = []
        pairs.reserveCapacity(counts.count)
        var norm = 0.0
        for (id, tf) in counts {
            let df = Double(documentFrequency[Int(id)])
            let w = (1 + log(Double(tf))) * log((n + 1) / (df + 0.5))
            guard w > 0 else { continue }
            pairs.append((id, Float(w)))
            norm += w * w
        }
        guard norm > 0 else { return SparseVector() }
        let inv = Float(1 / norm.squareRoot())
        return SparseVector(ids: pairs.map(\.0), weights: pairs.map { $0.1 * inv })
    }
}
