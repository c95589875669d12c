import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchSemantic
import VendorMatchStore

/// How need texts are compared.
enum NeedEncoderMode: String, ExpressibleByArgument, CaseIterable {
    /// Hybrid when `Models/minilm` exists and the database holds vectors of that model (`serve`: always,
    /// computing missing vectors in the background), else lexical.
    case auto
    /// TF-IDF over normalised terms only.
    case lexical
    /// Lexical and MiniLM sentence embeddings blended (`need.semantic_share` in the model).
    case hybrid
}

enum SemanticChannel {
    /// Threads a bulk encoding uses: this machine's cores, at most two (the target of the benchmark).
    static var threads: Int { max(1, min(2, ProcessInfo.processInfo.activeProcessorCount)) }

    /// The sentence encoder of `Models/minilm`, or nil when the models directory has none.
    static func encoder(modelsDirectory: URL) throws -> MiniLMEncoder? {
        let directory = modelsDirectory.appendingPathComponent(MiniLMEncoder.subdirectory)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.json").path) else { return nil }
        return try MiniLMEncoder(modelsDirectory: modelsDirectory)
    }

    /// The semantic channel for an engine over `catalogue` (`store`'s, when given), or nil for lexical only.
    /// - Parameter background: the caller computes missing vectors later (`SemanticBackfill`): the channel
    ///   starts off when any is missing instead of encoding them before the engine answers.
    static func load(mode: NeedEncoderMode, modelsDirectory: URL, store: CatalogueStore?, catalogue: Catalogue,
                     background: Bool = false) throws -> DenseNeeds? {
        if mode == .lexical { return nil }
        guard let encoder = try encoder(modelsDirectory: modelsDirectory) else {
            if mode == .hybrid {
                throw VMError(.notFound, "--need-encoder hybrid: no sentence encoder in \(modelsDirectory.appendingPathComponent(MiniLMEncoder.subdirectory).path)")
            }
            return nil
        }
        let needs = catalogue.caseStudies.compactMap(\.need)
        var byText = try store?.needVectors(for: needs, model: encoder.modelIdentifier) ?? [:]
        if store == nil, !background, mode == .hybrid {
            // A catalogue read from files (`--data`, `train --market`): its distinct needs encoded in bulk
            // on both cores, instead of one at a time while the index is built.
            let todo = Array(Set(needs)).sorted()
            let reporter = ProgressReporter(label: "encoding case-study needs (\(encoder.backend.rawValue), \(threads) threads)", total: todo.count)
            let vectors = encoder.embed(todo, threads: threads) { done, _ in reporter.report(done) }
            reporter.finish()
            byText = Dictionary(uniqueKeysWithValues: zip(todo, vectors))
        }
        var vectors: [String: [Float]] = [:]
        for c in catalogue.caseStudies { if let need = c.need, let v = byText[need] { vectors[c.id] = v } }
        let missing = Set(needs).subtracting(byText.keys).count
        if background {
            return DenseNeeds(encoder: encoder, caseVectors: vectors, encodeMissing: false)
        }
        if missing > 0 {
            // A database imported with --no-embed ranks lexically, as it did before vectors were the default.
            if mode == .auto, byText.isEmpty { return nil }
            printError("vendormatch: \(missing) case-study needs have no stored vector of \(encoder.modelIdentifier); encoding them now (`vendormatch embed` stores them)")
        }
        return DenseNeeds(encoder: encoder, caseVectors: vectors)
    }

    /// Encodes the distinct case-study needs that have no stored vector of the encoder's model, on both
    /// cores, and stores the vectors as each chunk is done, with progress on stderr. Returns how many
    /// texts were encoded.
    static func embedMissing(store: CatalogueStore, modelsDirectory: URL, chunk: Int = 4096) throws -> Int {
        guard let encoder = try encoder(modelsDirectory: modelsDirectory) else {
            throw VMError(.notFound, "no sentence encoder in \(modelsDirectory.appendingPathComponent(MiniLMEncoder.subdirectory).path)")
        }
        let needs = Set(try store.loadCatalogue().caseStudies.compactMap(\.need))
        let have = try store.needVectors(for: needs, model: encoder.modelIdentifier)
        let todo = needs.subtracting(have.keys).sorted()
        guard !todo.isEmpty else { return 0 }
        let reporter = ProgressReporter(label: "encoding case-study needs (\(encoder.backend.rawValue), \(threads) threads)", total: todo.count)
        for start in stride(from: 0, to: todo.count, by: chunk) {
            let texts = Array(todo[start..<min(todo.count, start + chunk)])
            let vectors = encoder.embed(texts, threads: threads) { done, _ in reporter.report(start + done) }
            try store.saveNeedVectors(Array(zip(texts, vectors)), model: encoder.modelIdentifier)
        }
        reporter.finish()
        return todo.count
    }
}

/// Progress lines on stderr, at most one a second (and the last), with the rate.
final class ProgressReporter: @unchecked Sendable {  // state under `lock`
    private let lock = NSLock()
    private let label: String
    private let total: Int
    private let start = ContinuousClock.now
    private var lastPrint = ContinuousClock.now
    private var done = 0

    init(label: String, total: Int) {
        self.label = label
        self.total = total
    }

    func report(_ done: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.done = done
        guard ContinuousClock.now - lastPrint >= .seconds(1) else { return }
        lastPrint = ContinuousClock.now
        printLine()
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        printLine()
    }

    private func printLine() {
        let seconds = max(1e-9, (ContinuousClock.now - start).seconds)
        printError("\(label): \(grouped(done)) of \(grouped(total)) (\(Int((Double(done) / seconds).rounded()))/s)")
    }
}

/// `serve` on a database that lacks vectors: computes them on a background thread, stores them, and
/// hands them to the engine, whose semantic channel joins the blend once none is missing. Until then
/// the engine ranks lexically; Stats reports the progress (`background/semantic-vectors`).
enum SemanticBackfill {
    /// Texts per round: stored and handed to the engine together.
    static let chunk = 1024

    /// Starts the thread when the engine waits for vectors; returns at once.
    static func start(engine: RankingEngine, store: CatalogueStore, modelsDirectory: URL, logger: @escaping @Sendable (String) -> Void) {
        let texts = engine.needsAwaitingVectors
        guard !texts.isEmpty else { return }
        let thread = Thread {
            do {
                guard let encoder = try SemanticChannel.encoder(modelsDirectory: modelsDirectory) else { return }
                let started = ContinuousClock.now
                logger("encoding \(texts.count) case-study needs in the background; ranking lexically until they are in")
                for start in stride(from: 0, to: texts.count, by: chunk) {
                    let batch = Array(texts[start..<min(texts.count, start + chunk)])
                    let vectors = encoder.embed(batch, threads: SemanticChannel.threads)
                    do {
                        try store.saveNeedVectors(Array(zip(batch, vectors)), model: encoder.modelIdentifier)
                    } catch {
                        // A read-only database still gets the channel; the next start encodes again.
                        logger("cannot store need vectors (\(error)); they will be computed again next start")
                    }
                    engine.installNeedVectors(Dictionary(zip(batch, vectors), uniquingKeysWith: { a, _ in a }))
                }
                logger("semantic channel on: \(texts.count) needs encoded in \(started.duration(to: .now))")
            } catch {
                logger("background encoding stopped: \(error)")
            }
        }
        thread.name = "semantic-backfill"
        thread.qualityOfService = .utility
        thread.start()
    }
}

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Computes and stores MiniLM vectors of case-study needs that have none (the semantic channel).",
        discussion: """
        `import` does this by default (`--no-embed` skips it) and `serve` in the background. Vectors are
        stored by need text (float16), tagged with the model, and loaded at start by every verb that
        ranks (with --need-encoder auto or hybrid); a text is never encoded twice.
        """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        do {
            let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
            let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
            let store = try global.openCatalogueStoreSeedingDefault(taxonomy: taxonomy)
            let n = try SemanticChannel.embedMissing(store: store, modelsDirectory: modelsDirectory)
            print("stored \(n) need vectors in \(store.path)")
        } catch {
            exitWith(error)
        }
    }
}
