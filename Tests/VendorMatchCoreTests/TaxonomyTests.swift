import Foundation
import Testing
@testable import VendorMatchCore

/// The repository's own Models/ directory (tests run from the package root or elsewhere).
func repositoryModels() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models")
}

let sharedTaxonomy: Taxonomy = try! Taxonomy.load(modelsDirectory: repositoryModels())

@Suite struct TaxonomyTests {
    let t = sharedTaxonomy

    @Test(arguments: [
        ("52", "52"), ("31", "31-33"), ("32", "31-33"), ("33", "31-33"), ("31-33", "31-33"), ("44", "44-45"),
        ("49", "48-49"), ("522", "522"), ("5221", "5221"), ("52211", "52211"), ("522110", "522110"),
    ])
    func acceptsContractIndustryCodes(raw: String, canonical: String) {
        #expect(t.canonicalIndustry(raw) == canonical)
    }

    @Test(arguments: ["", "5", "99", "34", "31-32", "529", "5291", "52a1", "5221100", " 52", "52.1", "-"])
    func rejectsUnknownIndustryCodes(raw: String) {
        #expect(t.canonicalIndustry(raw) == nil)
    }

    @Test func industryParentsAndDepths() {
        #expect(t.industryParent("522110") == "52211")
        #expect(t.industryParent("5221") == "522")
        #expect(t.industryParent("522") == "52")
        #expect(t.industryParent("311") == "31-33")
        #expect(t.industryParent("52") == nil)
        #expect(t.industryDepth("52") == 1)
        #expect(t.industryDepth("522") == 2)
        #expect(t.industryDepth("5221") == 3)
        #expect(t.industryDepth("522110") == 5)
        #expect(t.industryAncestors("5221") == ["522", "52"])
        #expect(t.industrySector("336411") == "31-33")
    }

    @Test func industryTreeDistanceIsGraded() {
        #expect(t.industryDistance("5221", "5221") == 0)
        #expect(t.industryDistance("5221", "522") == 1)
        #expect(t.industryDistance("5221", "5222") == 2) // same subsector
        #expect(t.industryDistance("522", "524") == 2) // same sector
        #expect(t.industryDistance("5221", "524") == 3)
        #expect(t.industryDistance("522", "311") == 4) // different sectors, through the root
        #expect(t.industryDistance("52", "54") == 2)
        #expect(t.industryDistance("311", "336") == 2) // both in 31-33
    }

    @Test func serviceHierarchy() {
        #expect(t.isValidService("data"))
        #expect(t.isValidService("data.machine-learning"))
        #expect(!t.isValidService("data.unknown"))
        #expect(!t.isValidService("Data"))
        #expect(t.serviceCategory("data.machine-learning") == "data")
        #expect(t.serviceCategory("data") == "data")
        #expect(t.serviceDistance("data.machine-learning", "data.machine-learning") == 0)
        #expect(t.serviceDistance("data.machine-learning", "data") == 1)
        #expect(t.serviceDistance("data.machine-learning", "data.engineering") == 2)
        #expect(t.serviceDistance("data.machine-learning", "cloud.migration") == 4)
        #expect(t.serviceSubcategories("data").contains("data.machine-learning"))
        #expect(t.services.codes.count == 70)
        #expect(t.industries.codes.count == 116)
    }
}
