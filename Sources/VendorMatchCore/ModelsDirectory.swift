import Foundation

/// Finds the `Models/` directory (taxonomies, ranking models, encoder data).
///
/// Search order: an explicit path (`--models`), `$VENDORMATCH_MODELS`, `./Models`, then every parent
/// of the running executable's directory (so `.build/debug/vendormatch` finds the repository's `Models/`).
/// A directory counts when it holds `taxonomy/industries-naics.tsv`.
public enum ModelsDirectory {
    public static func locate(explicit: String? = nil) throws(VMError) -> URL {
        let fm = FileManager.default
        func valid(_ url: URL) -> Bool {
            fm.fileExists(atPath: url.appendingPathComponent("taxonomy/industries-naics.tsv").path)
        }
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            guard valid(url) else {
                throw VMError(.invalidInput, "--models \(explicit): no taxonomy/industries-naics.tsv there")
            }
            return url
        }
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["VENDORMATCH_MODELS"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Models"))
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            candidates.append(dir.appendingPathComponent("Models"))
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        if let found = candidates.first(where: valid) { return found }
        throw VMError(.notFound, "cannot find the Models/ directory (looked in: \(candidates.map(\.path).joined(separator: ", "))); pass --models PATH or set VENDORMATCH_MODELS")
    }
}
