import Foundation
import VendorMatchCore
@testable import VendorMatchRanking

let repositoryModels = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Models")
let taxonomy: Taxonomy = try! Taxonomy.load(modelsDirectory: repositoryModels)
let analyzer = LexicalAnalyzer.load(modelsDirectory: repositoryModels)

/// A small hand-written market: two banking specialists, a retail generalist, a cold-start newcomer.
func smallCatalogue() -> Catalogue {
    Catalogue(
        vendors: [
            Vendor(id: "bankdata", name: "Bank Data Partners", size: .medium, industries: ["522"], serviceTypes: ["data"],
                   description: "Data engineering and machine learning for banks", regions: ["DE", "US"],
                   languages: ["en", "de"], certifications: ["ISO 27001"], minProjectUSD: 50000),
            Vendor(id: "credml", name: "Credit ML", size: .small, industries: ["5221"], serviceTypes: ["data.machine-learning"],
                   description: "Credit risk models", regions: ["US"], languages: ["en"]),
            Vendor(id: "shopworks", name: "Shopworks", size: .large, industries: ["44-45"],
                   serviceTypes: ["software.ecommerce", "software.mobile-app", "data.analytics-bi"],
                   description: "We build anything: shops, apps, dashboards, machine learning", regions: ["GB"], languages: ["en"]),
            Vendor(id: "newco", name: "NewCo Analytics", size: .micro, industries: ["522"], serviceTypes: ["data.machine-learning"],
                   description: "Machine learning for credit scoring"),
        ],
        caseStudies: [
            CaseStudy(id: "c1", vendorID: "bankdata", clientIndustry: "5221", serviceTypes: ["data.machine-learning"],
                      clientSize: .enterprise, need: "predict loan defaults for our retail credit portfolio", year: 2023,
                      verified: true, evaluation: Evaluation(expertise: 4.8, onTime: 4.5, wouldRecommend: 9)),
            CaseStudy(id: "c2", vendorID: "bankdata", clientIndustry: "5221", serviceTypes: ["data.engineering"],
                      clientSize: .enterprise, need: "build a data warehouse for loan and deposit data", year: 2021,
                      evaluation: Evaluation(communication: 4.0, wouldRecommend: 8)),
            CaseStudy(id: "c3", vendorID: "credml", clientIndustry: "522", serviceTypes: ["data.machine-learning"],
                      clientSize: .large, need: "credit scoring model for small business loans", year: 2024,
                      evaluation: Evaluation(expertise: 3.0, wouldRecommend: 5)),
            CaseStudy(id: "c4", vendorID: "shopworks", clientIndustry: "4451", serviceTypes: ["software.ecommerce"],
                      clientSize: .large, need: "an online shop for our grocery chain", year: 2022),
            CaseStudy(id: "c5", vendorID: "shopworks", clientIndustry: "448", serviceTypes: ["software.mobile-app"],
                      clientSize: .medium, need: "a native iOS and Android app for our customers", year: 2020),
        ],
        referrals: [
            Referral(id: "r1", vendorID: "bankdata", referrerType: .pastClient, referrerOrg: "bigbank", date: "2024-03-01"),
            Referral(id: "r2", vendorID: "credml", referrerType: .buyerPartner, referrerOrg: "peer", buyerOrg: "buyer-a", date: "2025-01-10"),
            Referral(id: "r3", vendorID: "shopworks", referrerType: .institution, referrerOrg: "assoc", strength: -0.8, date: "2023-06-01"),
        ]
    )
}

func engine(_ catalogue: Catalogue = smallCatalogue(), model: RankingModel = .defaults) -> RankingEngine {
    RankingEngine(taxonomy: taxonomy, model: model, analyzer: analyzer, catalogue: catalogue)
}
