import Foundation
import VendorMatchCore

/// The learned second phase of a ranking model: how many first-phase candidates it re-ranks, the
/// features it was trained on (`name@version`, checked against this binary's registry when loaded) and
/// the boosted trees, kept in an XGBoost JSON file beside the model file.
public struct SecondPhase: Sendable, Equatable, Codable {
    /// First-phase candidates re-ranked (the best `max(k, candidates)`).
    public var candidates: Int
    /// `Feature.signature` at training time.
    public var features: [String]
    /// The XGBoost JSON model, relative to the model file's directory.
    public var trees: String
    /// Loaded from `trees`; `nil` until `RankingModel.load` reads it.
    public var ensemble: TreeEnsemble?

    public static let defaultCandidates = 300

    enum CodingKeys: String, CodingKey { case candidates, features, trees }

    public init(candidates: Int = SecondPhase.defaultCandidates, features: [String] = Feature.signature, trees: String,
                ensemble: TreeEnsemble?) {
        self.candidates = candidates; self.features = features; self.trees = trees; self.ensemble = ensemble
    }

    /// The trees file of the model file at `modelURL` (`trees` is relative to its directory).
    public func treesURL(besides modelURL: URL) -> URL {
        URL(fileURLWithPath: trees, relativeTo: modelURL.deletingLastPathComponent())
    }

    /// Reads the trees beside `modelURL` and checks that the features are this binary's.
    mutating func load(besides modelURL: URL) throws(VMError) {
        let expected = Feature.signature
        if features != expected {
            let missing = expected.filter { !features.contains($0) }, unknown = features.filter { !expected.contains($0) }
            var parts: [String] = []
            if !unknown.isEmpty { parts.append("features this binary does not compute: " + unknown.prefix(5).joined(separator: ", ")) }
            if !missing.isEmpty { parts.append("features it lacks: " + missing.prefix(5).joined(separator: ", ")) }
            if parts.isEmpty { parts.append("the features are in another order") }
            throw VMError(.invalidInput, "model file \(modelURL.path): its second phase was trained on other features ("
                + parts.joined(separator: "; ") + "); retrain it with this binary's `vendormatch train`", field: "second_phase.features")
        }
        guard (1...BuyerRequest.maxK).contains(candidates) else {
            throw VMError(.invalidInput, "model file \(modelURL.path): second_phase.candidates must be 1...\(BuyerRequest.maxK)",
                          field: "second_phase.candidates")
        }
        let url = treesURL(besides: modelURL)
        let ensemble = try TreeEnsemble.load(from: url)
        guard ensemble.featureCount == expected.count else {
            throw VMError(.invalidInput, "tree model \(url.path) reads \(ensemble.featureCount) features; this binary computes \(expected.count)",
                          field: "second_phase.trees")
        }
        self.ensemble = ensemble
    }
}
