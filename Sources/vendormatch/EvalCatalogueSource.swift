import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

extension EvalRanking {
    /// The engine over the catalogue of `--data DIR` (JSON Lines files) or else the database (`--db`,
    /// the default one seeded with the demo market), with the model of `--model` or `Models/`.
    static func make(global: GlobalOptions, data: String?, depth: Int) throws -> EvalRanking {
        let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
        let taxonomy = try Taxonomy.load(modelsDirectory: modelsDirectory)
        let catalogue: Catalogue
        var store: CatalogueStore?
        if let data {
            catalogue = try EvalInputs.catalogue(directory: data, taxonomy: taxonomy)
        } else {
            store = try global.openCatalogueStoreSeedingDefault(taxonomy: taxonomy)
            catalogue = try store!.loadCatalogue()
        }
        let engine = RankingEngine(
            taxonomy: taxonomy, model: try global.rankingModel(modelsDirectory: modelsDirectory),
            analyzer: LexicalAnalyzer.load(modelsDirectory: modelsDirectory), catalogue: catalogue,
            dense: try SemanticChannel.load(mode: global.needEncoder, modelsDirectory: modelsDirectory, store: store))
        return EvalRanking(engine: engine, catalogue: catalogue, taxonomy: taxonomy, depth: depth)
    }
}
