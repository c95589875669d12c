import VendorMatchCore

/// The case studies of a `RankingIndex`, structure of arrays indexed by ordinal: the records, their
/// owners, one packed `Key` per case for the scoring loop, the posting lists candidate retrieval reads
/// (need terms, service codes and categories), the semantic channel's vectors with their
/// nearest-neighbour index, and the catalogue's quality totals.
///
/// A replaced or deleted case keeps its slot, marked dead (`Key.alive`), and a replacement gets a new
/// ordinal at the end, so ordinals are stable but depend on the order of writes: whatever reaches a
/// score goes by case id, and the quality totals are exact sums, so a live index answers like a rebuilt
/// one. Posting lists keep dead cases; their readers check liveness.
struct CaseStudyStore: Sendable {
    private(set) var records: [CaseStudy] = []
    private(set) var ordinal: [String: Int32] = [:]
    /// The vendor ordinal of each case.
    private(set) var vendor: [Int32] = []
    private(set) var services: [ServiceSet] = []
    /// What the scoring loop reads of every case, packed (16 bytes): one cache line holds four cases,
    /// and a vendor's cases are neighbours, so scoring a vendor touches one or two lines, not seven.
    /// The only copy of a case's liveness and credibility weight.
    private(set) var keys: [Key] = []
    /// For each service category bit, the cases with a code in that category (ascending ordinals).
    private(set) var categoryCases: [[Int32]] = []
    /// For each service code bit, the cases that list that code (ascending ordinals).
    private(set) var serviceCases: [[Int32]] = []
    /// Need-term postings: for each encoder dimension, the cases that use it and the weight.
    private(set) var needPostings: [[NeedPosting]] = []

    /// The semantic channel, when there is one: its encoder and one vector per case (flat,
    /// `denseDimensions` floats each; all zero for a case without a need or without a stored vector).
    private(set) var denseEncoder: (any DenseNeedEncoder)?
    private(set) var denseDimensions = 0
    private(set) var dense: [Float] = []
    private(set) var hasDense: [Bool] = []
    /// The channel is in the blend: off while needs built without their vectors wait for them
    /// (`DenseNeeds.encodeMissing` false), on once none is missing.
    private(set) var denseActive = false
    /// The approximate nearest-neighbour index over the case-study vectors: trained when the channel turns
    /// on with at least `neighbourSearch.minimumCases` vectors (nil: requests scan every vector), then
    /// kept exact by every write; its centroids move only when the index is rebuilt.
    private(set) var neighbours: NeighbourIndex?
    private(set) var neighbourSearch = NeighbourSearch()
    /// Whether an indexed case study without a stored vector is encoded on the spot.
    private var encodesMissingVectors = true
    /// Live case studies with a need but no vector, by need text (kept only while the channel is off).
    private var awaitingVectors: [String: [Int32]] = [:]
    /// Stored vectors handed to `init`, consumed as the case studies are indexed.
    private var pendingVectors: [String: [Float]] = [:]

    private(set) var live = 0
    /// The sum of the evaluation scores of every live case study, exact (a running `Double` total would
    /// keep the rounding of scores added and taken away since the build), and their number.
    private(set) var qualityTotal = ExactSum()
    private(set) var qualityCount = 0

    struct Key: Sendable {
        /// Interned client industry.
        var industry: Int32
        /// Interned id of `services[c]`.
        var signature: Int32
        /// Credibility of the case: verified, top client, recency (0…1).
        var weight: Float
        /// Size band, -1 when unknown.
        var size: Int8
        var alive: Bool
    }

    /// A store for a build; `dense`'s stored vectors are taken as the case studies are appended, until
    /// `finishBuild`.
    init(dense: DenseNeeds?) {
        guard let dense else { return }
        denseEncoder = dense.encoder
        denseDimensions = dense.caseVectors.values.first?.count ?? dense.encoder.embed("dimensions").count
        pendingVectors = dense.caseVectors
        encodesMissingVectors = dense.encodeMissing
        neighbourSearch = dense.neighbourSearch
    }

    /// Ends the build: stored vectors not taken are dropped, later cases without one are encoded on the
    /// spot, and the channel is on when no case waits for its vector.
    mutating func finishBuild() {
        pendingVectors = [:]
        encodesMissingVectors = true
        denseActive = denseEncoder != nil && awaitingVectors.isEmpty
        trainNeighbours()
    }

    var count: Int { records.count }

    /// The catalogue mean of evaluation scores (0.7 when there are none yet).
    var qualityMean: Double { qualityCount > 0 ? qualityTotal.value / Double(qualityCount) : 0.7 }

    /// Appends case `c` of vendor `v` in a new slot (its industry and service set interned by the index,
    /// its need encoded) and returns the ordinal.
    mutating func append(_ c: CaseStudy, vendor v: Int, industry: Int32, services serviceSet: ServiceSet, signature: Int32,
                         codes: ServiceCodes, need: SparseVector?, model: RankingModel) -> Int32 {
        let o = Int32(records.count)
        ordinal[c.id] = o
        records.append(c)
        vendor.append(Int32(v))
        services.append(serviceSet)
        if categoryCases.isEmpty { categoryCases = Array(repeating: [], count: codes.codes.count) }
        if serviceCases.isEmpty { serviceCases = Array(repeating: [], count: codes.codes.count) }
        var categories = Set<Int>()
        serviceSet.forEach {
            categories.insert(codes.categoryBit[$0])
            serviceCases[$0].append(o)
        }
        for cat in categories.sorted() { categoryCases[cat].append(o) }
        keys.append(Key(industry: industry, signature: signature, weight: Float(CaseWeighting(model: model).weight(of: c)),
                        size: c.clientSize.map { Int8($0.rawValue) } ?? -1, alive: true))
        if denseEncoder != nil {
            var vector = pendingVectors[c.id] ?? []
            if vector.count != denseDimensions, encodesMissingVectors, let need = c.need, let e = denseEncoder {
                vector = e.embed(need)
            }
            let ok = vector.count == denseDimensions && c.need != nil
            dense.append(contentsOf: ok ? vector : [Float](repeating: 0, count: denseDimensions))
            hasDense.append(ok)
            if ok { fileNeighbour(Int(o)) }
            if !ok, let text = c.need { awaitingVectors[text, default: []].append(o) }
        }
        if let need {
            for (id, w) in zip(need.ids, need.weights) {
                while needPostings.count <= Int(id) { needPostings.append([]) }
                needPostings[Int(id)].append(NeedPosting(ordinal: o, weight: w))
            }
        }
        if let q = quality(Int(o), model: model) {
            qualityTotal.add(q)
            qualityCount += 1
        }
        live += 1
        return o
    }

    /// Marks case `c` dead; its vendor's quality is recomputed by the index.
    mutating func kill(_ c: Int, model: RankingModel) {
        keys[c].alive = false
        neighbours?.remove(Int32(c))
        live -= 1
        if let q = quality(c, model: model) {
            qualityTotal.add(-q)
            qualityCount -= 1
        }
    }

    /// Case `c`'s evaluation score (0…1) under `model`, nil without an evaluation.
    func quality(_ c: Int, model: RankingModel) -> Double? {
        records[c].evaluation.flatMap { QualityModel.score($0, model: model) }
    }

    /// Recomputes every number that depends on the model: credibility weights and quality totals.
    mutating func reweigh(model: RankingModel) {
        let weighting = CaseWeighting(model: model)
        for c in records.indices {
            keys[c].weight = Float(weighting.weight(of: records[c]))
        }
        qualityTotal = ExactSum()
        qualityCount = 0
        for c in records.indices where keys[c].alive {
            if let q = quality(c, model: model) {
                qualityTotal.add(q)
                qualityCount += 1
            }
        }
    }

    // MARK: Semantic channel

    /// Trains the approximate index on the live case studies' vectors, or drops it below
    /// `neighbourSearch.minimumCases` of them (or while the channel is off).
    private mutating func trainNeighbours() {
        neighbours = nil
        guard denseActive, denseDimensions > 0 else { return }
        var members: [Int32] = []
        for c in records.indices where hasDense[c] && keys[c].alive { members.append(Int32(c)) }
        guard !members.isEmpty, members.count >= neighbourSearch.minimumCases else { return }
        neighbours = NeighbourIndex(vectors: dense, dims: denseDimensions, members: members, configuration: neighbourSearch)
    }

    /// Files case `c`'s vector in the approximate index, when there is one.
    private mutating func fileNeighbour(_ c: Int) {
        guard neighbours != nil else { return }
        let vector = dense[(c * denseDimensions)..<((c + 1) * denseDimensions)]
        neighbours!.insert(Int32(c), vector: vector)
    }

    /// Need texts of live case studies still waiting for their vector (see `DenseNeeds.encodeMissing`).
    var needsAwaitingVectors: [String] { awaitingVectors.keys.sorted() }

    var semanticProgress: SemanticProgress? {
        guard denseEncoder != nil else { return nil }
        var waiting = 0
        for (_, ordinals) in awaitingVectors {
            for c in ordinals where keys[Int(c)].alive && !hasDense[Int(c)] { waiting += 1 }
        }
        var needs = 0
        for c in records.indices where keys[c].alive && records[c].need != nil { needs += 1 }
        return SemanticProgress(needs: needs, encoded: needs - waiting, active: denseActive)
    }

    /// Gives case studies waiting for a vector the vectors of their need texts; turns the channel on
    /// when none waits any more. Returns the case studies that got one.
    @discardableResult
    mutating func installNeedVectors(_ vectors: [String: [Float]]) -> Int {
        guard denseEncoder != nil else { return 0 }
        var installed = 0
        for (text, vector) in vectors where vector.count == denseDimensions {
            guard let ordinals = awaitingVectors.removeValue(forKey: text) else { continue }
            for c in ordinals where !hasDense[Int(c)] && records[Int(c)].need == text {
                let base = Int(c) * denseDimensions
                dense.replaceSubrange(base..<(base + denseDimensions), with: vector)
                hasDense[Int(c)] = true
                if keys[Int(c)].alive { fileNeighbour(Int(c)) }
                installed += 1
            }
        }
        if !denseActive, awaitingVectors.isEmpty {
            denseActive = true
            trainNeighbours()
        }
        return installed
    }
}
