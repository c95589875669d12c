/// Every feature the second phase sees: a stable name, a one-line meaning, a version (bumped whenever
/// its computation changes, so a model trained on the old meaning is refused) and the buyer-facing
/// group its contributions are shown under.
///
/// The order of `allCases` is the column order of feature vectors, training matrices and model files.
public enum Feature: Int, CaseIterable, Sendable {
    // The request: what it gives (trees condition on it).
    case requestHasIndustry, requestHasSize, requestHasNeed, requestServiceNamed, requestServiceInferred
    // The first phase.
    case firstScore, firstRank
    // The first phase's linear evidence per dimension (best cases with diminishing returns + declarations).
    case linearIndustry, linearSize, linearNeed, linearService
    // Case studies.
    case caseCount, caseRelevantCount
    // Industry.
    case industryMax, industryDeclared, industryInsideCount, industryGroupCount, industrySubsectorCount,
         industrySectorCount, industryDepthMax
    // Size.
    case sizeMax, sizeExactCount, sizeAdjacentCount, sizeMinDistance
    // Need.
    case needMax, needMeanBest3, needStrongCount, needDeclared
    // Need, the two channels apart (the blend above mixes them when the semantic channel is on).
    case needLexicalMax, needLexicalMeanBest3, needSemanticActive, needSemanticMax, needSemanticMeanBest3,
         needSemanticStrongCount
    // Service.
    case serviceMax, serviceExactCount, serviceSiblingCount, serviceDeclared, serviceDeclaredOnly, serviceShown
    // Experience: the dimensions together, per case study, aggregated per vendor.
    case caseValueMax, caseValueMeanBest3, caseValueDecayedSum, caseValueStrongCount, industryServiceMax,
         industrySizeServiceMax, serviceNeedMax, allDimensionsMax, allDimensionsStrongCount, contextForWorkMax
    // Credibility and recency of the matching case studies.
    case credibilityBest3, verifiedCount, topClientCount, newestCaseAge, relevantMeanAge
    // Referral trust.
    case trustSaturated, trustPastClient, trustBuyerPartner, trustBuyerInternal, trustInstitution,
         trustPersonalNetwork, trustPriorEmployer, trustBuyerSpecific, trustGeneral, warningCount, warningMass,
         praiseCount
    // Evaluations.
    case qualityShrunk, qualityMean, qualityCount, qualitySpread, wouldRecommendMean
    // Cold start.
    case noCaseStudies, noReferrals, noEvaluations

    /// The buyer-facing components contributions are grouped into (the six of the linear model, plus other).
    public enum Group: String, CaseIterable, Sendable {
        case industry, size, need, service, trust, quality, other
    }

    /// Where a feature's contribution is shown: one component, or `nil` for experience features that
    /// combine the dimensions (their contribution is split evenly over the dimensions the request gives).
    public var component: Group? {
        switch group {
        case .other where isExperience: nil
        default: group
        }
    }

    var isExperience: Bool {
        switch self {
        case .industryServiceMax, .industrySizeServiceMax, .serviceNeedMax, .contextForWorkMax, .caseValueMax,
             .caseValueMeanBest3, .caseValueDecayedSum, .caseValueStrongCount, .allDimensionsMax, .allDimensionsStrongCount,
             .caseCount, .caseRelevantCount, .credibilityBest3, .verifiedCount, .topClientCount, .newestCaseAge,
             .relevantMeanAge, .noCaseStudies:
            true
        default:
            false
        }
    }

    public var name: String {
        switch self {
        case .requestHasIndustry: "request.has_industry"
        case .requestHasSize: "request.has_size"
        case .requestHasNeed: "request.has_need"
        case .requestServiceNamed: "request.service_named"
        case .requestServiceInferred: "request.service_inferred"
        case .firstScore: "first_phase.score"
        case .firstRank: "first_phase.rank"
        case .linearIndustry: "linear.industry"
        case .linearSize: "linear.size"
        case .linearNeed: "linear.need"
        case .linearService: "linear.service"
        case .caseCount: "cases.count"
        case .caseRelevantCount: "cases.relevant_count"
        case .industryMax: "industry.max"
        case .industryDeclared: "industry.declared"
        case .industryInsideCount: "industry.inside_count"
        case .industryGroupCount: "industry.group4_count"
        case .industrySubsectorCount: "industry.subsector_count"
        case .industrySectorCount: "industry.sector_count"
        case .industryDepthMax: "industry.depth_max"
        case .sizeMax: "size.max"
        case .sizeExactCount: "size.exact_count"
        case .sizeAdjacentCount: "size.adjacent_count"
        case .sizeMinDistance: "size.min_distance"
        case .needMax: "need.max"
        case .needMeanBest3: "need.mean_best3"
        case .needStrongCount: "need.strong_count"
        case .needDeclared: "need.declared"
        case .needLexicalMax: "need.lexical_max"
        case .needLexicalMeanBest3: "need.lexical_mean_best3"
        case .needSemanticActive: "need.semantic_active"
        case .needSemanticMax: "need.semantic_max"
        case .needSemanticMeanBest3: "need.semantic_mean_best3"
        case .needSemanticStrongCount: "need.semantic_strong_count"
        case .serviceMax: "service.max"
        case .serviceExactCount: "service.exact_count"
        case .serviceSiblingCount: "service.sibling_count"
        case .serviceDeclared: "service.declared"
        case .serviceDeclaredOnly: "service.declared_only"
        case .serviceShown: "service.shown"
        case .caseValueMax: "experience.case_max"
        case .caseValueMeanBest3: "experience.case_mean_best3"
        case .caseValueDecayedSum: "experience.case_decayed_sum"
        case .caseValueStrongCount: "experience.strong_count"
        case .industryServiceMax: "experience.industry_x_service_max"
        case .industrySizeServiceMax: "experience.industry_x_size_x_service_max"
        case .serviceNeedMax: "experience.service_x_need_max"
        case .allDimensionsMax: "experience.all_dimensions_max"
        case .allDimensionsStrongCount: "experience.all_dimensions_strong_count"
        case .contextForWorkMax: "experience.context_for_work_max"
        case .credibilityBest3: "credibility.best3_mean"
        case .verifiedCount: "credibility.verified_count"
        case .topClientCount: "credibility.top_client_count"
        case .newestCaseAge: "recency.newest_age"
        case .relevantMeanAge: "recency.relevant_mean_age"
        case .trustSaturated: "trust.saturated"
        case .trustPastClient: "trust.past_client"
        case .trustBuyerPartner: "trust.buyer_partner"
        case .trustBuyerInternal: "trust.buyer_internal"
        case .trustInstitution: "trust.institution"
        case .trustPersonalNetwork: "trust.personal_network"
        case .trustPriorEmployer: "trust.prior_employer"
        case .trustBuyerSpecific: "trust.buyer_specific"
        case .trustGeneral: "trust.general"
        case .warningCount: "trust.warning_count"
        case .warningMass: "trust.warning_mass"
        case .praiseCount: "trust.praise_count"
        case .qualityShrunk: "quality.shrunk"
        case .qualityMean: "quality.mean"
        case .qualityCount: "quality.count"
        case .qualitySpread: "quality.spread"
        case .wouldRecommendMean: "quality.would_recommend_mean"
        case .noCaseStudies: "cold.no_case_studies"
        case .noReferrals: "cold.no_referrals"
        case .noEvaluations: "cold.no_evaluations"
        }
    }

    public var meaning: String {
        switch self {
        case .requestHasIndustry: "1 when the request names an industry, else 0"
        case .requestHasSize: "1 when the request names a client size band, else 0"
        case .requestHasNeed: "1 when the request describes its need in words, else 0"
        case .requestServiceNamed: "1 when the request names service types, else 0"
        case .requestServiceInferred: "1 when service types were read from the need (none named), else 0"
        case .firstScore: "the first phase's linear score"
        case .firstRank: "the vendor's rank in the first phase (1 = best)"
        case .linearIndustry: "first-phase industry evidence (best cases with diminishing returns, plus declarations)"
        case .linearSize: "first-phase client-size evidence"
        case .linearNeed: "first-phase need-text evidence"
        case .linearService: "first-phase service-type evidence"
        case .caseCount: "live case studies of the vendor"
        case .caseRelevantCount: "case studies whose work (need or service) matches at all"
        case .industryMax: "best industry similarity of a case study (NAICS tree distance, 0-1); missing without an industry"
        case .industryDeclared: "best industry similarity of the vendor's declared focus industries"
        case .industryInsideCount: "case studies inside the requested NAICS code"
        case .industryGroupCount: "case studies sharing at least the 4-digit industry group"
        case .industrySubsectorCount: "case studies sharing at least the 3-digit subsector"
        case .industrySectorCount: "case studies sharing at least the 2-digit sector"
        case .industryDepthMax: "deepest NAICS level shared with a case study (0 none, 1 sector ... 6 inside the code)"
        case .sizeMax: "best client-size similarity of a case study (band distance); missing without a size"
        case .sizeExactCount: "case studies for a client of the requested size band"
        case .sizeAdjacentCount: "case studies at most one size band away"
        case .sizeMinDistance: "smallest size-band distance to a case study's client (missing when none gives a size)"
        case .needMax: "best need-text similarity of a case study; missing without a need"
        case .needMeanBest3: "mean need similarity of the three most similar case studies"
        case .needStrongCount: "case studies with need similarity of at least 0.3"
        case .needDeclared: "need similarity of the vendor's own description"
        case .needLexicalMax: "best lexical (TF-IDF cosine) need similarity of a case study, whatever the semantic channel"
        case .needLexicalMeanBest3: "mean lexical need similarity of the three lexically most similar case studies"
        case .needSemanticActive: "1 when the semantic need channel scored the request, 0 when it is off; missing without a need"
        case .needSemanticMax: "best semantic (MiniLM cosine, rescaled from need.semantic_floor) need similarity of a case study; missing when the channel is off"
        case .needSemanticMeanBest3: "mean semantic need similarity of the three semantically most similar case studies"
        case .needSemanticStrongCount: "case studies with semantic need similarity of at least 0.5"
        case .serviceMax: "best service similarity of a case study (meets 1, sibling 0.4); missing without a service"
        case .serviceExactCount: "case studies delivering a requested (or inferred) service type"
        case .serviceSiblingCount: "case studies delivering only a sibling subcategory"
        case .serviceDeclared: "service similarity of the vendor's declared service types"
        case .serviceDeclaredOnly: "1 when the service is declared but shown in no case study"
        case .serviceShown: "1 when a case study delivers the service"
        case .caseValueMax: "best case value (credibility x the first phase's per-case match)"
        case .caseValueMeanBest3: "mean value of the three best case studies"
        case .caseValueDecayedSum: "sum of case values, each further case halved (rank-decayed)"
        case .caseValueStrongCount: "case studies whose value is at least 0.5"
        case .industryServiceMax: "best industry x service product of one case study"
        case .industrySizeServiceMax: "best industry x size x service product of one case study"
        case .serviceNeedMax: "best service x need product of one case study"
        case .allDimensionsMax: "best product of every dimension the request gives, for one case study"
        case .allDimensionsStrongCount: "case studies whose product over the given dimensions is at least 0.5"
        case .contextForWorkMax: "best industry x size of a case study that delivers the work (service met or need >= 0.3)"
        case .credibilityBest3: "mean credibility (verified, top client, recency) of the three best case studies"
        case .verifiedCount: "client-verified case studies among those matching the work"
        case .topClientCount: "case studies for leading clients among those matching the work"
        case .newestCaseAge: "years since the newest dated case study (missing when none is dated)"
        case .relevantMeanAge: "mean age in years of the dated case studies matching the work"
        case .trustSaturated: "referral trust as the buyer sees it (saturating, warnings subtract; -1..1)"
        case .trustPastClient: "referral mass from past clients"
        case .trustBuyerPartner: "referral mass from the buyer's partners"
        case .trustBuyerInternal: "referral mass from the buyer's own colleagues"
        case .trustInstitution: "referral mass from institutions"
        case .trustPersonalNetwork: "referral mass from acquaintances"
        case .trustPriorEmployer: "referral mass from former employers"
        case .trustBuyerSpecific: "referral mass given to this buyer alone"
        case .trustGeneral: "positive referral mass that counts for every buyer"
        case .warningCount: "warnings (negative referrals) that count for this buyer"
        case .warningMass: "mass of those warnings (positive number)"
        case .praiseCount: "recommendations that count for this buyer"
        case .qualityShrunk: "evaluation quality shrunk toward the catalogue mean (0-1)"
        case .qualityMean: "raw mean evaluation quality (0-1; missing without evaluations)"
        case .qualityCount: "client evaluations"
        case .qualitySpread: "standard deviation of evaluation quality (missing with fewer than two)"
        case .wouldRecommendMean: "mean would-recommend score, 0-10 (missing when none given)"
        case .noCaseStudies: "1 for a vendor without case studies"
        case .noReferrals: "1 for a vendor without referrals that count for this buyer"
        case .noEvaluations: "1 for a vendor without evaluations"
        }
    }

    /// Bumped when the computation of the feature changes.
    public var version: Int { 1 }

    public var group: Group {
        switch self {
        case .linearIndustry, .industryMax, .industryDeclared, .industryInsideCount, .industryGroupCount,
             .industrySubsectorCount, .industrySectorCount, .industryDepthMax:
            .industry
        case .linearSize, .sizeMax, .sizeExactCount, .sizeAdjacentCount, .sizeMinDistance:
            .size
        case .linearNeed, .needMax, .needMeanBest3, .needStrongCount, .needDeclared, .needLexicalMax, .needLexicalMeanBest3,
             .needSemanticActive, .needSemanticMax, .needSemanticMeanBest3, .needSemanticStrongCount:
            .need
        case .linearService, .serviceMax, .serviceExactCount, .serviceSiblingCount, .serviceDeclared, .serviceDeclaredOnly,
             .serviceShown:
            .service
        case .trustSaturated, .trustPastClient, .trustBuyerPartner, .trustBuyerInternal, .trustInstitution,
             .trustPersonalNetwork, .trustPriorEmployer, .trustBuyerSpecific, .trustGeneral, .warningCount, .warningMass,
             .praiseCount, .noReferrals:
            .trust
        case .qualityShrunk, .qualityMean, .qualityCount, .qualitySpread, .wouldRecommendMean, .noEvaluations:
            .quality
        default:
            .other
        }
    }

    /// Groups for ablation (finer than the buyer-facing ones).
    public var ablationGroup: String {
        let n = name
        return String(n.prefix(while: { $0 != "." }))
    }

    /// `name@version` of every feature, in column order: what a model file must list to be loaded.
    public static var signature: [String] { allCases.map { "\($0.name)@\($0.version)" } }
}
