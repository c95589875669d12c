import Foundation
import VendorMatchCore
import VendorMatchEval
import VendorMatchRanking

extension RankingModel {
    /// Loads a model file (the checks of every `--model`) and stamps its version: the file's name and the
    /// first 12 hex digits of the SHA-256 of the model file and its trees file, so two different models
    /// never share a version and the same files always have the same one.
    static func loadVersioned(from url: URL, secondPhase: Bool = true) throws(VMError) -> RankingModel {
        var model = try load(from: url, secondPhase: secondPhase)
        var bytes = [UInt8]((try? Data(contentsOf: url)) ?? Data())
        if let treesURL = model.secondPhase?.treesURL(besides: url) {
            bytes += [UInt8]((try? Data(contentsOf: treesURL)) ?? Data())
        }
        let name = url.deletingPathExtension().lastPathComponent
        model.metadata[ServedCandidates.modelVersionKey] = name + "@" + String(SHA256.hex(bytes).prefix(12))
        return model
    }

    /// The version stamped by `loadVersioned`.
    var servingVersion: String { metadata[ServedCandidates.modelVersionKey] ?? "unversioned" }
}
