import VendorMatchCore

/// The first stage of ranking: which vendors a request may return at all, and in which order the first
/// phase scores them. The hard constraints of CONTRACT §2 (service types, certifications, regions,
/// languages, budget, exclusions) are checked over the vendor store's flat arrays; the need's and the
/// requested services' posting lists (`MatchContext.relevantVendor`) then split the candidates into
/// those with matching work and the rest, so the first phase can prune the latter by their bounds.
enum CandidateRetrieval {
    /// The vendors of `index` that satisfy every hard constraint of `request`, ascending by ordinal.
    static func candidates(for request: BuyerRequest, in index: RankingIndex) -> [Int] {
        let services = index.services
        let masks = request.serviceTypes.compactMap { services.bit[$0] }.map { services.acceptable(for: $0) }
        let certs = index.vendors.certifications.wanted(request.requiredCertifications.map(Vocabulary.normalizeCertification))
        // A certification no vendor holds rules every vendor out.
        if certs.unknown > 0 { return [] }
        let regions = index.vendors.regions.wanted(request.regions)
        let languages = index.vendors.languages.wanted(request.languages)
        var excluded = [Bool](repeating: false, count: index.vendors.count)
        for id in request.excludeVendors { if let o = index.vendors.ordinal[id] { excluded[Int(o)] = true } }
        let checkRegions = !request.regions.isEmpty, checkLanguages = !request.languages.isEmpty
        let budget = request.budgetUSD ?? .infinity
        // Local references to what the loop reads (one retain each, then no access through the snapshot).
        let vendorAlive = index.vendors.alive, vendorOffered = index.vendors.offered
        let vendorMinProject = index.vendors.minProject
        let certified = index.vendors.certifications, regional = index.vendors.regions, speaking = index.vendors.languages
        var out = [Int](repeating: 0, count: vendorAlive.count)
        var count = 0
        out.withUnsafeMutableBufferPointer { out in
            certs.table.withUnsafeBufferPointer { certTable in
                regions.table.withUnsafeBufferPointer { regionTable in
                    languages.table.withUnsafeBufferPointer { languageTable in
                        let alive = vendorAlive.span, offers = vendorOffered.span, left = excluded.span
                        let minimum = vendorMinProject.span
                        for v in 0..<alive.count where alive[v] && !left[v] {
                            if !masks.isEmpty {
                                let offered = offers[v]
                                var meets = true
                                for m in masks where !offered.intersects(m) { meets = false; break }
                                if !meets { continue }
                            }
                            if certs.known > 0, certified.matches(v, in: certTable) < certs.known { continue }
                            // Regions and languages must overlap where the vendor gives any.
                            if checkRegions, !regional.isEmpty(v), regional.matches(v, in: regionTable) == 0 { continue }
                            if checkLanguages, !speaking.isEmpty(v), speaking.matches(v, in: languageTable) == 0 { continue }
                            if budget < minimum[v] { continue } // -1 (none given) never binds
                            out[count] = v
                            count += 1
                        }
                    }
                }
            }
        }
        out.removeLast(out.count - count)
        return out
    }

    /// The pool split into vendors with a case matching the work (strongly, when `prune`), weakly, and
    /// not at all; each ascending.
    static func partition(_ pool: ArraySlice<Int>, context: MatchContext, prune: Bool) -> (strong: [Int], weak: [Int], others: [Int]) {
        var strong: [Int] = [], weak: [Int] = [], others: [Int] = []
        strong.reserveCapacity(pool.count)
        weak.reserveCapacity(pool.count)
        others.reserveCapacity(pool.count)
        let relevant = context.relevantVendor.span, bestNeed = context.vendorBestNeed.span
        let meets = context.vendorMeetsService.span
        for v in pool {
            if !relevant[v] {
                others.append(v)
            } else if !prune || bestNeed[v] > 0 || meets[v] {
                strong.append(v)
            } else {
                weak.append(v)
            }
        }
        return (strong, weak, others)
    }
}
