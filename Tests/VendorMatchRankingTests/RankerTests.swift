import Testing
import VendorMatchCore
@testable import VendorMatchRanking

@Suite struct RankerTests {
    @Test func specialistOutranksGeneralistOnExperience() throws {
        let e = engine()
        let list = try e.shortlist(BuyerRequest(id: "q", industry: "5221", size: .enterprise,
                                                need: "predict which loans will default", serviceTypes: ["data.machine-learning"]))
        #expect(list.vendors.first?.vendorID == "bankdata")
        // shopworks declares data.analytics-bi only: a sibling of machine learning, not the service asked for.
        #expect(!list.vendors.map(\.vendorID).contains("shopworks"))
        #expect(list.candidateCount == 3)
    }

    @Test func contributionsAddUpToTheScore() throws {
        let e = engine()
        for request in [
            BuyerRequest(id: "a", industry: "522", need: "loan default prediction"),
            BuyerRequest(id: "b", buyerOrg: "buyer-a", size: .large, serviceTypes: ["data"]),
            BuyerRequest(id: "c", need: "mobile app for customers"),
            BuyerRequest(id: "d"),
        ] {
            for v in try e.shortlist(request).vendors {
                #expect(abs(v.components.total - v.score) < 1e-6)
                let trust = v.referrals.reduce(0) { $0 + $1.contribution }
                #expect(abs(trust - v.components.trust) < 1e-6)
            }
        }
    }

    @Test func categoryRequestIsMetBySubcategoryAndViceVersa() throws {
        let e = engine()
        // A request for the `software` category is met by shopworks' software.ecommerce.
        let software = try e.shortlist(BuyerRequest(id: "q", serviceTypes: ["software"]))
        #expect(software.vendors.map(\.vendorID) == ["shopworks"])
        // bankdata declares the whole `data` category: it meets a request for data.annotation.
        let annotation = try e.shortlist(BuyerRequest(id: "q", serviceTypes: ["data.annotation"]))
        #expect(annotation.vendors.map(\.vendorID) == ["bankdata"])
    }

    @Test func hardConstraintsFilter() throws {
        let e = engine()
        func ids(_ r: BuyerRequest) throws -> Set<String> { Set(try e.shortlist(r).vendors.map(\.vendorID)) }
        #expect(try ids(BuyerRequest(id: "q", requiredCertifications: ["iso-27001"])) == ["bankdata"])
        // Vendors that give no regions are not excluded by a region filter.
        #expect(try ids(BuyerRequest(id: "q", regions: ["GB"])) == ["shopworks", "newco"])
        #expect(try ids(BuyerRequest(id: "q", languages: ["de"])) == ["bankdata", "newco"])
        #expect(try ids(BuyerRequest(id: "q", budgetUSD: 10000)) == ["credml", "shopworks", "newco"])
        #expect(try ids(BuyerRequest(id: "q", excludeVendors: ["bankdata", "credml"])) == ["shopworks", "newco"])
    }

    @Test func coldStartVendorGetsAPriorNotZero() throws {
        let list = try engine().shortlist(BuyerRequest(id: "q", industry: "522", need: "credit scoring machine learning",
                                                       serviceTypes: ["data.machine-learning"]))
        let newco = try #require(list.vendors.first { $0.vendorID == "newco" })
        #expect(newco.components.industry + newco.components.need + newco.components.service > 0)
        #expect(newco.reasons.first?.contains("no case studies yet") == true)
        #expect(list.vendors.first?.vendorID != "newco")
    }

    @Test func buyerSpecificReferralCountsOnlyForItsBuyer() throws {
        let e = engine()
        let base = BuyerRequest(id: "q", industry: "522", serviceTypes: ["data.machine-learning"])
        var forA = base
        forA.buyerOrg = "buyer-a"
        var forB = base
        forB.buyerOrg = "buyer-b"
        let a = try #require(try e.shortlist(forA).vendors.first { $0.vendorID == "credml" })
        let b = try #require(try e.shortlist(forB).vendors.first { $0.vendorID == "credml" })
        let none = try #require(try e.shortlist(base).vendors.first { $0.vendorID == "credml" })
        #expect(a.components.trust > 0)
        #expect(b.components.trust == 0)
        #expect(none.components.trust == 0)
        #expect(a.reasons.contains { $0.contains("partner of yours") })
        #expect(!b.reasons.contains { $0.contains("partner of yours") })
        #expect(b.referrals.isEmpty)
    }

    @Test func buyerRelativeReferralWithoutBuyerCarriesNoWeight() throws {
        var cat = smallCatalogue()
        cat.referrals.append(Referral(id: "open-partner", vendorID: "newco", referrerType: .buyerPartner, referrerOrg: "p"))
        cat.referrals.append(Referral(id: "open-colleagues", vendorID: "newco", referrerType: .buyerInternal, referrerOrg: "q"))
        for buyer in [nil, "buyer-a"] as [String?] {
            let newco = try #require(try engine(cat).shortlist(BuyerRequest(id: "q", buyerOrg: buyer)).vendors.first { $0.vendorID == "newco" })
            #expect(newco.components.trust == 0)
            #expect(newco.referrals.isEmpty)
        }
    }

    @Test func negativeReferralLowersTrust() throws {
        let list = try engine().shortlist(BuyerRequest(id: "q", serviceTypes: ["software"]))
        let shop = try #require(list.vendors.first)
        #expect(shop.components.trust < 0)
        #expect(shop.reasons.contains { $0.contains("warned against by an institution") })
    }

    @Test func stuffingReferralsFromOneOrganisationSaturates() throws {
        var stuffed = smallCatalogue()
        var diverse = smallCatalogue()
        for i in 0..<20 {
            stuffed.referrals.append(Referral(id: "s\(i)", vendorID: "newco", referrerType: .pastClient, referrerOrg: "same-org", strength: 0.5, date: "2025-01-01"))
        }
        for i in 0..<2 {
            diverse.referrals.append(Referral(id: "d\(i)", vendorID: "newco", referrerType: .pastClient, referrerOrg: "org\(i)", strength: 1, date: "2025-01-01"))
        }
        let request = BuyerRequest(id: "q", industry: "522")
        let s = try #require(try engine(stuffed).shortlist(request).vendors.first { $0.vendorID == "newco" })
        let d = try #require(try engine(diverse).shortlist(request).vendors.first { $0.vendorID == "newco" })
        #expect(s.components.trust < d.components.trust)
    }

    @Test func qualityIsShrunkTowardTheMean() throws {
        let list = try engine().shortlist(BuyerRequest(id: "q", industry: "522"))
        let bank = try #require(list.vendors.first { $0.vendorID == "bankdata" })
        let cred = try #require(list.vendors.first { $0.vendorID == "credml" })
        let newco = try #require(list.vendors.first { $0.vendorID == "newco" })
        #expect(bank.quality > newco.quality)
        #expect(cred.quality < newco.quality)
        #expect(newco.evaluationCount == 0)
    }

    @Test func serviceTypeIsReadFromTheNeedWhenNoneIsGiven() throws {
        let e = engine()
        let list = try e.shortlist(BuyerRequest(id: "q", need: "a credit scoring model to predict loan defaults"))
        #expect(list.inferredServiceTypes.first?.code == "data.machine-learning")
        #expect(list.vendors.first.map { ["bankdata", "credml"].contains($0.vendorID) } == true)
        #expect(list.vendors.first?.reasons.contains { $0.hasPrefix("need read as Machine learning and predictive models (data.machine-learning)") } == true)
        // Inferred types are soft evidence, never a constraint: the shop builder is still listed.
        #expect(list.vendors.contains { $0.vendorID == "shopworks" })
        // A request that names its service types gets no reading.
        #expect(try e.shortlist(BuyerRequest(id: "q", need: "credit scoring", serviceTypes: ["data"])).inferredServiceTypes.isEmpty)
    }

    @Test func emptyCatalogueGivesAnEmptyList() throws {
        let list = try engine(Catalogue()).shortlist(BuyerRequest(id: "q", industry: "52", need: "anything"))
        #expect(list.vendors.isEmpty)
        #expect(list.candidateCount == 0)
    }

    @Test(arguments: [0, -3, 1001])
    func kOutOfRangeIsAnError(k: Int) {
        #expect(throws: VMError.self) { try engine().shortlist(BuyerRequest(id: "q", k: k)) }
    }

    @Test func unknownCodesAreErrorsNamingTheField() {
        do {
            _ = try engine().shortlist(BuyerRequest(id: "q", serviceTypes: ["data", "nope"]))
            Issue.record("accepted an unknown service type")
        } catch {
            #expect(error.field == "service_types[1]")
        }
    }

    @Test func explanationNamesIndustryAndSize() throws {
        let list = try engine().shortlist(BuyerRequest(id: "q", industry: "5221", size: .enterprise, serviceTypes: ["data"]))
        let bank = try #require(list.vendors.first)
        #expect(bank.reasons.first == "2 case studies in Credit Intermediation and Related Activities (5221) for 1000–9999-employee clients")
        #expect(bank.reasons.contains("recommended by a past client"))
        #expect(bank.matchedCases.first?.industry == 1)
        #expect(bank.matchedCases.first?.size == 1)
    }

    @Test func comparableCaseStudiesRankByProfile() throws {
        let e = engine()
        let matches = try e.findCaseStudies(CaseQuery(industry: "5221", need: "mobile app for customers", k: 5))
        #expect(matches.count == 5)
        #expect(Set(matches.prefix(2).map(\.caseStudyID)) == ["c1", "c2"] || matches.first?.caseStudyID == "c5")
        let own = try e.findCaseStudies(CaseQuery(need: "shop", vendorID: "shopworks", k: 10))
        #expect(Set(own.map(\.vendorID)) == ["shopworks"])
        #expect(own.first?.caseStudyID == "c4")
        #expect(throws: VMError.self) { try e.findCaseStudies(CaseQuery(vendorID: "ghost")) }
    }

    @Test func upsertAndDeleteApplyWithoutRebuild() throws {
        let e = engine()
        let request = BuyerRequest(id: "q", serviceTypes: ["software.game"])
        #expect(try e.shortlist(request).vendors.isEmpty)
        e.upsert(vendors: [Vendor(id: "games", name: "Games Inc")])
        e.upsert(caseStudies: [CaseStudy(id: "g1", vendorID: "games", clientIndustry: "71", serviceTypes: ["software.game"])])
        #expect(try e.shortlist(request).vendors.map(\.vendorID) == ["games"])
        #expect(e.counts == CatalogueCounts(vendors: 5, caseStudies: 6, referrals: 3))
        #expect(e.deleteVendor(id: "games"))
        #expect(!e.deleteVendor(id: "games"))
        #expect(try e.shortlist(request).vendors.isEmpty)
        #expect(e.counts == CatalogueCounts(vendors: 4, caseStudies: 5, referrals: 3))
        // Re-upserting a case study with the same id replaces it.
        e.upsert(caseStudies: [CaseStudy(id: "c4", vendorID: "shopworks", clientIndustry: "4451", serviceTypes: ["software.game"])])
        #expect(try e.shortlist(request).vendors.map(\.vendorID) == ["shopworks"])
        #expect(e.counts.caseStudies == 5)
    }

    @Test func modelFileRoundTripsAndReplaces() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UInt64.random(in: 0...UInt64.max)).json")
        defer { try? FileManager.default.removeItem(at: url) }
        var model = RankingModel.defaults
        model.weights["trust"] = 0
        try model.write(to: url)
        #expect(try RankingModel.load(from: url) == model)
        let e = engine()
        e.replaceModel(model)
        let list = try e.shortlist(BuyerRequest(id: "q", buyerOrg: "buyer-a", industry: "522"))
        #expect(list.vendors.allSatisfy { $0.components.trust == 0 })
    }
}

import Foundation
