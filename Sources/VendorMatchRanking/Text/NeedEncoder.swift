/// A unit-length sparse vector: parallel arrays of dimension ids (ascending) and weights.
public struct SparseVector: Sendable, Equatable {
    public var ids: [Int32]
    public var weights: [Float]

    public init(ids: [Int32] = [], weights: [Float] = []) {
        self.ids = ids
        self.weights = weights
    }

    public var isEmpty: Bool { ids.isEmpty }

    /// Dot product of two vectors with ascending ids.
    public func dot(_ other: SparseVector) -> Float {
        var i = 0, j = 0, sum: Float = 0
        while i < ids.count, j < other.ids.count {
            if ids[i] == other.ids[j] { sum += weights[i] * other.weights[j]; i += 1; j += 1 }
            else if ids[i] < other.ids[j] { i += 1 } else { j += 1 }
        }
        return sum
    }
}

/// Turns need texts (case-study needs, vendor descriptions, buyer needs) into vectors whose dot
/// product is their similarity in 0…1.
///
/// Encoders may keep corpus statistics (vocabulary, document frequencies): `learn` documents as they
/// are indexed, then encode queries against what was learned.
public protocol NeedEncoder: Sendable {
    /// A short name for explanations and model files (`lexical`, `semantic`).
    var name: String { get }
    /// Adds a document's text to the corpus statistics.
    mutating func learn(_ text: String)
    /// Encodes with the current statistics; unknown terms are dropped.
    func encode(_ text: String) -> SparseVector
}
