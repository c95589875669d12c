import Synchronization
import VendorMatchCore

/// The catalogue laid out for ranking: vendors, case studies and referrals in flat arrays indexed by
/// ordinal, with the per-record numbers that do not depend on a request precomputed.
///
/// A value type: the engine hands readers a snapshot and applies writes to its own copy. Deleted and
/// replaced records keep their slot, marked dead, so ordinals stay stable without a rebuild.
///
/// An index written to live answers exactly like one built from the resulting catalogue with the same
/// text statistics (a restart must not change a shortlist): nothing a request sees depends on the order
/// of writes. Ordinals do (a replaced case study gets a new one at the end), so every tie-break and
/// every order of summation that reaches a score goes by record id instead: a vendor's cases are listed
/// by case id, quality sums are exact, referral tallies are sorted by organisation and id.
struct RankingIndex: Sendable {
    let taxonomy: Taxonomy
    let services: ServiceCodes
    private(set) var model: RankingModel
    private(set) var encoder: LexicalNeedEncoder

    // Industries, interned: each distinct code gets an id, with its path of ids up to the sector.
    private(set) var industryID: [String: Int32] = [:]
    private(set) var industryCodes: [String] = []
    /// For each interned industry: its own id, then its ancestors' ids up to the sector, flat,
    /// `RankingIndex.pathSlots` ids per industry padded with -1 (no inner arrays to touch when a request
    /// builds its industry table).
    private(set) var industryPathsFlat: [Int32] = []
    static let pathSlots = 6
    /// Declared industries of every vendor as ranges (`VendorKey.industryStart`, `industryCount`) into one
    /// flat array (an update appends a new range).
    private(set) var declaredIndustryIDs: [Int32] = []

    // Service sets, interned: cases share a few hundred distinct sets, so a request scores each once.
    private(set) var serviceSignatureID: [ServiceSet: Int32] = [:]
    private(set) var serviceSignatures: [ServiceSet] = []

    // Vendors.
    private(set) var vendors: [Vendor] = []
    private(set) var vendorOrdinal: [String: Int32] = [:]
    /// `vendors[v].id`, flat, for tie-breaks in the hot loop.
    private(set) var vendorIDs: [String] = []
    private(set) var vendorAlive: [Bool] = []
    private(set) var vendorDeclaredServices: [ServiceSet] = []
    private(set) var vendorOffered: [ServiceSet] = []
    /// Hard-constraint attributes, interned and flat (certifications normalised).
    private(set) var vendorCertifications = TagLists()
    private(set) var vendorRegions = TagLists()
    private(set) var vendorLanguages = TagLists()
    /// Minimum project size, or -1 when the vendor gives none.
    private(set) var vendorMinProject: [Double] = []
    private(set) var vendorDescription: [SparseVector] = []
    /// Description-term postings (ordinal = vendor), so a request scores only vendors sharing a term.
    private(set) var descriptionPostings: [[NeedPosting]] = []
    /// Each vendor's live cases, by case id (the order the scoring loop offers them in, so ties between
    /// equal cases go the same way in a live and a rebuilt index).
    private(set) var vendorCases: [[Int32]] = []
    /// `vendorCases`, flat for the scoring loop: vendor `v`'s cases are the range `vendorKeys[v].caseStart`,
    /// `caseCount` of this list. A vendor whose cases change gets a new range at the end; the list is
    /// compacted when half of it is stale.
    private(set) var vendorCaseList: [Int32] = []
    private(set) var vendorReferrals: [[Int32]] = []
    /// Trust from referrals that count for every buyer.
    private(set) var vendorOpenTrust: [TrustModel.Tally] = []
    /// What the scoring loop reads of every vendor, packed in one 48-byte key (one cache line, not
    /// nine arrays): its case range, declarations, quality totals and open trust.
    private(set) var vendorKeys: [VendorKey] = []

    // Case studies (structure of arrays).
    private(set) var cases: [CaseStudy] = []
    private(set) var caseOrdinal: [String: Int32] = [:]
    private(set) var caseVendor: [Int32] = []
    private(set) var caseServices: [ServiceSet] = []
    /// What the scoring loop reads of every case, packed (16 bytes): one cache line holds four cases,
    /// and a vendor's cases are neighbours, so scoring a vendor touches one or two lines, not seven.
    /// The only copy of a case's liveness and credibility weight.
    private(set) var caseKeys: [CaseKey] = []
    /// The semantic channel, when there is one: its encoder and one vector per case (flat,
    /// `dimensions` floats each; all zero for a case without a need or without a stored vector).
    private(set) var denseEncoder: (any DenseNeedEncoder)?
    private(set) var denseDimensions = 0
    private(set) var caseDense: [Float] = []
    private(set) var caseHasDense: [Bool] = []
    /// The channel is in the blend: off while needs built without their vectors wait for them
    /// (`DenseNeeds.encodeMissing` false), on once none is missing.
    private(set) var denseActive = false
    /// The approximate nearest-neighbour index over the case-study vectors: trained when the channel turns
    /// on with at least `neighbourSearch.minimumCases` vectors (nil: requests scan every vector), then
    /// kept exact by every write; its centroids move only when the index is rebuilt.
    private(set) var caseNeighbours: NeighbourIndex?
    private(set) var neighbourSearch = NeighbourSearch()
    /// Whether an indexed case study without a stored vector is encoded on the spot.
    private var encodesMissingVectors = true
    /// Live case studies with a need but no vector, by need text (kept only while the channel is off).
    private var casesAwaitingVectors: [String: [Int32]] = [:]
    /// For each service category bit, the cases with a code in that category (ascending ordinals).
    private(set) var categoryCases: [[Int32]] = []
    /// For each service code bit, the cases that list that code (ascending ordinals).
    private(set) var serviceCases: [[Int32]] = []
    /// Need-term postings: for each encoder dimension, the cases that use it and the weight.
    private(set) var needPostings: [[NeedPosting]] = []

    // Referrals.
    private(set) var referrals: [Referral] = []
    private(set) var referralOrdinal: [String: Int32] = [:]
    private(set) var referralAlive: [Bool] = []
    /// Request-independent part of each referral's contribution (type weight · strength · age decay).
    private(set) var referralBase: [Double] = []
    /// Buyer-specific referrals by buyer organisation.
    private(set) var buyerReferrals: [String: [Int32]] = [:]
    /// For each buyer organisation, the vendors it has buyer-specific referrals for, with the vendor's
    /// whole trust tally as that buyer sees it (open and buyer-specific referrals saturated together).
    private(set) var buyerVendorTally: [String: [Int32: TrustModel.Tally]] = [:]

    /// Request tables that depend only on the index's interned codes, shared by snapshots.
    let industryTables = RequestTableCache<UInt8>()
    let serviceTables = RequestTableCache<Float>()

    private(set) var liveVendors = 0
    private(set) var liveCases = 0
    private(set) var liveReferrals = 0
    /// The sum of the evaluation scores of every live case study, exact (a running `Double` total would
    /// keep the rounding of scores added and taken away since the build), and their number.
    private(set) var qualityTotal = ExactSum()
    private(set) var qualityCount = 0

    struct VendorKey: Sendable {
        /// The vendor's range of `vendorCaseList`.
        var caseStart: Int32 = 0
        var caseCount: Int32 = 0
        /// The vendor's range of `declaredIndustryIDs`.
        var industryStart: Int32 = 0
        var industryCount: Int32 = 0
        /// Interned service set of the declared service types.
        var declaredSignature: Int32 = 0
        /// Count and sum of evaluation scores (0…1) over the vendor's live case studies (the sum correctly
        /// rounded, whatever the order of its cases).
        var qualityCount: Int32 = 0
        var qualitySum = 0.0
        /// `TrustModel.trust` of `vendorOpenTrust` under the current model: what most vendors' trust is.
        var openTrust = 0.0
    }

    struct CaseKey: Sendable {
        /// Interned client industry.
        var industry: Int32
        /// Interned id of `caseServices[c]`.
        var signature: Int32
        /// Credibility of the case: verified, top client, recency (0…1).
        var weight: Float
        /// Size band, -1 when unknown.
        var size: Int8
        var alive: Bool
    }

    struct NeedPosting: Sendable {
        var caseOrdinal: Int32
        var weight: Float
    }

    /// - Parameter statistics: the lexical encoder's corpus statistics; without them they are learned
    ///   from the catalogue's case-study needs and vendor descriptions.
    init(taxonomy: Taxonomy, model: RankingModel, analyzer: LexicalAnalyzer, catalogue: Catalogue, dense: DenseNeeds? = nil,
         statistics: LexicalNeedEncoder.Statistics? = nil) {
        self.taxonomy = taxonomy
        if let dense {
            denseEncoder = dense.encoder
            denseDimensions = dense.caseVectors.values.first?.count ?? dense.encoder.embed("dimensions").count
            pendingVectors = dense.caseVectors
            encodesMissingVectors = dense.encodeMissing
            neighbourSearch = dense.neighbourSearch
        }
        self.services = ServiceCodes(taxonomy: taxonomy)
        self.model = model
        // The corpus statistics are frozen: fitted here when none are given, never changed by a write.
        // A term's weight then depends on the text alone, so one write cannot reorder unrelated results,
        // and an index rebuilt from the database with the same statistics answers exactly like the live
        // one (learning at every build would give a restart other weights than the writes before it).
        var encoder: LexicalNeedEncoder
        if let statistics {
            encoder = LexicalNeedEncoder(analyzer: analyzer, statistics: statistics)
            // Only the token cache is filled, and only where the statistics decide the token.
            for c in catalogue.caseStudies { if let need = c.need { encoder.cacheTokens(of: need) } }
            for v in catalogue.vendors { if let d = v.description { encoder.cacheTokens(of: d) } }
        } else {
            encoder = LexicalNeedEncoder(analyzer: analyzer)
            for c in catalogue.caseStudies { if let need = c.need { encoder.learn(need) } }
            for v in catalogue.vendors { if let d = v.description { encoder.learn(d) } }
        }
        self.encoder = encoder
        // Case studies of one vendor next to each other, by id: the scoring loop walks them in order.
        let order = Dictionary(grouping: catalogue.caseStudies.indices, by: { catalogue.caseStudies[$0].vendorID })
        upsert(vendors: catalogue.vendors)
        for v in catalogue.vendors {
            guard let idx = order[v.id] else { continue }
            upsert(caseStudies: idx.map { catalogue.caseStudies[$0] }.sorted { $0.id < $1.id })
        }
        let known = Set(catalogue.vendors.map(\.id))
        upsert(caseStudies: catalogue.caseStudies.filter { !known.contains($0.vendorID) })
        add(referrals: catalogue.referrals)
        pendingVectors = [:]
        encodesMissingVectors = true
        denseActive = denseEncoder != nil && casesAwaitingVectors.isEmpty
        trainNeighbours()
    }

    /// Trains the approximate index on the live case studies' vectors, or drops it below
    /// `neighbourSearch.minimumCases` of them (or while the channel is off).
    private mutating func trainNeighbours() {
        caseNeighbours = nil
        guard denseActive, denseDimensions > 0 else { return }
        var members: [Int32] = []
        for c in cases.indices where caseHasDense[c] && caseKeys[c].alive { members.append(Int32(c)) }
        guard !members.isEmpty, members.count >= neighbourSearch.minimumCases else { return }
        caseNeighbours = NeighbourIndex(vectors: caseDense, dims: denseDimensions, members: members,
                                        configuration: neighbourSearch)
    }

    /// Files case `c`'s vector in the approximate index, when there is one.
    private mutating func fileNeighbour(_ c: Int) {
        guard caseNeighbours != nil else { return }
        let vector = caseDense[(c * denseDimensions)..<((c + 1) * denseDimensions)]
        caseNeighbours!.insert(Int32(c), vector: vector)
    }

    /// Stored vectors handed to `init`, consumed as the case studies are indexed.
    private var pendingVectors: [String: [Float]] = [:]

    // MARK: Interning

    mutating func intern(industry code: String) -> Int32 {
        if let id = industryID[code] { return id }
        let parentPath = taxonomy.industryParent(code).map { parent -> [Int32] in
            let p = Int(intern(industry: parent)) * RankingIndex.pathSlots
            return industryPathsFlat[p..<(p + RankingIndex.pathSlots)].filter { $0 >= 0 }
        } ?? []
        let id = Int32(industryCodes.count)
        industryID[code] = id
        industryCodes.append(code)
        let path = [id] + parentPath
        for slot in 0..<RankingIndex.pathSlots { industryPathsFlat.append(slot < path.count ? path[slot] : -1) }
        return id
    }

    mutating func intern(services set: ServiceSet) -> Int32 {
        if let id = serviceSignatureID[set] { return id }
        let id = Int32(serviceSignatures.count)
        serviceSignatureID[set] = id
        serviceSignatures.append(set)
        return id
    }

    // MARK: Vendors

    mutating func upsert(vendors batch: [Vendor]) {
        for v in batch {
            let ordinal: Int
            if let existing = vendorOrdinal[v.id] {
                ordinal = Int(existing)
                vendors[ordinal] = v
                if !vendorAlive[ordinal] { vendorAlive[ordinal] = true; liveVendors += 1 }
            } else {
                ordinal = vendors.count
                vendorOrdinal[v.id] = Int32(ordinal)
                vendors.append(v)
                vendorIDs.append(v.id)
                vendorAlive.append(true)
                vendorDeclaredServices.append(ServiceSet())
                vendorOffered.append(ServiceSet())
                vendorMinProject.append(-1)
                vendorDescription.append(SparseVector())
                vendorCases.append([])
                vendorReferrals.append([])
                vendorOpenTrust.append(TrustModel.Tally())
                vendorKeys.append(VendorKey())
                liveVendors += 1
            }
            vendorDeclaredServices[ordinal] = services.set(v.serviceTypes)
            let declared = v.industries.map { intern(industry: $0) }
            vendorKeys[ordinal].industryStart = Int32(declaredIndustryIDs.count)
            vendorKeys[ordinal].industryCount = Int32(declared.count)
            declaredIndustryIDs.append(contentsOf: declared)
            vendorKeys[ordinal].declaredSignature = intern(services: vendorDeclaredServices[ordinal])
            vendorCertifications.set(ordinal, v.certifications.map(Vocabulary.normalizeCertification))
            vendorRegions.set(ordinal, v.regions)
            vendorLanguages.set(ordinal, v.languages)
            vendorMinProject[ordinal] = v.minProjectUSD ?? -1
            for id in vendorDescription[ordinal].ids {
                descriptionPostings[Int(id)].removeAll { $0.caseOrdinal == Int32(ordinal) }
            }
            let description = v.description.map { encoder.encode($0) } ?? SparseVector()
            vendorDescription[ordinal] = description
            for (id, w) in zip(description.ids, description.weights) {
                while descriptionPostings.count <= Int(id) { descriptionPostings.append([]) }
                descriptionPostings[Int(id)].append(NeedPosting(caseOrdinal: Int32(ordinal), weight: w))
            }
            recomputeOffered(ordinal)
        }
    }

    private mutating func recomputeOffered(_ v: Int) {
        var s = vendorDeclaredServices[v]
        for c in vendorCases[v] where caseKeys[Int(c)].alive { s = s | caseServices[Int(c)] }
        vendorOffered[v] = s
    }

    /// Removes a vendor with its case studies and referrals. Returns whether it existed.
    mutating func deleteVendor(id: String) -> Bool {
        guard let o = vendorOrdinal[id], vendorAlive[Int(o)] else { return false }
        let v = Int(o)
        for c in vendorCases[v] where caseKeys[Int(c)].alive { killCase(Int(c)) }
        for r in vendorReferrals[v] where referralAlive[Int(r)] { killReferral(Int(r)) }
        vendorCases[v] = []
        relistCases(v)
        recomputeQuality(v)
        vendorReferrals[v] = []
        vendorOpenTrust[v] = TrustModel.Tally()
        vendorKeys[v].openTrust = 0
        vendorAlive[v] = false
        liveVendors -= 1
        return true
    }

    /// The vendor ordinal for a record that references `vendorID`, creating a placeholder when the
    /// vendor is unknown (storage normally refuses such records; the index stays total anyway).
    private mutating func ensureVendor(_ vendorID: String) -> Int {
        if let o = vendorOrdinal[vendorID] { return Int(o) }
        upsert(vendors: [Vendor(id: vendorID, name: vendorID)])
        return Int(vendorOrdinal[vendorID]!)
    }

    // MARK: Case studies

    mutating func upsert(caseStudies batch: [CaseStudy]) {
        var touched = Set<Int>()
        for c in batch {
            if let old = caseOrdinal[c.id], caseKeys[Int(old)].alive {
                let oldVendor = Int(caseVendor[Int(old)])
                killCase(Int(old))
                vendorCases[oldVendor].removeAll { $0 == old }
                touched.insert(oldVendor)
            }
            let v = ensureVendor(c.vendorID)
            let ordinal = Int32(cases.count)
            caseOrdinal[c.id] = ordinal
            cases.append(c)
            caseVendor.append(Int32(v))
            let industry = intern(industry: c.clientIndustry)
            let serviceSet = services.set(c.serviceTypes)
            caseServices.append(serviceSet)
            if categoryCases.isEmpty { categoryCases = Array(repeating: [], count: services.codes.count) }
            if serviceCases.isEmpty { serviceCases = Array(repeating: [], count: services.codes.count) }
            var categories = Set<Int>()
            serviceSet.forEach {
                categories.insert(services.categoryBit[$0])
                serviceCases[$0].append(ordinal)
            }
            for cat in categories.sorted() { categoryCases[cat].append(ordinal) }
            caseKeys.append(CaseKey(industry: industry, signature: intern(services: serviceSet),
                                    weight: Float(CaseWeighting(model: model).weight(of: c)),
                                    size: c.clientSize.map { Int8($0.rawValue) } ?? -1, alive: true))
            if denseEncoder != nil {
                var vector = pendingVectors[c.id] ?? []
                if vector.count != denseDimensions, encodesMissingVectors, let need = c.need, let e = denseEncoder {
                    vector = e.embed(need)
                }
                let ok = vector.count == denseDimensions && c.need != nil
                caseDense.append(contentsOf: ok ? vector : [Float](repeating: 0, count: denseDimensions))
                caseHasDense.append(ok)
                if ok { fileNeighbour(Int(ordinal)) }
                if !ok, let need = c.need { casesAwaitingVectors[need, default: []].append(ordinal) }
            }
            if let need = c.need {
                let vec = encoder.encode(need)
                for (id, w) in zip(vec.ids, vec.weights) {
                    while needPostings.count <= Int(id) { needPostings.append([]) }
                    needPostings[Int(id)].append(NeedPosting(caseOrdinal: ordinal, weight: w))
                }
            }
            vendorCases[v].append(ordinal)
            if let e = c.evaluation, let q = QualityModel.score(e, model: model) {
                qualityTotal.add(q)
                qualityCount += 1
            }
            liveCases += 1
            touched.insert(v)
        }
        let all = cases
        for v in touched.sorted() {
            vendorCases[v].sort { all[Int($0)].id < all[Int($1)].id }
            recomputeOffered(v)
            relistCases(v)
            recomputeQuality(v)
        }
    }

    /// Need texts of live case studies still waiting for their vector (see `DenseNeeds.encodeMissing`).
    var needsAwaitingVectors: [String] { casesAwaitingVectors.keys.sorted() }

    var semanticProgress: SemanticProgress? {
        guard denseEncoder != nil else { return nil }
        var waiting = 0
        for (_, ordinals) in casesAwaitingVectors {
            for c in ordinals where caseKeys[Int(c)].alive && !caseHasDense[Int(c)] { waiting += 1 }
        }
        var needs = 0
        for c in cases.indices where caseKeys[c].alive && cases[c].need != nil { needs += 1 }
        return SemanticProgress(needs: needs, encoded: needs - waiting, active: denseActive)
    }

    /// Gives case studies waiting for a vector the vectors of their need texts; turns the channel on
    /// when none waits any more. Returns the case studies that got one.
    @discardableResult
    mutating func installNeedVectors(_ vectors: [String: [Float]]) -> Int {
        guard denseEncoder != nil else { return 0 }
        var installed = 0
        for (text, vector) in vectors where vector.count == denseDimensions {
            guard let ordinals = casesAwaitingVectors.removeValue(forKey: text) else { continue }
            for c in ordinals where !caseHasDense[Int(c)] && cases[Int(c)].need == text {
                let base = Int(c) * denseDimensions
                caseDense.replaceSubrange(base..<(base + denseDimensions), with: vector)
                caseHasDense[Int(c)] = true
                if caseKeys[Int(c)].alive { fileNeighbour(Int(c)) }
                installed += 1
            }
        }
        if !denseActive, casesAwaitingVectors.isEmpty {
            denseActive = true
            trainNeighbours()
        }
        return installed
    }

    /// Vendor `v`'s quality count and sum from its live cases, the sum exact then rounded: the same
    /// number whatever the order its cases were written in.
    private mutating func recomputeQuality(_ v: Int) {
        var sum = ExactSum(), count: Int32 = 0
        for c in vendorCases[v] where caseKeys[Int(c)].alive {
            if let e = cases[Int(c)].evaluation, let q = QualityModel.score(e, model: model) {
                sum.add(q)
                count += 1
            }
        }
        vendorKeys[v].qualitySum = sum.value
        vendorKeys[v].qualityCount = count
    }

    /// Gives vendor `v` a fresh range of `vendorCaseList` with its current cases.
    private mutating func relistCases(_ v: Int) {
        if vendorCaseList.count > 2 * cases.count + 1024 {
            vendorCaseList.removeAll(keepingCapacity: true)
            for u in vendorCases.indices where u != v {
                vendorKeys[u].caseStart = Int32(vendorCaseList.count)
                vendorCaseList.append(contentsOf: vendorCases[u])
            }
        }
        vendorKeys[v].caseStart = Int32(vendorCaseList.count)
        vendorKeys[v].caseCount = Int32(vendorCases[v].count)
        vendorCaseList.append(contentsOf: vendorCases[v])
    }

    /// Marks case `c` dead; its vendor's quality is recomputed by the caller.
    private mutating func killCase(_ c: Int) {
        caseKeys[c].alive = false
        caseNeighbours?.remove(Int32(c))
        liveCases -= 1
        if let e = cases[c].evaluation, let q = QualityModel.score(e, model: model) {
            qualityTotal.add(-q)
            qualityCount -= 1
        }
    }

    // MARK: Referrals

    mutating func add(referrals batch: [Referral]) {
        var touched = Set<Int>()
        for r in batch {
            if let old = referralOrdinal[r.id], referralAlive[Int(old)] {
                touched.insert(ensureVendor(referrals[Int(old)].vendorID))
                killReferral(Int(old))
            }
            let v = ensureVendor(r.vendorID)
            let ordinal = Int32(referrals.count)
            referralOrdinal[r.id] = ordinal
            referrals.append(r)
            referralAlive.append(true)
            referralBase.append(TrustModel.base(of: r, model: model))
            vendorReferrals[v].append(ordinal)
            if let buyer = r.buyerOrg { buyerReferrals[buyer, default: []].append(ordinal) }
            liveReferrals += 1
            touched.insert(v)
        }
        for v in touched { recomputeOpenTrust(v) }
    }

    private mutating func killReferral(_ r: Int) {
        referralAlive[r] = false
        liveReferrals -= 1
        let v = vendorOrdinalOf(referral: r)
        if let buyer = referrals[r].buyerOrg {
            buyerReferrals[buyer]?.removeAll { $0 == Int32(r) }
            // Recomputed with the vendor's trust when the buyer has other referrals for it.
            buyerVendorTally[buyer]?[v] = nil
        }
        vendorReferrals[Int(v)].removeAll { $0 == Int32(r) }
    }

    private func vendorOrdinalOf(referral r: Int) -> Int32 { vendorOrdinal[referrals[r].vendorID]! }

    private mutating func recomputeOpenTrust(_ v: Int) {
        let alive = vendorReferrals[v].filter { referralAlive[Int($0)] }.map { Int($0) }
        let open = alive.filter { referrals[$0].counts(for: nil) }
        vendorOpenTrust[v] = TrustModel.tally(open, in: self)
        vendorKeys[v].openTrust = TrustModel.trust(vendorOpenTrust[v], model: model)
        var specific: [String: [Int]] = [:]
        for r in alive { if let buyer = referrals[r].buyerOrg { specific[buyer, default: []].append(r) } }
        for (buyer, own) in specific {
            buyerVendorTally[buyer, default: [:]][Int32(v)] = TrustModel.tally(open + own, in: self)
        }
    }

    // MARK: Model

    /// Swaps the model and recomputes every number that depends on it.
    mutating func replace(model newModel: RankingModel) {
        model = newModel
        let weighting = CaseWeighting(model: model)
        for c in cases.indices {
            caseKeys[c].weight = Float(weighting.weight(of: cases[c]))
        }
        for r in referrals.indices { referralBase[r] = TrustModel.base(of: referrals[r], model: model) }
        qualityTotal = ExactSum()
        qualityCount = 0
        for c in cases.indices where caseKeys[c].alive {
            if let e = cases[c].evaluation, let q = QualityModel.score(e, model: model) {
                qualityTotal.add(q)
                qualityCount += 1
            }
        }
        for v in vendors.indices { recomputeQuality(v) }
        for v in vendors.indices where vendorAlive[v] { recomputeOpenTrust(v) }
    }

    /// The catalogue mean of evaluation scores (0.7 when there are none yet).
    var qualityMean: Double { qualityCount > 0 ? qualityTotal.value / Double(qualityCount) : 0.7 }

    func encodeNeed(_ text: String) -> SparseVector { encoder.encode(text) }
}

/// One published version of the index, shared by reference: taking it costs one retain, where a copy
/// of the index struct retains each of its arrays (and readers on two cores contend for those counts).
final class IndexSnapshot: Sendable {
    let index: RankingIndex
    private let openParts = Mutex<[Double]?>(nil)

    init(_ index: RankingIndex) { self.index = index }

    /// Per vendor, the trust and quality part of its score for a buyer without referrals of its own
    /// (`Ranker.openParts`): the same for every request on this snapshot, so computed once, on first use.
    func openParts(_ compute: () -> [Double]) -> [Double] {
        openParts.withLock { cached in
            if let cached { return cached }
            let parts = compute()
            cached = parts
            return parts
        }
    }
}

/// A sum of doubles kept exactly, as non-overlapping partial sums (Shewchuk's algorithm, as Python's
/// `math.fsum`): adding a value and later its negation leaves no trace, and the order of additions
/// does not matter. `value` is the exact sum correctly rounded.
struct ExactSum: Sendable {
    /// Non-overlapping, by increasing magnitude.
    private var partials: [Double] = []

    mutating func add(_ value: Double) {
        var x = value, kept = 0
        for j in partials.indices {
            var y = partials[j]
            if abs(x) < abs(y) { swap(&x, &y) }
            let hi = x + y
            let lo = y - (hi - x)
            if lo != 0 {
                partials[kept] = lo
                kept += 1
            }
            x = hi
        }
        partials.removeSubrange(kept...)
        partials.append(x)
    }

    /// The exact sum rounded to the nearest double (ties to even).
    var value: Double {
        guard var n = partials.indices.last else { return 0 }
        var hi = partials[n], lo = 0.0
        while n > 0 {
            let x = hi
            n -= 1
            let y = partials[n]
            hi = x + y
            lo = y - (hi - x)
            if lo != 0 { break }
        }
        // Half-way between two doubles: the partials below decide the rounding direction.
        if n > 0, (lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0) {
            let y = lo * 2, x = hi + y
            if y == x - hi { hi = x }
        }
        return hi
    }
}

/// How much one case study counts as evidence: verified and top-client cases more, old ones less.
struct CaseWeighting {
    let base, verified, topClient, halfLife, floor, referenceYear: Double

    init(model: RankingModel) {
        base = model.value(.caseBase)
        verified = model.value(.caseVerified)
        topClient = model.value(.caseTopClient)
        halfLife = model.value(.caseHalfLife)
        floor = model.value(.caseAgeFloor)
        referenceYear = model.value(.referenceYear)
    }

    /// No case weighs more than this: the credibility is capped at 1 and the recency factor lies
    /// between the age floor and 1.
    var ceiling: Double { max(1, floor) }

    func weight(of c: CaseStudy) -> Double {
        var w = base
        if c.verified == true { w += verified }
        if c.topClient == true { w += topClient }
        var recency = 1.0
        if let year = c.year, halfLife > 0 {
            let age = max(0, referenceYear - Double(year))
            recency = floor + (1 - floor) * pow2(-age / halfLife)
        }
        return min(1, w) * recency
    }
}

@inline(__always) func pow2(_ x: Double) -> Double { exp2(x) }

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
