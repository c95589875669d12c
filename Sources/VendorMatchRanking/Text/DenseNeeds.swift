/// A sentence encoder for the semantic need channel: unit-length dense vectors whose dot product is
/// cosine similarity (the MiniLM encoder conforms in the CLI).
public protocol DenseNeedEncoder: Sendable {
    /// Names the model that made a vector; stored vectors of another model are not used.
    var modelIdentifier: String { get }
    func embed(_ text: String) -> [Float]
}

/// The semantic channel's inputs: the encoder (for requests and new case studies) and the stored
/// case-study vectors by case-study id.
public struct DenseNeeds: Sendable {
    public var encoder: any DenseNeedEncoder
    public var caseVectors: [String: [Float]]
    /// Whether building the index encodes the needs that have no stored vector (one at a time, before
    /// the engine answers). Without, the channel stays off (need similarity lexical) until the missing
    /// vectors are handed to `RankingEngine.installNeedVectors`, which turns it on once none is missing.
    public var encodeMissing: Bool
    /// When and how a request's nearest case studies come from an approximate index instead of a scan of
    /// every vector (from `minimumCases` vectors on; the index is trained when the channel turns on).
    public var neighbourSearch: NeighbourSearch

    public init(encoder: any DenseNeedEncoder, caseVectors: [String: [Float]], encodeMissing: Bool = true,
                neighbourSearch: NeighbourSearch = NeighbourSearch()) {
        self.encoder = encoder
        self.caseVectors = caseVectors
        self.encodeMissing = encodeMissing
        self.neighbourSearch = neighbourSearch
    }
}

/// How far the semantic channel is: case studies with a need, and how many of them have their vector.
public struct SemanticProgress: Sendable, Equatable {
    public var needs: Int
    public var encoded: Int
    /// The channel is in the blend (every need has its vector).
    public var active: Bool

    public init(needs: Int, encoded: Int, active: Bool) {
        self.needs = needs
        self.encoded = encoded
        self.active = active
    }
}
