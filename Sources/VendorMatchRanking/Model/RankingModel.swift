import Foundation
import VendorMatchCore

/// The ranking model: how the six components combine, and the parameters of each.
///
/// A versioned JSON file (`Models/ranking-model.json`); `train` writes new ones. The score of a vendor
/// is `Σ weights[f] · feature[f]` over `featureNames`, so every contribution is shown as it counted.
public struct RankingModel: Sendable, Codable, Equatable {
    /// The features in the order `CandidateFeatures.values` uses.
    public static let featureNames = ["industry", "size", "need", "service", "trust", "quality"]
    public static let formatVersion = 1

    public var version: Int
    /// One weight per feature name.
    public var weights: [String: Double]
    /// Influence of each referrer type (by raw value); CONTRACT defaults from the procurement survey.
    public var referrerWeights: [String: Double]
    /// Named numeric parameters; see `Parameter` for the names and defaults.
    public var parameters: [String: Double]
    /// Free-form provenance: training data hash, date, cross-validated metrics.
    public var metadata: [String: String]
    /// The learned second phase (boosted trees over the feature registry), when the model has one;
    /// without it the linear score is final.
    public var secondPhase: SecondPhase?

    enum CodingKeys: String, CodingKey {
        case version, weights, referrerWeights, parameters, metadata
        case secondPhase = "second_phase"
    }

    public init(version: Int = RankingModel.formatVersion, weights: [String: Double], referrerWeights: [String: Double],
                parameters: [String: Double], metadata: [String: String] = [:]) {
        self.version = version
        self.weights = weights
        self.referrerWeights = referrerWeights
        self.parameters = parameters
        self.metadata = metadata
    }

    /// Parameter names with their defaults and meaning.
    public enum Parameter: String, CaseIterable, Sendable {
        /// Relative weight of each dimension inside one case study's match (renormalised over the
        /// dimensions the request gives).
        case caseIndustry = "case.industry", caseSize = "case.size", caseNeed = "case.need", caseService = "case.service"
        /// Share of a case study's match earned by the right work (need, service) in another context.
        case caseWorkAlone = "case.work_alone"
        /// Each further case study counts this fraction of the one before (diminishing returns).
        case evidenceDecay = "evidence.decay"
        /// At most this many case studies count per vendor.
        case evidenceMaxCases = "evidence.max_cases"
        /// The vendor's own declarations count as this fraction of one fully credible case study.
        case declaredCredibility = "declared.credibility"
        /// Case-study weight: base, plus for verified, plus for a top client (capped at 1).
        case caseBase = "case.weight.base", caseVerified = "case.weight.verified", caseTopClient = "case.weight.top_client"
        /// Age (years) at which a case study's weight is halved above its floor; the floor.
        case caseHalfLife = "case.half_life_years", caseAgeFloor = "case.age_floor"
        /// Year that ages are measured from (fixed, so that a ranking is reproducible).
        case referenceYear = "reference_year"
        /// Referral trust: per-referrer-organisation decay, saturation scale, date half-life (years),
        /// the factor for an undated referral, and the weight of warnings relative to recommendations.
        case referralOrgDecay = "trust.org_decay", trustScale = "trust.scale", referralHalfLife = "trust.half_life_years"
        case referralUndated = "trust.undated", trustNegative = "trust.negative_scale"
        /// Hybrid need similarity: the semantic channel's share, and the cosine below which two needs
        /// are unrelated (rescaled to 0…1 above it).
        case needSemanticShare = "need.semantic_share", needSemanticFloor = "need.semantic_floor"
        /// Need similarities below this (a shared common word) count as 0; the ranker then skips those cases.
        case needFloor = "need.floor"
        /// Service types read from the need (requests that name none): how many nearest case studies
        /// vote, and the smallest share of the vote a type needs to count.
        case inferNeighbours = "infer.neighbours", inferMinShare = "infer.min_share"
        /// Quality: pseudo-count of the Bayesian shrinkage toward the catalogue mean.
        case qualityPriorCount = "quality.prior_count"
        /// Share of `would_recommend` in one evaluation's score (the rest: the five dimensions).
        case qualityRecommendShare = "quality.recommend_share"

        public var defaultValue: Double {
            switch self {
            case .caseIndustry: return 0.30
            case .caseSize: return 0.15
            case .caseNeed: return 0.30
            case .caseService: return 0.25
            case .caseWorkAlone: return 0.3
            case .evidenceDecay: return 0.5
            case .evidenceMaxCases: return 8
            case .declaredCredibility: return 0.35
            case .caseBase: return 0.75
            case .caseVerified: return 0.15
            case .caseTopClient: return 0.10
            case .caseHalfLife: return 6
            case .caseAgeFloor: return 0.5
            case .referenceYear: return 2026
            case .referralOrgDecay: return 0.5
            case .trustScale: return 0.5
            case .referralHalfLife: return 4
            case .referralUndated: return 0.7
            case .trustNegative: return 1.5
            case .needFloor: return 0.05
            case .needSemanticShare: return 0.5
            case .needSemanticFloor: return 0.25
            case .inferNeighbours: return 20
            case .inferMinShare: return 0.2
            case .qualityPriorCount: return 3
            case .qualityRecommendShare: return 0.4
            }
        }
    }

    /// Hand-set defaults: experience 60% (split over the four dimensions by the case weights), referral
    /// trust 25%, quality 15%; referrer weights from the survey of 1,085 procurement projects.
    public static let defaults = RankingModel(
        weights: ["industry": 0.6, "size": 0.6, "need": 0.6, "service": 0.6, "trust": 0.25, "quality": 0.15],
        referrerWeights: Dictionary(uniqueKeysWithValues: ReferrerType.allCases.map { ($0.rawValue, $0.defaultWeight) }),
        parameters: Dictionary(uniqueKeysWithValues: Parameter.allCases.map { ($0.rawValue, $0.defaultValue) }),
        metadata: ["source": "hand-set defaults"]
    )

    public func value(_ p: Parameter) -> Double { parameters[p.rawValue] ?? p.defaultValue }

    public func weight(_ feature: String) -> Double { weights[feature] ?? 0 }

    public func referrerWeight(_ type: ReferrerType) -> Double { referrerWeights[type.rawValue] ?? type.defaultWeight }

    /// The weights in `featureNames` order.
    public var weightVector: [Double] { RankingModel.featureNames.map { weight($0) } }

    /// - Parameter secondPhase: `false` reads the first phase alone and leaves the second phase out
    ///   (what `train` starts from: retraining must not need the trees it replaces to match this binary).
    public static func load(from url: URL, secondPhase: Bool = true) throws(VMError) -> RankingModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw VMError(.invalidInput, "cannot read model file \(url.path): \(error.localizedDescription)")
        }
        var model: RankingModel
        do { model = try JSONDecoder().decode(RankingModel.self, from: data) } catch {
            throw VMError(.invalidInput, "model file \(url.path) is not a valid ranking model: \(error)")
        }
        guard model.version == formatVersion else {
            throw VMError(.invalidInput, "model file \(url.path) has version \(model.version); this build reads version \(formatVersion)")
        }
        for name in featureNames where model.weights[name] == nil {
            throw VMError(.invalidInput, "model file \(url.path): weights has no \"\(name)\"", field: "weights.\(name)")
        }
        if secondPhase { try model.secondPhase?.load(besides: url) } else { model.secondPhase = nil }
        return model
    }

    public func write(to url: URL) throws(VMError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(self)
            try data.write(to: url, options: .atomic)
        } catch {
            throw VMError(.io, "cannot write model file \(url.path): \(error.localizedDescription)")
        }
    }
}
