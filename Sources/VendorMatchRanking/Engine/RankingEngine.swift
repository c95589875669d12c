import Foundation
import Synchronization
import VendorMatchCore

/// The ranking engine: an in-memory index of the catalogue that answers shortlists and case-study
/// searches, and takes upserts and deletes without a rebuild.
///
/// Thread-safe. Readers take the published snapshot of the index under a short lock and score outside
/// it, so concurrent shortlists run in parallel. Writers take turns (`writer`); each builds the next
/// index from the published one outside the readers' lock (copy-on-write: the arrays it changes are
/// copied, the others shared) and swaps the new snapshot in, so a reader never waits for a write.
public final class RankingEngine: Sendable {
    /// The published snapshot; readers hold its lock only to retain it.
    private let state: Mutex<IndexSnapshot>
    /// Serializes writers (readers never take it).
    private let writer = Mutex(())
    public let taxonomy: Taxonomy

    /// - Parameters:
    ///   - dense: the semantic need channel (an encoder and stored case-study vectors); without it need
    ///     similarity is lexical only. Case studies without a stored vector are encoded here.
    ///   - textStatistics: the lexical encoder's corpus statistics (stored with the catalogue); without
    ///     them they are learned from `catalogue`. Writes never change them, so an engine built from
    ///     the database with the statistics of a live one answers exactly like it.
    public init(taxonomy: Taxonomy, model: RankingModel = .defaults, analyzer: LexicalAnalyzer = LexicalAnalyzer(),
                catalogue: Catalogue, dense: DenseNeeds? = nil, textStatistics: LexicalNeedEncoder.Statistics? = nil) {
        self.taxonomy = taxonomy
        state = Mutex(IndexSnapshot(RankingIndex(taxonomy: taxonomy, model: model, analyzer: analyzer, catalogue: catalogue,
                                                 dense: dense, statistics: textStatistics)))
    }

    /// The lexical encoder's corpus statistics (given or learned at build; writes leave them alone), to
    /// store with the catalogue and build the next engine with.
    public var textStatistics: LexicalNeedEncoder.Statistics { snapshot().index.encoder.statistics }

    /// The semantic encoder's model identifier, when the semantic channel is on.
    public var semanticModel: String? { snapshot().index.caseStudies.denseEncoder?.modelIdentifier }

    /// How far the semantic channel is (nil without one): see `DenseNeeds.encodeMissing`.
    public var semanticProgress: SemanticProgress? { snapshot().index.caseStudies.semanticProgress }

    /// Need texts of case studies still waiting for their vector (empty once the channel is on).
    public var needsAwaitingVectors: [String] { snapshot().index.caseStudies.needsAwaitingVectors }

    /// Hands the semantic channel vectors of need texts (e.g. computed in the background after a start
    /// without them); the channel joins the blend once no case study waits for one. Returns how many
    /// case studies got a vector.
    @discardableResult
    public func installNeedVectors(_ vectors: [String: [Float]]) -> Int {
        write { $0.installNeedVectors(vectors) }
    }

    /// The published snapshot: one retain, where copying the index would retain each of its arrays.
    private func snapshot() -> IndexSnapshot { state.withLock { $0 } }

    func snapshotForBaselines() -> IndexSnapshot { snapshot() }

    /// Applies a change to a copy of the published index, outside the readers' lock, and publishes the
    /// result with one swap. Writers take turns, so none is lost.
    private func write<Result: Sendable>(_ change: (inout RankingIndex) -> Result) -> Result {
        writer.withLock { _ in
            var index = snapshot().index
            let result = change(&index)
            let next = IndexSnapshot(index)
            state.withLock { $0 = next }
            return result
        }
    }

    // MARK: Reading

    /// Ranks vendors for a request (validated by `RecordCodec`), best first; with `explain`, each with its
    /// matched case studies, referral summary and reasons (the breakdown is always there).
    /// With `logCandidates`, the answer carries `served`: every candidate the second phase ranked with its
    /// feature row (without a second phase, the first phase's best `SecondPhase.defaultCandidates`, featurised).
    public func shortlist(_ request: BuyerRequest, explain: Bool = true, logCandidates: Bool = false) throws(VMError) -> Shortlist {
        try check(request)
        var ranker = Ranker(snapshot: snapshot(), request: request, retrieving: true)
        let version = ranker.index.model.metadata[ServedCandidates.modelVersionKey] ?? "unversioned"
        if let phase = ranker.index.model.secondPhase, let ensemble = phase.ensemble {
            // Retrieve and first phase: the best `candidates`; second phase: the trees re-rank them.
            let (first, candidates) = ranker.topExact(max(request.k, phase.candidates))
            let second = SecondPhaseRanker(ranker: ranker, ensemble: ensemble)
            let all = second.rerank(first)
            let ranked = Array(all.prefix(request.k))
            let breakdowns = second.breakdowns(ranked, exact: explain)
            let explainer = Explainer(ranker: ranker)
            var list = Shortlist(requestID: request.id,
                                 vendors: ranked.indices.map { explainer.learnedVendor(ranked[$0], breakdown: breakdowns[$0], explain: explain) },
                                 candidateCount: candidates, inferredServiceTypes: explainer.inferred)
            if logCandidates {
                list.served = ServedCandidates(vendorIDs: all.map { ranker.index.vendors.ids[$0.first.vendor] },
                                               matrix: all.flatMap(\.row), features: Feature.signature, modelVersion: version)
            }
            return list
        }
        let (ranked, candidates) = ranker.topExact(request.k)
        var served: ServedCandidates?
        if logCandidates {
            let first = ranker.topExact(max(request.k, SecondPhase.defaultCandidates)).ranked
            served = ServedCandidates(vendorIDs: first.map { ranker.index.vendors.ids[$0.vendor] },
                                      matrix: FeatureExtractor(ranker: ranker).matrix(first), features: Feature.signature,
                                      modelVersion: version)
        }
        let explainer = Explainer(ranker: consume ranker)
        return Shortlist(requestID: request.id, vendors: ranked.map { explain ? explainer.rankedVendor($0.vendor) : explainer.scoredVendor($0) },
                         candidateCount: candidates, inferredServiceTypes: explainer.inferred, served: served)
    }

    /// Unweighted features of the best `limit` candidates (by the current model), for training.
    public func features(for request: BuyerRequest, limit: Int) throws(VMError) -> [CandidateFeatures] {
        try check(request, maxK: Int.max)
        var ranker = Ranker(snapshot: snapshot(), request: request, retrieving: true)
        return ranker.topExact(limit).ranked.map { entry in
            CandidateFeatures(vendorID: ranker.index.vendors.ids[entry.vendor], values: (0..<6).map { entry.features[$0] })
        }
    }

    /// The second phase's feature rows of the first phase's best `limit` candidates, in first-phase
    /// order: what `train` learns from and what serving computes (one extractor for both).
    public func featureRows(for request: BuyerRequest, limit: Int) throws(VMError) -> (vendorIDs: [String], matrix: [Float]) {
        try check(request, maxK: Int.max)
        var ranker = Ranker(snapshot: snapshot(), request: request, retrieving: true)
        let first = ranker.topExact(limit).ranked
        return (first.map { ranker.index.vendors.ids[$0.vendor] }, FeatureExtractor(ranker: ranker).matrix(first))
    }

    /// Case studies (of all vendors or one) ranked against a prospect profile, with per-dimension scores.
    public func findCaseStudies(_ query: CaseQuery) throws(VMError) -> [CaseMatch] {
        guard (1...BuyerRequest.maxK).contains(query.k) else {
            throw VMError(.invalidInput, "k must be between 1 and \(BuyerRequest.maxK), got \(query.k)", field: "k")
        }
        if let industry = query.industry, taxonomy.canonicalIndustry(industry) != industry {
            throw VMError(.invalidInput, "unknown NAICS industry code \"\(industry)\"", field: "industry")
        }
        for (i, s) in query.serviceTypes.enumerated() where !taxonomy.isValidService(s) {
            throw VMError(.invalidInput, "unknown service type \"\(s)\"", field: "service_types[\(i)]")
        }
        let snapshot = snapshot()
        let index = snapshot.index
        let request = BuyerRequest(id: "cases", industry: query.industry, size: query.size, need: query.need,
                                   serviceTypes: query.serviceTypes, k: query.k)
        var ranker = Ranker(snapshot: snapshot, request: request)
        let ordinals: [Int32]
        if let vendorID = query.vendorID {
            guard let v = index.vendors.ordinal[vendorID], index.vendors.alive[Int(v)] else {
                throw VMError(.notFound, "no vendor \"\(vendorID)\"", field: "vendor_id")
            }
            ordinals = index.vendors.cases[Int(v)]
            // One vendor's cases: exact semantic similarities (with the approximate index, only its hits
            // are; across the whole catalogue the other cases keep the lower bound 0 on that channel).
            ranker.exactSemantic(forVendors: [Int(v)])
        } else {
            ordinals = Array(0..<Int32(index.caseStudies.count))
        }
        let context = ranker.context
        let norm = (context.w * context.a).sum()
        var scored: [(Int, Double)] = []
        for c32 in ordinals {
            let c = Int(c32)
            guard index.caseStudies.keys[c].alive, index.vendors.alive[Int(index.caseStudies.vendor[c])] else { continue }
            let s = context.similarities(case: c, index: index)
            let weight = Double(index.caseStudies.keys[c].weight)
            let value = norm > 0 ? weight * context.value(s) / norm : weight
            scored.append((c, value))
        }
        scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : index.caseStudies.records[$0.0].id < index.caseStudies.records[$1.0].id }
        let explainer = Explainer(ranker: ranker)
        return scored.prefix(query.k).map { explainer.caseMatch($0.0, value: $0.1) }
    }

    public func vendor(id: String) -> Vendor? {
        let snapshot = snapshot()
        guard let o = snapshot.index.vendors.ordinal[id], snapshot.index.vendors.alive[Int(o)] else { return nil }
        return snapshot.index.vendors.records[Int(o)]
    }

    public var counts: CatalogueCounts {
        let snapshot = snapshot()
        return CatalogueCounts(vendors: snapshot.index.vendors.live, caseStudies: snapshot.index.caseStudies.live,
                               referrals: snapshot.index.referrals.live)
    }

    public var model: RankingModel { snapshot().index.model }

    // MARK: Writing

    public func upsert(vendors: [Vendor]) { write { $0.upsert(vendors: vendors) } }

    public func upsert(caseStudies: [CaseStudy]) { write { $0.upsert(caseStudies: caseStudies) } }

    public func add(referrals: [Referral]) { write { $0.add(referrals: referrals) } }

    /// Removes a vendor with its case studies and referrals; `false` when there was none.
    public func deleteVendor(id: String) -> Bool { write { $0.deleteVendor(id: id) } }

    public func replaceModel(_ model: RankingModel) { write { $0.replace(model: model) } }

    // MARK: Validation

    private func check(_ request: BuyerRequest, maxK: Int = BuyerRequest.maxK) throws(VMError) {
        guard request.k >= 1, request.k <= maxK else {
            throw VMError(.invalidInput, "k must be between 1 and \(BuyerRequest.maxK), got \(request.k)", field: "k")
        }
        if let industry = request.industry, taxonomy.canonicalIndustry(industry) != industry {
            throw VMError(.invalidInput, "unknown NAICS industry code \"\(industry)\"", field: "industry")
        }
        for (i, s) in request.serviceTypes.enumerated() where !taxonomy.isValidService(s) {
            throw VMError(.invalidInput, "unknown service type \"\(s)\"", field: "service_types[\(i)]")
        }
    }
}
