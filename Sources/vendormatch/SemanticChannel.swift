import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchSemantic
import VendorMatchStore


/// How need texts are compared.
enum NeedEncoderMode: String, ExpressibleByArgument, CaseIterable {
    /// Hybrid when `Models/minilm` exists and the database holds vectors of that model, else lexical.
    case auto
    /// TF-IDF over normalised terms only.
    case lexical
    /// Lexical and MiniLM sentence embeddings blended (`need.semantic_share` in the model).
    case hybrid
}

enum SemanticChannel {
    /// The semantic channel for an engine over `store`'s catalogue, or nil for lexical only.
    static func load(mode: NeedEncoderMode, modelsDirectory: URL, store: CatalogueStore?) throws -> DenseNeeds? {
        if mode == .lexical { return nil }
        let directory = modelsDirectory.appendingPathComponent(MiniLMEncoder.subdirectory)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.json").path) else {
            if mode == .hybrid { throw VMError(.notFound, "--need-encoder hybrid: no sentence encoder in \(directory.path)") }
            return nil
        }
        let encoder = try MiniLMEncoder(modelsDirectory: modelsDirectory)
        let vectors = try store?.loadVectors(model: encoder.modelIdentifier) ?? [:]
        if vectors.isEmpty {
            if mode == .auto { return nil }
            printError("vendormatch: no stored case-study vectors for \(encoder.modelIdentifier); encoding every case study now (run `vendormatch embed` once to store them)")
        }
        return DenseNeeds(encoder: encoder, caseVectors: vectors)
    }

    /// Encodes the need of every case study that has no vector of the encoder's model yet and stores
    /// the vectors, in batches, with progress on stderr. Returns how many were stored.
    static func embedMissing(store: CatalogueStore, modelsDirectory: URL, batch: Int = 64) throws -> Int {
        let encoder = try MiniLMEncoder(modelsDirectory: modelsDirectory)
        let have = try store.loadVectors(model: encoder.modelIdentifier)
        let todo = try store.loadCatalogue().caseStudies.filter { $0.need != nil && have[$0.id] == nil }
        guard !todo.isEmpty else { return 0 }
        let clock = ContinuousClock()
        let start = clock.now
        var stored = 0
        for chunkStart in stride(from: 0, to: todo.count, by: batch) {
            let chunk = todo[chunkStart..<min(todo.count, chunkStart + batch)]
            let vectors = encoder.embed(chunk.map { $0.need ?? "" })
            stored += try store.saveVectors(Dictionary(uniqueKeysWithValues: zip(chunk.map(\.id), vectors)), model: encoder.modelIdentifier)
            let elapsed = clock.now - start
            printError("embedding case-study needs: \(stored) of \(todo.count) (\(elapsed.formatted(.units(allowed: [.seconds], width: .abbreviated))))")
        }
        return stored
    }
}

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Computes and stores MiniLM vectors of case-study needs that have none (the semantic channel).",
        discussion: """
        Vectors are stored in the database, tagged with the model, and loaded at start by every verb
        that ranks (with --need-encoder auto or hybrid), so they are never recomputed. `import --embed`
        runs this after an import.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Case studies encoded per batch.") var batch = 64

    func run() async throws {
        do {
            let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
            let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
            let store = try global.openCatalogueStoreSeedingDefault(taxonomy: taxonomy)
            let n = try SemanticChannel.embedMissing(store: store, modelsDirectory: modelsDirectory, batch: max(1, batch))
            print("stored \(n) case-study vectors in \(store.path)")
        } catch {
            exitWith(error)
        }
    }
}
