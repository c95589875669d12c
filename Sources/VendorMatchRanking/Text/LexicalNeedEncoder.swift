import Foundation

/// TF-IDF over normalised unigrams and bigrams (`LexicalAnalyzer`): sublinear term frequency, smoothed
/// inverse document frequency, L2-normalised, so a dot product is a cosine similarity.
public struct LexicalNeedEncoder: NeedEncoder {
    public let analyzer: LexicalAnalyzer
    private(set) var vocabulary: [String: Int32] = [:]
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
        for term in analyzer.terms(text) where seen.insert(term).inserted {
            if let id = vocabulary[term] {
                documentFrequency[Int(id)] += 1
            } else {
                vocabulary[term] = Int32(documentFrequency.count)
                documentFrequency.append(1)
            }
        }
    }

    public func encode(_ text: String) -> SparseVector {
        // Term ids ascending, then counted by runs (no dictionary per request).
        var ids = analyzer.terms(text).compactMap { vocabulary[$0] }
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
