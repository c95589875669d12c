import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchStore

/// The repository root (tests run from the package root or elsewhere).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let taxonomy: Taxonomy = try! Taxonomy.load(modelsDirectory: repositoryRoot.appendingPathComponent("Models"))

/// The small hand-written market under `Fixtures/market/`.
let fixtureMarket = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/market").path

/// A fresh directory under the system temporary directory, removed when the value goes away.
final class TempDir {
    let url: URL
    var path: String { url.path }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vm-store-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func sub(_ name: String) -> String {
        let p = url.appendingPathComponent(name).path
        try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A new store in this directory.
    func store(_ name: String = "catalogue.sqlite") throws -> CatalogueStore {
        try CatalogueStore(path: file(name))
    }
}

/// Writes `files` (name → content) into `directory`.
func write(_ files: [String: String], to directory: String) throws {
    for (name, text) in files {
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
    }
}

/// Everything observable about a store's content.
struct Snapshot: Equatable {
    var counts: CatalogueStore.Counts
    var catalogue: Catalogue
    var outcomes: [Outcome]

    init(_ store: CatalogueStore) throws {
        counts = try store.counts()
        catalogue = try store.loadCatalogue()
        outcomes = try store.outcomes()
    }
}

/// Runs an import that must fail and returns its failure.
func failingImport(_ directory: String, into store: CatalogueStore, sourceLocation: SourceLocation = #_sourceLocation) -> ImportFailure? {
    do {
        let summary = try Importer(store: store, taxonomy: taxonomy).importDirectory(directory)
        Issue.record("import succeeded with \(summary.records) records", sourceLocation: sourceLocation)
        return nil
    } catch let failure as ImportFailure {
        return failure
    } catch {
        Issue.record("import failed with \(error), not an ImportFailure", sourceLocation: sourceLocation)
        return nil
    }
}

/// The `vendormatch` binary built next to the test bundle.
func vendormatchBinary() throws -> URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var candidates = [exe.deletingLastPathComponent().appendingPathComponent("vendormatch")]
    if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
        candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("vendormatch"))
    }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw VMError(.notFound, "vendormatch binary not found (looked at \(candidates.map(\.path))); run `swift build --build-tests`")
    }
    return found
}

/// Runs the binary and returns its exit status, standard output and standard error.
func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = try vendormatchBinary()
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
