import VendorMatchCore

/// The second ranking phase: the first phase's best candidates, featurised by `FeatureExtractor` and
/// re-ranked by the boosted trees. Pure: the same candidates and trees give the same order.
struct SecondPhaseRanker {
    let ranker: Ranker
    let ensemble: TreeEnsemble

    struct Entry {
        /// The candidate as the first phase scored it.
        var first: TopK.Entry
        /// The trees' margin: the final score.
        var score: Double
        /// The feature vector behind it (`Feature.allCases` order): a view of the shared matrix, not a copy.
        var row: ArraySlice<Float>
    }

    /// All candidates re-ranked: score descending, then vendor id ascending.
    func rerank(_ candidates: [TopK.Entry]) -> [Entry] {
        let columns = FeatureExtractor.count
        let matrix = FeatureExtractor(ranker: ranker).matrix(candidates)
        let scores = ensemble.predict(matrix: matrix, columns: columns)
        let ids = ranker.index.vendors.ids
        var entries = candidates.indices.map { i in
            Entry(first: candidates[i], score: scores[i], row: matrix[(i * columns)..<((i + 1) * columns)])
        }
        entries.sort { a, b in a.score != b.score ? a.score > b.score : ids[a.first.vendor] < ids[b.first.vendor] }
        return entries
    }

    /// `breakdown` of each entry; the exact contributions of all entries are computed together (the
    /// per-leaf tables are read once for all of them).
    func breakdowns(_ entries: [Entry], exact: Bool) -> [ScoreBreakdown] {
        guard exact, !entries.isEmpty else { return entries.map { breakdown($0, exact: exact) } }
        let rows = entries.flatMap(\.row)
        let phis = rows.withUnsafeBufferPointer { ensemble.contributions(matrix: $0, rows: entries.count) }
        return phis.map(breakdown(phi:))
    }

    /// The score's per-feature contributions (exact: TreeSHAP) grouped into the buyer-facing components:
    /// each feature's to its component; the experience features that combine dimensions, evenly over the
    /// dimensions the request gives; the bias and request-level features to `other`.
    /// With `exact` false, path-attribution contributions (Saabas), which also add up to the score at a
    /// fraction of the cost: for shortlists asked without explanations.
    func breakdown(_ entry: Entry, exact: Bool = true) -> ScoreBreakdown {
        breakdown(phi: entry.row.withUnsafeBufferPointer { exact ? ensemble.contributions($0) : ensemble.approximateContributions($0) })
    }

    /// `phi` (one value per feature, then the bias) grouped into the components.
    func breakdown(phi: [Double]) -> ScoreBreakdown {
        let context = ranker.context
        let given = [context.hasIndustry, context.hasSize, context.hasNeed, context.hasService]
        var parts = [Double](repeating: 0, count: 7) // industry, size, need, service, trust, quality, other
        for feature in Feature.allCases {
            let value = phi[feature.rawValue]
            if let component = feature.component {
                parts[Feature.Group.allCases.firstIndex(of: component)!] += value
            } else {
                let dims = (0..<4).filter { given[$0] }
                if dims.isEmpty { parts[6] += value } else { for d in dims { parts[d] += value / Double(dims.count) } }
            }
        }
        parts[6] += phi[FeatureExtractor.count]
        var b = ScoreBreakdown()
        b.industry = parts[0]; b.size = parts[1]; b.need = parts[2]; b.service = parts[3]
        b.trust = parts[4]; b.quality = parts[5]; b.other = parts[6]
        return b
    }
}
