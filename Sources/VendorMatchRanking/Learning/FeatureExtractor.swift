import Foundation
import VendorMatchCore

/// Computes the second phase's feature vectors (`Feature.allCases` order) for the first phase's
/// candidates. The one extractor behind training, evaluation and serving, so a model always sees
/// features computed the same way. Missing values (a dimension the request does not give, an
/// evaluation mean without evaluations) are NaN, never 0.
struct FeatureExtractor {
    let ranker: Ranker
    static let count = Feature.allCases.count
    /// The per-referrer-type features in `ReferrerType.allCases` order (the tally's lanes).
    static let referrerTypeFeatures: [Feature] = ReferrerType.allCases.map { type in
        Feature.allCases.first { $0.name == "trust.\(type.rawValue)" }!
    }

    /// Candidate lists at least this long are filled in parts on several cores (`RowParts`).
    static let rowsPerPart = 64

    /// One row per candidate, row-major; `ranked` in first-phase order (rank 1 first).
    func matrix(_ ranked: [TopK.Entry]) -> [Float] {
        var out = [Float](repeating: .nan, count: ranked.count * FeatureExtractor.count)
        // The index and the request's context are borrowed once here, not copied per row (a copy retains
        // every one of their arrays), and one scratch serves every row.
        // Rows are independent (a row depends on its candidate and rank alone): a large candidate list is
        // filled in two parts at once, each with its own scratch.
        let snapshot = ranker.snapshot
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            RowParts.forEach(rows: ranked.count, minimumRows: FeatureExtractor.rowsPerPart) { rows in
                var scratch = Scratch()
                for i in rows {
                    fill(UnsafeMutableBufferPointer(rebasing: buffer[(i * FeatureExtractor.count)..<((i + 1) * FeatureExtractor.count)]),
                         entry: ranked[i], rank: i + 1, index: snapshot.index, context: ranker.context, scratch: &scratch)
                }
            }
        }
        return out
    }

    /// Per-row working lists, kept between rows so filling a row does not allocate.
    struct Scratch {
        var needs: [Double] = []
        var lexicalNeeds: [Double] = []
        var semanticNeeds: [Double] = []
        var values: [(value: Double, weight: Double)] = []
        var relevantAges: [Double] = []
        var qualities: [Double] = []
        var recommends: [Double] = []

        mutating func reset() {
            needs.removeAll(keepingCapacity: true)
            lexicalNeeds.removeAll(keepingCapacity: true)
            semanticNeeds.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            relevantAges.removeAll(keepingCapacity: true)
            qualities.removeAll(keepingCapacity: true)
            recommends.removeAll(keepingCapacity: true)
        }
    }

    private func fill(_ f: UnsafeMutableBufferPointer<Float>, entry: TopK.Entry, rank: Int, index: RankingIndex, context: MatchContext,
                      scratch: inout Scratch) {
        func set(_ feature: Feature, _ value: Double) { f[feature.rawValue] = Float(value) }
        func set(_ feature: Feature, _ value: Int) { f[feature.rawValue] = Float(value) }
        func setBool(_ feature: Feature, _ value: Bool) { f[feature.rawValue] = value ? 1 : 0 }
        let request = ranker.request
        let v = entry.vendor
        let key = index.vendors.keys[v]
        let hasI = context.hasIndustry, hasS = context.hasSize, hasN = context.hasNeed, hasV = context.hasService
        let referenceYear = ranker.referenceYear
        scratch.reset()

        setBool(.requestHasIndustry, hasI)
        setBool(.requestHasSize, hasS)
        setBool(.requestHasNeed, hasN)
        setBool(.requestServiceNamed, !request.serviceTypes.isEmpty)
        setBool(.requestServiceInferred, request.serviceTypes.isEmpty && hasV)
        set(.firstScore, entry.score)
        set(.firstRank, rank)
        if hasI { set(.linearIndustry, entry.features[0]) }
        if hasS { set(.linearSize, entry.features[1]) }
        if hasN { set(.linearNeed, entry.features[2]) }
        if hasV { set(.linearService, entry.features[3]) }

        // One pass over the vendor's live case studies.
        var count = 0, relevant = 0
        var industryMax = 0.0, insideCount = 0, groupCount = 0, subsectorCount = 0, sectorCount = 0, depthMax = 0
        var sizeMax = 0.0, sizeExact = 0, sizeAdjacent = 0, sizeMinDistance = Int.max
        var needStrong = 0
        var serviceMax = 0.0, serviceExact = 0, serviceSibling = 0
        var industryService = 0.0, industrySizeService = 0.0, serviceNeed = 0.0, allMax = 0.0, allStrong = 0, contextForWork = 0.0
        var verified = 0, topClient = 0, newest: Double? = nil
        let requestBand = request.size?.rawValue
        let givenCount = [hasI, hasS, hasN, hasV].filter { $0 }.count
        // With the semantic channel on, `s[2]` is the blend; the channels apart come from the context.
        let semanticOn = hasN && !context.needSemanticSim.isEmpty
        var semanticStrong = 0
        let start = Int(key.caseStart), end = start + Int(key.caseCount)
        // Case studies read in place through the pointer (a copy would retain each of their strings).
        index.caseStudies.records.withUnsafeBufferPointer { cases in
        for j in start..<end {
            let c = Int(index.vendors.caseList[j])
            let ck = index.caseStudies.keys[c]
            guard ck.alive else { continue }
            count += 1
            let s = context.similarities(ck, case: c)
            let value = Double(ck.weight) * context.value(s)
            scratch.values.append((value, Double(ck.weight)))
            if let e = cases[c].evaluation {
                if let q = QualityModel.score(e, recommendShare: ranker.recommendShare) { scratch.qualities.append(q) }
                if let r = e.wouldRecommend { scratch.recommends.append(r) }
            }
            var age: Double? = nil
            if let year = cases[c].year {
                let a = max(0, referenceYear - Double(year))
                age = a
                newest = min(newest ?? a, a)
            }
            if hasI {
                let level = Int(context.industryLevel[Int(ck.industry)])
                industryMax = max(industryMax, s[0])
                depthMax = max(depthMax, level)
                if level >= 6 { insideCount += 1 }
                if level >= 3 { groupCount += 1 }
                if level >= 2 { subsectorCount += 1 }
                if level >= 1 { sectorCount += 1 }
            }
            if hasS {
                sizeMax = max(sizeMax, s[1])
                if let r = requestBand, ck.size >= 0 {
                    let d = abs(Int(ck.size) - r)
                    if d == 0 { sizeExact += 1 }
                    if d <= 1 { sizeAdjacent += 1 }
                    sizeMinDistance = min(sizeMinDistance, d)
                }
            }
            if hasN {
                scratch.needs.append(s[2])
                if s[2] >= 0.3 { needStrong += 1 }
                if semanticOn {
                    scratch.lexicalNeeds.append(Double(context.needLexicalSim[c]))
                    let semantic = context.needSemanticSim[c]
                    if semantic >= 0 {  // -1: a case study without its vector
                        scratch.semanticNeeds.append(Double(semantic))
                        if semantic >= 0.5 { semanticStrong += 1 }
                    }
                } else {
                    scratch.lexicalNeeds.append(s[2])
                }
            }
            if hasV {
                serviceMax = max(serviceMax, s[3])
                if s[3] >= 0.999 { serviceExact += 1 } else if s[3] > 0 { serviceSibling += 1 }
            }
            if hasI, hasV { industryService = max(industryService, s[0] * s[3]) }
            if hasI, hasS, hasV { industrySizeService = max(industrySizeService, s[0] * s[1] * s[3]) }
            if hasN, hasV { serviceNeed = max(serviceNeed, s[2] * s[3]) }
            if givenCount > 0 {
                var product = 1.0
                if hasI { product *= s[0] }
                if hasS { product *= s[1] }
                if hasN { product *= s[2] }
                if hasV { product *= s[3] }
                allMax = max(allMax, product)
                if product >= 0.5 { allStrong += 1 }
            }
            let work = (hasV && s[3] >= 0.999) || (hasN && s[2] >= 0.3)
            if work {
                contextForWork = max(contextForWork, (hasI ? s[0] : 1) * (hasS ? s[1] : 1))
                if cases[c].verified == true { verified += 1 }
                if cases[c].topClient == true { topClient += 1 }
                if let age { scratch.relevantAges.append(age) }
            }
            if value > 0 { relevant += 1 }
        }
        }

        set(.caseCount, count)
        set(.caseRelevantCount, relevant)
        if hasI {
            set(.industryMax, industryMax)
            set(.industryInsideCount, insideCount)
            set(.industryGroupCount, groupCount)
            set(.industrySubsectorCount, subsectorCount)
            set(.industrySectorCount, sectorCount)
            set(.industryDepthMax, depthMax)
        }
        let declared = context.declaredSimilarities(vendor: v, key: key, index: index)
        if hasI { set(.industryDeclared, declared[0]) }
        if hasS {
            set(.sizeMax, sizeMax)
            set(.sizeExactCount, sizeExact)
            set(.sizeAdjacentCount, sizeAdjacent)
            if sizeMinDistance != Int.max { set(.sizeMinDistance, sizeMinDistance) }
        }
        if hasN {
            scratch.needs.sort(by: >)
            let needs = scratch.needs
            set(.needMax, needs.first ?? 0)
            let best = needs.prefix(3)
            set(.needMeanBest3, best.isEmpty ? 0 : best.reduce(0, +) / Double(best.count))
            set(.needStrongCount, needStrong)
            set(.needDeclared, declared[2])
            func setBest(_ values: inout [Double], max: Feature, meanBest3: Feature) {
                values.sort(by: >)
                set(max, values.first ?? 0)
                let best = values.prefix(3)
                set(meanBest3, best.isEmpty ? 0 : best.reduce(0, +) / Double(best.count))
            }
            setBest(&scratch.lexicalNeeds, max: .needLexicalMax, meanBest3: .needLexicalMeanBest3)
            setBool(.needSemanticActive, semanticOn)
            if semanticOn {
                setBest(&scratch.semanticNeeds, max: .needSemanticMax, meanBest3: .needSemanticMeanBest3)
                set(.needSemanticStrongCount, semanticStrong)
            }
        }
        if hasV {
            set(.serviceMax, serviceMax)
            set(.serviceExactCount, serviceExact)
            set(.serviceSiblingCount, serviceSibling)
            set(.serviceDeclared, declared[3])
            setBool(.serviceDeclaredOnly, declared[3] >= 0.999 && serviceExact == 0)
            setBool(.serviceShown, serviceExact > 0)
        }
        scratch.values.sort { $0.value != $1.value ? $0.value > $1.value : $0.weight > $1.weight }
        let values = scratch.values
        set(.caseValueMax, values.first?.value ?? 0)
        let best3 = values.prefix(3)
        set(.caseValueMeanBest3, best3.isEmpty ? 0 : best3.reduce(0) { $0 + $1.value } / Double(best3.count))
        var decayed = 0.0, factor = 1.0
        for x in values.prefix(16) { decayed += factor * x.value; factor *= 0.5 }
        set(.caseValueDecayedSum, decayed)
        set(.caseValueStrongCount, values.reduce(0) { $0 + ($1.value >= 0.5 ? 1 : 0) })
        if hasI, hasV { set(.industryServiceMax, industryService) }
        if hasI, hasS, hasV { set(.industrySizeServiceMax, industrySizeService) }
        if hasN, hasV { set(.serviceNeedMax, serviceNeed) }
        if givenCount > 0 {
            set(.allDimensionsMax, allMax)
            set(.allDimensionsStrongCount, allStrong)
        }
        if hasN || hasV { set(.contextForWorkMax, contextForWork) }
        if !best3.isEmpty { set(.credibilityBest3, best3.reduce(0) { $0 + $1.weight } / Double(best3.count)) }
        set(.verifiedCount, verified)
        set(.topClientCount, topClient)
        if let newest { set(.newestCaseAge, newest) }
        if !scratch.relevantAges.isEmpty { set(.relevantMeanAge, scratch.relevantAges.reduce(0, +) / Double(scratch.relevantAges.count)) }

        // Referrals as this buyer sees them.
        let tally = ranker.trustTally(v)
        let open = index.referrals.openTrust[v]
        set(.trustSaturated, ranker.trust(v, key: key))
        for (i, feature) in FeatureExtractor.referrerTypeFeatures.enumerated() { set(feature, tally.mass[i]) }
        set(.trustBuyerSpecific, max(0, tally.positive - open.positive))
        set(.trustGeneral, open.positive)
        var warnings = 0, praise = 0
        index.referrals.records.withUnsafeBufferPointer { referrals in
            // Through the pointer: each referral is read in place, not copied.
            for r32 in index.referrals.byVendor[v] {
                let r = Int(r32)
                guard index.referrals.alive[r], referrals[r].counts(for: request.buyerOrg) else { continue }
                if referrals[r].strength < 0 { warnings += 1 } else if referrals[r].strength > 0 { praise += 1 }
            }
        }
        set(.warningCount, warnings)
        set(.warningMass, tally.negative)
        set(.praiseCount, praise)

        set(.qualityShrunk, ranker.quality(key: key))
        let qualities = scratch.qualities, recommends = scratch.recommends
        set(.qualityCount, qualities.count)
        if !qualities.isEmpty {
            let mean = qualities.reduce(0, +) / Double(qualities.count)
            set(.qualityMean, mean)
            if qualities.count >= 2 {
                let variance = qualities.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(qualities.count - 1)
                set(.qualitySpread, variance.squareRoot())
            }
        }
        if !recommends.isEmpty { set(.wouldRecommendMean, recommends.reduce(0, +) / Double(recommends.count)) }
        setBool(.noCaseStudies, count == 0)
        setBool(.noReferrals, praise + warnings == 0)
        setBool(.noEvaluations, qualities.isEmpty)
    }
}
