import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

extension GlobalOptions {
    /// The ranking model: `--model`, else `Models/ranking-model.json`, else the built-in defaults.
    /// Each carries its version (`ServedCandidates.modelVersionKey`), logged with every shortlist it serves.
    /// - Parameter firstPhaseOnly: leave out the model's second phase (for training a new one).
    func rankingModel(modelsDirectory: URL, firstPhaseOnly: Bool = false) throws -> RankingModel {
        if let model { return try RankingModel.loadVersioned(from: URL(fileURLWithPath: model), secondPhase: !firstPhaseOnly) }
        let file = modelsDirectory.appendingPathComponent("ranking-model.json")
        if FileManager.default.fileExists(atPath: file.path) { return try RankingModel.loadVersioned(from: file, secondPhase: !firstPhaseOnly) }
        var defaults = RankingModel.defaults
        defaults.metadata[ServedCandidates.modelVersionKey] = "hand-set-defaults"
        return defaults
    }

    /// The configured model's file (`--model`, else `Models/ranking-model.json`), nil for the built-in defaults.
    func rankingModelPath(modelsDirectory: URL) -> String? {
        if let model { return URL(fileURLWithPath: model).standardizedFileURL.path }
        let file = modelsDirectory.appendingPathComponent("ranking-model.json")
        return FileManager.default.fileExists(atPath: file.path) ? file.standardizedFileURL.path : nil
    }

    /// Opens the catalogue (seeding the default database on first use) and builds the ranking engine
    /// with the database's text statistics (`CatalogueStore.rankingEngine`).
    /// `model` chooses the model from the opened store (default: `rankingModel`).
    /// - Parameter backgroundVectors: missing need vectors are left to `SemanticBackfill` (`serve`) instead
    ///   of being encoded before the engine answers.
    func loadEngine(model chooseModel: ((CatalogueStore) throws -> RankingModel)? = nil, backgroundVectors: Bool = false) throws
        -> (engine: RankingEngine, store: CatalogueStore, codec: RecordCodec) {
        let modelsDirectory = try ModelsDirectory.locate(explicit: models)
        let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
        let store = try openCatalogueStoreSeedingDefault(taxonomy: taxonomy)
        let catalogue = try store.loadCatalogue()
        let engine = try store.rankingEngine(
            taxonomy: taxonomy, model: try chooseModel?(store) ?? rankingModel(modelsDirectory: modelsDirectory),
            analyzer: LexicalAnalyzer.load(modelsDirectory: modelsDirectory), catalogue: catalogue,
            dense: try SemanticChannel.load(mode: needEncoder, modelsDirectory: modelsDirectory, store: store,
                                            catalogue: catalogue, background: backgroundVectors))
        return (engine, store, RecordCodec(taxonomy: taxonomy))
    }

    /// With no `--db`, the first use creates `./vendormatch.sqlite` seeded with the demo market.
    func openCatalogueStoreSeedingDefault(taxonomy: Taxonomy) throws -> CatalogueStore {
        if db != nil { return try openCatalogueStore() }
        let existed = FileManager.default.fileExists(atPath: databasePath)
        let store = try openCatalogueStore()
        if !existed { try DefaultCatalogue.seed(store, taxonomy: taxonomy) }
        return store
    }
}

extension CatalogueStoring {
    /// The ranking engine over `catalogue` (this database's) with the text statistics stored here. When
    /// none are stored (a new database, or the first load after an import), the engine learns them from
    /// the catalogue and they are stored for the next load. Live writes never change them, so an engine
    /// rebuilt after a restart answers exactly like the one before it.
    func rankingEngine(taxonomy: Taxonomy, model: RankingModel, analyzer: LexicalAnalyzer, catalogue: Catalogue,
                       dense: DenseNeeds?) throws -> RankingEngine {
        var stored: LexicalNeedEncoder.Statistics?
        if let json = try loadTextStatistics() {
            do {
                stored = try JSONDecoder().decode(LexicalNeedEncoder.Statistics.self, from: json)
            } catch {
                printError("vendormatch: the text statistics stored in \(location) are not readable (\(error)): fitting them again")
            }
        }
        let engine = RankingEngine(taxonomy: taxonomy, model: model, analyzer: analyzer, catalogue: catalogue, dense: dense,
                                   textStatistics: stored)
        if stored == nil {
            let json: Data
            do { json = try JSONEncoder().encode(engine.textStatistics) } catch {
                throw VMError(.internalError, "cannot encode the text statistics: \(error)")
            }
            // A read-only database still serves: the statistics are then learned again on the next load.
            do { try saveTextStatistics(json) } catch {
                printError("vendormatch: cannot store the text statistics in \(location) (\(error)); they will be fitted again next time")
            }
        }
        return engine
    }
}
