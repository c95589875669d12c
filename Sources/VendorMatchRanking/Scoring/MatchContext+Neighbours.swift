import VendorMatchCore

extension MatchContext {
    /// `semanticSimilarities` from the approximate index: the `neighbourSearch.hits` nearest case studies
    /// get their exact (rescaled) cosine, the other cases with a vector 0, those without one -1.
    static func semanticHits(query: [Float], index: RankingIndex, neighbours: NeighbourIndex) -> [Float] {
        let floor = Float(index.model.value(.needSemanticFloor))
        var out = [Float](repeating: -1, count: index.caseStudies.count)
        out.withUnsafeMutableBufferPointer { out in
            index.caseStudies.hasDense.withUnsafeBufferPointer { has in
                for c in 0..<min(out.count, has.count) where has[c] { out[c] = 0 }
            }
        }
        for hit in neighbours.nearest(query, k: max(1, index.caseStudies.neighbourSearch.hits), vectors: index.caseStudies.dense) {
            out[Int(hit.id)] = rescaled(hit.score, floor: floor)
        }
        return out
    }

    /// Gives every case study of `vendors` its exact semantic similarity (and the blend its exact value),
    /// as an exhaustive scan would have: what the second phase and the explanations read of the first
    /// phase's candidates. A case that now reaches the need floor becomes relevant. Nothing to do unless
    /// the similarities came from the approximate index.
    mutating func exactSemantic(forVendors vendors: [Int], index: RankingIndex) {
        guard semanticApproximate, !semanticQuery.isEmpty else { return }
        var rows: [Int32] = [], owners: [Int] = []
        for v in vendors {
            for c in index.vendors.cases[v] where index.caseStudies.hasDense[Int(c)] {
                rows.append(c)
                owners.append(v)
            }
        }
        let dots = ExactDots.gather(semanticQuery, vectors: index.caseStudies.dense, dims: index.caseStudies.denseDimensions,
                                    rows: rows)
        let floor = Float(index.model.value(.needSemanticFloor))
        let share = Float(min(1, max(0, index.model.value(.needSemanticShare))))
        let relevance = max(needFloor, .leastNonzeroMagnitude)
        for i in rows.indices {
            let c = Int(rows[i]), v = owners[i]
            let semantic = MatchContext.rescaled(dots[i], floor: floor)
            needSemanticSim[c] = semantic
            // `blend`'s formula on the lexical score, so the value is the exhaustive scan's to the bit.
            needSim[c] = (1 - share) * needLexicalSim[c] + share * semantic
            guard needSim[c] >= relevance, !relevantCase.isEmpty else { continue }
            relevantCase[c] = true
            relevantVendor[v] = true
            vendorBestNeed[v] = max(vendorBestNeed[v], min(1, needSim[c]))
        }
    }
}
