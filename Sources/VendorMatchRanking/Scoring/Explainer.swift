import Foundation
import VendorMatchCore

/// Builds the explained entry of a ranked vendor from the very numbers that produced its score.
struct Explainer {
    let ranker: Ranker
    // Borrowed, not copied: a copy of the index retains every one of its arrays.
    var index: RankingIndex { _read { yield ranker.index } }
    var context: MatchContext { _read { yield ranker.context } }

    var inferred: [InferredServiceType] {
        context.inferredServices.map { InferredServiceType(code: index.services.codes[$0.bit], share: $0.share) }
    }

    /// The score's breakdown: each weighted feature as it counted (they add up to the score up to
    /// floating-point rounding; no remainder is assigned anywhere).
    private func contributions(_ features: SIMD8<Double>, score: Double) -> ScoreBreakdown {
        let weights = ranker.weights
        return ScoreBreakdown(values: (0..<6).map { weights[$0] * features[$0] })
    }

    /// A ranked vendor without explanation: the score and its breakdown from the ranking pass itself.
    func scoredVendor(_ entry: TopK.Entry) -> RankedVendor {
        let v = entry.vendor
        return RankedVendor(vendorID: index.vendors.ids[v], name: index.vendors.records[v].name, score: entry.score,
                            components: contributions(entry.features, score: entry.score), matchedCases: [], referrals: [],
                            quality: entry.features[5], evaluationCount: Int(index.vendors.keys[v].qualityCount), reasons: [])
    }

    /// A vendor ranked by the second phase: its score and the trees' exact contributions, with (when
    /// `explain`) the matched case studies, referrals and reasons of the first phase's evidence; each
    /// referral type's part is its share of the trust contribution.
    func learnedVendor(_ entry: SecondPhaseRanker.Entry, breakdown: ScoreBreakdown, explain: Bool) -> RankedVendor {
        let v = entry.first.vendor
        guard explain else {
            return RankedVendor(vendorID: index.vendors.ids[v], name: index.vendors.records[v].name, score: entry.score,
                                components: breakdown, matchedCases: [], referrals: [], quality: entry.first.features[5],
                                evaluationCount: Int(index.vendors.keys[v].qualityCount), reasons: [])
        }
        var ranked = rankedVendor(v)
        ranked.score = entry.score
        ranked.components = breakdown
        let total = ranked.referrals.reduce(0) { $0 + abs($1.contribution) }
        for i in ranked.referrals.indices {
            ranked.referrals[i].contribution = total > 0 ? breakdown.trust * abs(ranked.referrals[i].contribution) / total : 0
        }
        return ranked
    }

    /// A ranked vendor with its matched case studies, referral summary and reasons.
    func rankedVendor(_ v: Int, casesShown: Int = 3) -> RankedVendor {
        var scratch = ranker.makeScratch()
        let (features, score) = ranker.evaluate(v, scratch: &scratch)
        let weights = ranker.weights
        let contributions = contributions(features, score: score)
        let vendor = index.vendors.records[v]
        let evaluations = Int(index.vendors.keys[v].qualityCount)
        let quality = ranker.quality(v)
        let matched = (0..<scratch.count).map { caseMatch(Int(scratch.cases[$0]), value: scratch.values[$0]) }
        let tally = ranker.trustTally(v)
        let shares = TrustModel.shares(tally, model: index.model)
        var summaries: [ReferralSummary] = []
        for (i, type) in ReferrerType.allCases.enumerated() where tally.count[i] > 0 {
            summaries.append(ReferralSummary(referrerType: type, count: Int(tally.count[i]), contribution: weights[4] * shares[i]))
        }
        return RankedVendor(
            vendorID: vendor.id, name: vendor.name, score: score, components: contributions,
            matchedCases: Array(matched.prefix(casesShown)), referrals: summaries, quality: quality,
            evaluationCount: evaluations,
            reasons: reasons(v, matched: matched, tally: tally, quality: quality, evaluations: evaluations)
        )
    }

    func caseMatch(_ c: Int, value: Double) -> CaseMatch {
        let s = context.similarities(case: c, index: index)
        return CaseMatch(
            caseStudyID: index.caseStudies.records[c].id, vendorID: index.caseStudies.records[c].vendorID, score: value,
            industry: context.hasIndustry ? s[0] : nil, size: context.hasSize ? s[1] : nil,
            need: context.hasNeed ? s[2] : nil, service: context.hasService ? s[3] : nil,
            credibility: Double(index.caseStudies.keys[c].weight), caseStudy: index.caseStudies.records[c]
        )
    }

    // MARK: Reasons

    func reasons(_ v: Int, matched: [CaseMatch], tally: TrustModel.Tally, quality: Double, evaluations: Int) -> [String] {
        var out: [String] = []
        let t = index.taxonomy
        let request = ranker.request
        let live = index.vendors.cases[v].filter { index.caseStudies.keys[Int($0)].alive }.count

        if live == 0 {
            var declared: [String] = []
            let vendor = index.vendors.records[v]
            if !vendor.serviceTypes.isEmpty { declared.append(vendor.serviceTypes.prefix(3).joined(separator: ", ")) }
            if !vendor.industries.isEmpty { declared.append("industries " + vendor.industries.prefix(3).joined(separator: ", ")) }
            out.append("no case studies yet: ranked on what it declares" + (declared.isEmpty ? "" : " (" + declared.joined(separator: "; ") + ")"))
        } else {
            if let industry = request.industry {
                let inIndustry = matched.filter { ($0.industry ?? 0) >= 0.69 }
                if !inIndustry.isEmpty {
                    // Name the requested code when every case lies inside it, else the closest common level.
                    let code = inIndustry.allSatisfy({ ($0.industry ?? 0) >= 1 }) ? industry
                        : t.industryPath(industry).first { c in inIndustry.allSatisfy { t.industryPath($0.caseStudy.clientIndustry).contains(c) } }
                        ?? t.industrySector(industry)
                    var text = "\(count(inIndustry.count, "case study", "case studies")) in \(t.industryTitle(code) ?? code) (\(code))"
                    if let size = request.size {
                        let sized = inIndustry.filter { $0.caseStudy.clientSize == size }.count
                        if sized == inIndustry.count {
                            text += " for \(size.prose)-employee clients"
                        } else if sized > 0 {
                            text += ", \(sized) of them for \(size.prose)-employee clients"
                        }
                    }
                    out.append(text)
                } else if matched.contains(where: { ($0.industry ?? 0) > 0 }) {
                    let sector = t.industrySector(industry)
                    out.append("experience elsewhere in \(t.industryTitle(sector) ?? sector) (\(sector)), not in \(industry) itself")
                }
            }
            if !request.serviceTypes.isEmpty {
                let exact = matched.filter { ($0.service ?? 0) >= 1 }
                if !exact.isEmpty {
                    let names = request.serviceTypes.map { t.serviceTitle($0) ?? $0 }.joined(separator: ", ")
                    out.append("\(count(exact.count, "case study", "case studies")) delivering \(names)")
                }
            } else if !inferred.isEmpty {
                let reading = inferred.map { "\(t.serviceTitle($0.code) ?? $0.code) (\($0.code)), \(format($0.share))" }
                    .joined(separator: "; ")
                let delivering = matched.filter { ($0.service ?? 0) >= 1 }.count
                out.append("need read as \(reading)" + (delivering > 0 ? ": \(count(delivering, "case study", "case studies")) delivering it" : ""))
            }
            if let best = matched.filter({ ($0.need ?? 0) >= 0.15 }).max(by: { ($0.need ?? 0) < ($1.need ?? 0) }),
               let need = best.caseStudy.need {
                let snippet = need.count > 90 ? String(need.prefix(87)) + "…" : need
                out.append("closest past need (similarity \(format(best.need ?? 0))): \u{201C}\(snippet)\u{201D}")
            }
            let verified = matched.filter { $0.caseStudy.verified == true }.count
            let top = matched.filter { $0.caseStudy.topClient == true }.count
            if verified > 0 || top > 0 {
                var parts: [String] = []
                if verified > 0 { parts.append("\(verified) verified by the client") }
                if top > 0 { parts.append("\(count(top, "leading client", "leading clients"))") }
                out.append("among the matched case studies: " + parts.joined(separator: ", "))
            }
        }

        for (i, type) in ReferrerType.allCases.enumerated() where tally.count[i] > 0 {
            let n = Int(tally.count[i])
            if tally.mass[i] >= 0 {
                out.append("recommended by \(count(n, type.prose, type.prosePlural))")
            } else {
                out.append("warned against by \(count(n, type.prose, type.prosePlural))")
            }
        }

        if evaluations > 0 {
            out.append("rated \(format(1 + 4 * quality, digits: 1))/5 across \(count(evaluations, "evaluation", "evaluations")) (shrunk toward the catalogue average)")
        } else {
            out.append("no client evaluations yet: catalogue-average quality assumed")
        }
        return out
    }

    private func count(_ n: Int, _ one: String, _ many: String) -> String {
        n == 1 ? (one.first.map { "aeiou".contains($0) } == true ? "an \(one)" : "a \(one)") : "\(n) \(many)"
    }

    private func format(_ x: Double, digits: Int = 2) -> String {
        let p = pow(10, Double(digits))
        let r = (x * p).rounded() / p
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        }
        return s
    }
}
