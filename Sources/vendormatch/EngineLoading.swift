import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

extension GlobalOptions {
    /// The ranking model: `--model`, else `Models/ranking-model.json`, else the built-in defaults.
    func rankingModel(modelsDirectory: URL) throws -> RankingModel {
        if let model { return try RankingModel.load(from: URL(fileURLWithPath: model)) }
        let file = modelsDirectory.appendingPathComponent("ranking-model.json")
        if FileManager.default.fileExists(atPath: file.path) { return try RankingModel.load(from: file) }
        return .defaults
    }

    /// Opens the catalogue (seeding the default database on first use) and builds the ranking engine.
    func loadEngine() throws -> (engine: RankingEngine, store: CatalogueStore, codec: RecordCodec) {
        let modelsDirectory = try ModelsDirectory.locate(explicit: models)
        let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
        let store = try openCatalogueStoreSeedingDefault(taxonomy: taxonomy)
        let engine = RankingEngine(
            taxonomy: taxonomy, model: try rankingModel(modelsDirectory: modelsDirectory),
            analyzer: LexicalAnalyzer.load(modelsDirectory: modelsDirectory), catalogue: try store.loadCatalogue(),
            dense: try SemanticChannel.load(mode: needEncoder, modelsDirectory: modelsDirectory, store: store))
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
