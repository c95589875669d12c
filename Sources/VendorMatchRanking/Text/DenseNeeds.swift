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

    public init(encoder: any DenseNeedEncoder, caseVectors: [String: [Float]]) {
        self.encoder = encoder
        self.caseVectors = caseVectors
    }
}
