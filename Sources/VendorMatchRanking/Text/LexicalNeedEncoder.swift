import Foundation
import VendorMatchCore

/// TF-IDF over normalised unigrams and bigrams (`LexicalAnalyzer`): sublinear term frequency, smoothed
/// inverse document frequency, L2-normalised, so a dot product is a cosine similarity.
///
/// The corpus statistics are either learned (`learn`) or given (`init(analyzer:statistics:)`): frozen
/// statistics make encoding a function of the text alone, whatever was written to the catalogue since.
public struct LexicalNeedEncoder: NeedEncoder {
    /// What the encoder learned from its corpus, to be stored and handed to another encoder (which then
    /// encodes exactly alike): the number of documents, the terms in id order (a bigram is its two
    /// words joined by a space) and each term's document frequency.
    public struct Statistics: Sendable, Codable, Equatable {
        public let documentCount: Int
        /// Term `i` has id `i`.
        public let terms: [String]
        /// Per term, in the order of `terms`: how many documents contain it.
        public let documentFrequencies: [Int]

        /// - Throws: `invalidInput` when the lists differ in length, a term is listed twice, or a count
        ///   is negative.
        public init(documentCount: Int, terms: [String], documentFrequencies: [Int]) throws(VMError) {
            guard terms.count == documentFrequencies.count else {
                throw VMError(.invalidInput, "text statistics: \(terms.count) terms but \(documentFrequencies.count) document frequencies")
            }
            guard Set(terms).count == terms.count else { throw VMError(.invalidInput, "text statistics: a term is listed twice") }
            guard documentCount >= 0, documentFrequencies.allSatisfy({ $0 >= 0 }) else {
                throw VMError(.invalidInput, "text statistics: negative counts")
            }
            self.init(unchecked: documentCount, terms: terms, documentFrequencies: documentFrequencies)
        }

        fileprivate init(unchecked documentCount: Int, terms: [String], documentFrequencies: [Int]) {
            self.documentCount = documentCount
            self.terms = terms
            self.documentFrequencies = documentFrequencies
        }

        private enum CodingKeys: String, CodingKey { case documentCount, terms, documentFrequencies }

        /// Decodes and checks like `init(documentCount:terms:documentFrequencies:)`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            try self.init(documentCount: c.decode(Int.self, forKey: .documentCount), terms: c.decode([String].self, forKey: .terms),
                          documentFrequencies: c.decode([Int].self, forKey: .documentFrequencies))
        }
    }

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

    /// An encoder with given statistics: its vocabulary, term ids, bigrams and document frequencies are
    /// those of `statistics`, so it encodes exactly like the encoder they were taken from.
    public init(analyzer: LexicalAnalyzer, statistics: Statistics) {
        self.analyzer = analyzer
        documentCount = statistics.documentCount
        documentFrequency = statistics.documentFrequencies.map { Int32(clamping: $0) }
        vocabulary.reserveCapacity(statistics.terms.count)
        for (id, term) in statistics.terms.enumerated() { vocabulary[term] = Int32(id) }
        // A bigram "a b" is found by the ids of its words (always terms too: they were learned with it).
        for (id, term) in statistics.terms.enumerated() {
            guard let space = term.firstIndex(of: " "), let a = vocabulary[String(term[..<space])],
                  let b = vocabulary[String(term[term.index(after: space)...])], a != b else { continue }
            bigrams[LexicalNeedEncoder.pair(a, b)] = Int32(id)
        }
    }

    /// The statistics learned or given, for `init(analyzer:statistics:)`.
    public var statistics: Statistics {
        var terms = [String](repeating: "", count: documentFrequency.count)
        for (term, id) in vocabulary { terms[Int(id)] = term }
        // Valid by construction: one term per id, non-negative counts.
        return Statistics(unchecked: documentCount, terms: terms, documentFrequencies: documentFrequency.map(Int.init))
    }

    /// Fills the token cache from a text without learning from it: a token is cached only when the
    /// statistics decide it (a term they know, or a token the analyzer drops). A word they do not know
    /// is left to `encode`'s uncached way, which breaks the bigrams around it; the cache has no entry
    /// for that, so the vectors are the same with or without the cache.
    public mutating func cacheTokens(of text: String) {
        analyzer.forEachToken(text) { token, bytes in
            guard tokenIDs[token] == nil else { return }
            guard let term = analyzer.term(ofToken: token, bytes: &bytes) else {
                tokenIDs[token] = -1
                return
            }
            if let id = vocabulary[term] { tokenIDs[token] = id }
        }
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
