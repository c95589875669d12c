import VendorMatchCore

/// The shipped taxonomy (`Models/taxonomy`, found as the CLI finds it: `$VENDORMATCH_MODELS`, `./Models`,
/// or above the executable), loaded once per fuzz process.
public let fuzzCodec: RecordCodec = {
    do {
        return RecordCodec(taxonomy: try Taxonomy.load(modelsDirectory: try ModelsDirectory.locate()))
    } catch {
        fatalError("fuzz targets need the Models/ directory: \(error)")
    }
}()
