import Foundation
import VendorMatchProto
import VendorMatchWire

/// Read-your-writes across rankers (CONTRACT §8): versions on responses, waits on requests.
extension RequestRouter {
    /// `catalogue-version` (and with `lag`, the lag keys) of this process's index; empty when untracked.
    func catalogueMetadata(lag: Bool) -> [String: String] {
        guard let version = backend.catalogueVersion else { return [:] }
        var metadata = [MetadataKey.catalogueVersion: String(version)]
        if lag {
            let l = backend.catalogueLag
            metadata[MetadataKey.catalogueLagVersions] = String(l?.versions ?? 0)
            let ms = l.map { $0.duration.components.seconds * 1000 + $0.duration.components.attoseconds / 1_000_000_000_000_000 } ?? 0
            metadata[MetadataKey.catalogueLagMilliseconds] = String(ms)
        }
        return metadata
    }

    /// With `min-catalogue-version: N`, blocks (on the worker thread) until the index holds version N, up to
    /// the request's deadline or `catalogueWait` without one; then 14 UNAVAILABLE naming both versions.
    func awaitCatalogueVersion(of frame: Vendormatch_V1_Frame, deadline: ContinuousClock.Instant?, receivedAt: ContinuousClock.Instant) throws(Failure) {
        guard let raw = frame.metadata[MetadataKey.minimumCatalogueVersion] else { return }
        guard let wanted = UInt64(raw.trimmingCharacters(in: .whitespaces)) else {
            throw Failure(code: .invalidArgument, message: "metadata \"min-catalogue-version\" must be a non-negative integer, got \"\(raw)\"",
                          field: MetadataKey.minimumCatalogueVersion)
        }
        let until = deadline ?? receivedAt + catalogueWait
        guard backend.waitForCatalogueVersion(wanted, deadline: until) else {
            let have = backend.catalogueVersion.map(String.init) ?? "none"
            throw Failure(code: .unavailable, message: "catalogue version \(wanted) is not applied here yet (this ranker has \(have)); retry, or ask another ranker")
        }
    }
}
