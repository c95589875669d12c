import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

extension EvalRanking {
    /// The engine over the catalogue of `--data DIR` (JSON Lines files; text statistics learned from it)
    /// or else the database (`--db`, the default one seeded with the demo market; with the text
    /// statistics stored there, as `serve` ranks), with the model of `--model` or `Models/`.
    /// - Parameter firstPhaseOnly: rank with the model's first phase alone (`train` learns a new second phase).
    static func make(global: GlobalOptions, data: String?, depth: Int, firstPhaseOnly: Bool = false) throws -> EvalRanking {
        let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
        let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
        let model = try global.rankingModel(modelsDirectory: modelsDirectory, firstPhaseOnly: firstPhaseOnly)
        let analyzer = LexicalAnalyzer.load(modelsDirectory: modelsDirectory)
        let catalogue: Catalogue
        let engine: RankingEngine
        if let data {
            catalogue = try EvalInputs.catalogue(directory: data, taxonomy: taxonomy)
            engine = RankingEngine(
                taxonomy: taxonomy, model: model, analyzer: analyzer, catalogue: catalogue,
                dense: try SemanticChannel.load(mode: global.needEncoder, modelsDirectory: modelsDirectory, store: nil))
        } else {
            let store = try global.openCatalogueStoreSeedingDefault(taxonomy: taxonomy)
            catalogue = try store.loadCatalogue()
            engine = try store.rankingEngine(
                taxonomy: taxonomy, model: model, analyzer: analyzer, catalogue: catalogue,
                dense: try SemanticChannel.load(mode: global.needEncoder, modelsDirectory: modelsDirectory, store: store))
        }
        return EvalRanking(engine: engine, catalogue: catalogue, taxonomy: taxonomy, depth: depth)
    }
}
