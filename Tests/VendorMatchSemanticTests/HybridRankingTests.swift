import Foundation
import Testing
import VendorMatchCore
import VendorMatchRanking
import VendorMatchSemantic


/// The semantic channel inside the ranker, with the real MiniLM encoder.
@Suite struct HybridRankingTests {
    let taxonomy = try! Taxonomy.load(modelsDirectory: repositoryModels())

    /// One vendor did the same kind of work in other words; the other shares a word but not the work.
    var catalogue: Catalogue {
        Catalogue(
            vendors: [Vendor(id: "apps", name: "App Studio"), Vendor(id: "cabling", name: "Cabling Co")],
            caseStudies: [
                CaseStudy(id: "a1", vendorID: "apps", clientIndustry: "44-45", serviceTypes: ["software"],
                          need: "a native iOS and Android app for our shoppers"),
                CaseStudy(id: "c1", vendorID: "cabling", clientIndustry: "44-45", serviceTypes: ["cloud"],
                          need: "install new network cabling in every store"),
            ])
    }

    func ranking(dense: DenseNeeds?) throws -> [String] {
        let engine = RankingEngine(taxonomy: taxonomy, catalogue: catalogue, dense: dense)
        return try engine.shortlist(BuyerRequest(id: "q", need: "a program our customers install on their phones")).vendors.map(\.vendorID)
    }

    @Test func paraphrasedNeedIsFoundOnlyWithTheSemanticChannel() throws {
        #expect(try ranking(dense: nil).first == "cabling")
        let hybrid = try ranking(dense: DenseNeeds(encoder: sharedEncoder, caseVectors: [:]))
        #expect(hybrid.first == "apps")
    }

    @Test func storedVectorsAreUsedAsGiven() throws {
        // Swapping the stored vectors of the two case studies swaps the semantic evidence.
        let a = sharedEncoder.embed("a native iOS and Android app for our shoppers")
        let c = sharedEncoder.embed("install new network cabling in every store")
        let swapped = try ranking(dense: DenseNeeds(encoder: sharedEncoder, caseVectors: ["a1": c, "c1": a]))
        #expect(swapped.first == "cabling")
    }
}
