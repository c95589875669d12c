import Synchronization
import VendorMatchCore

/// The catalogue laid out for ranking: a `VendorStore`, a `CaseStudyStore` and a `ReferralStore` (flat
/// arrays indexed by ordinal, with the per-record numbers that do not depend on a request precomputed),
/// and what they share: the taxonomy, the service codes, the model, the lexical encoder, the interned
/// industries and service sets, and the request tables cached over them.
///
/// A value type: the engine hands readers a snapshot and applies writes to its own copy. Deleted and
/// replaced records keep their slot, marked dead, so ordinals stay stable without a rebuild. Each store
/// owns the writes that touch it alone; the writes that cross stores (a case study changes its vendor's
/// case list, offered services and quality; a referral its vendor's trust; a deleted vendor takes its
/// case studies and referrals along; a new model reweighs everything) are here.
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
    /// For each interned industry, its group: its sector (the last id of its path), numbered 0…55 in
    /// order of first appearance, the 56th and later sharing 55. A vendor's `CaseContext` lists its
    /// cases' groups; a request's best similarity per group bounds them.
    private(set) var industryGroup: [UInt8] = []
    private var industryGroupOfSector: [Int32: UInt8] = [:]

    // Service sets, interned: cases share a few hundred distinct sets, so a request scores each once.
    private(set) var serviceSignatureID: [ServiceSet: Int32] = [:]
    private(set) var serviceSignatures: [ServiceSet] = []

    private(set) var vendors = VendorStore()
    private(set) var caseStudies: CaseStudyStore
    private(set) var referrals = ReferralStore()

    /// Request tables that depend only on the index's interned codes, shared by snapshots.
    let industryTables = RequestTableCache<UInt8>()
    let serviceTables = RequestTableCache<Float>()

    /// - Parameter statistics: the lexical encoder's corpus statistics; without them they are learned
    ///   from the catalogue's case-study needs and vendor descriptions.
    init(taxonomy: Taxonomy, model: RankingModel, analyzer: LexicalAnalyzer, catalogue: Catalogue, dense: DenseNeeds? = nil,
         statistics: LexicalNeedEncoder.Statistics? = nil) {
        self.taxonomy = taxonomy
        caseStudies = CaseStudyStore(dense: dense)
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
        caseStudies.finishBuild()
    }

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
        let sector = path[min(path.count, RankingIndex.pathSlots) - 1]
        let group = industryGroupOfSector[sector] ?? UInt8(min(55, industryGroupOfSector.count))
        industryGroupOfSector[sector] = group
        industryGroup.append(group)
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
            let declared = services.set(v.serviceTypes)
            let industries = v.industries.map { intern(industry: $0) }
            let signature = intern(services: declared)
            let description = v.description.map { encoder.encode($0) } ?? SparseVector()
            let (ordinal, isNew) = vendors.upsert(v, declaredServices: declared, industries: industries, signature: signature,
                                                  description: description)
            if isNew { referrals.appendVendor() }
            recomputeOffered(ordinal)
        }
    }

    private mutating func recomputeOffered(_ v: Int) {
        var s = vendors.declaredServices[v]
        for c in vendors.cases[v] where caseStudies.keys[Int(c)].alive { s = s | caseStudies.services[Int(c)] }
        vendors.setOffered(v, s)
    }

    /// Removes a vendor with its case studies and referrals. Returns whether it existed.
    mutating func deleteVendor(id: String) -> Bool {
        guard let o = vendors.ordinal[id], vendors.alive[Int(o)] else { return false }
        let v = Int(o)
        for c in vendors.cases[v] where caseStudies.keys[Int(c)].alive { caseStudies.kill(Int(c), model: model) }
        for r in referrals.byVendor[v] where referrals.alive[Int(r)] { killReferral(Int(r)) }
        vendors.removeAllCases(of: v)
        relistCases(v)
        recomputeQuality(v)
        referrals.removeAll(of: v)
        vendors.setOpenTrust(v, 0)
        vendors.kill(v)
        return true
    }

    /// The vendor ordinal for a record that references `vendorID`, creating a placeholder when the
    /// vendor is unknown (storage normally refuses such records; the index stays total anyway).
    private mutating func ensureVendor(_ vendorID: String) -> Int {
        if let o = vendors.ordinal[vendorID] { return Int(o) }
        upsert(vendors: [Vendor(id: vendorID, name: vendorID)])
        return Int(vendors.ordinal[vendorID]!)
    }

    // MARK: Case studies

    mutating func upsert(caseStudies batch: [CaseStudy]) {
        var touched = Set<Int>()
        for c in batch {
            if let old = caseStudies.ordinal[c.id], caseStudies.keys[Int(old)].alive {
                let oldVendor = Int(caseStudies.vendor[Int(old)])
                caseStudies.kill(Int(old), model: model)
                vendors.removeCase(old, from: oldVendor)
                touched.insert(oldVendor)
            }
            let v = ensureVendor(c.vendorID)
            let industry = intern(industry: c.clientIndustry)
            let serviceSet = services.set(c.serviceTypes)
            let ordinal = caseStudies.append(c, vendor: v, industry: industry, services: serviceSet,
                                             signature: intern(services: serviceSet), codes: services,
                                             need: c.need.map { encoder.encode($0) }, model: model)
            vendors.addCase(ordinal, to: v)
            touched.insert(v)
        }
        let all = caseStudies.records
        for v in touched.sorted() {
            vendors.sortCases(of: v) { all[Int($0)].id < all[Int($1)].id }
            recomputeOffered(v)
            relistCases(v)
            recomputeQuality(v)
        }
    }

    /// Gives vendor `v`'s current cases a fresh range of the case list, with their contexts.
    private mutating func relistCases(_ v: Int) {
        vendors.relistCases(v, caseSlots: caseStudies.count, contexts: caseContexts(of: v))
    }

    /// The industry groups, sizes and heaviest weight of vendor `v`'s live cases.
    private func caseContexts(of v: Int) -> CaseContext {
        var contexts = CaseContext()
        for c in vendors.cases[v] {
            let key = caseStudies.keys[Int(c)]
            if key.alive { contexts.add(group: industryGroup[Int(key.industry)], size: key.size, weight: key.weight) }
        }
        return contexts
    }

    /// Vendor `v`'s quality count and sum from its live cases, the sum exact then rounded: the same
    /// number whatever the order its cases were written in.
    private mutating func recomputeQuality(_ v: Int) {
        var sum = ExactSum(), count: Int32 = 0
        for c in vendors.cases[v] where caseStudies.keys[Int(c)].alive {
            if let q = caseStudies.quality(Int(c), model: model) {
                sum.add(q)
                count += 1
            }
        }
        vendors.setQuality(v, sum: sum.value, count: count)
    }

    // MARK: Referrals

    mutating func add(referrals batch: [Referral]) {
        var touched = Set<Int>()
        for r in batch {
            if let old = referrals.ordinal[r.id], referrals.alive[Int(old)] {
                touched.insert(ensureVendor(referrals.records[Int(old)].vendorID))
                killReferral(Int(old))
            }
            let v = ensureVendor(r.vendorID)
            referrals.append(r, vendor: v, model: model)
            touched.insert(v)
        }
        for v in touched { recomputeOpenTrust(v) }
    }

    private mutating func killReferral(_ r: Int) {
        referrals.kill(r, vendor: vendors.ordinal[referrals.records[r].vendorID]!)
    }

    private mutating func recomputeOpenTrust(_ v: Int) {
        referrals.recomputeTallies(v, model: model)
        vendors.setOpenTrust(v, TrustModel.trust(referrals.openTrust[v], model: model))
    }

    /// Gives case studies waiting for a vector the vectors of their need texts
    /// (`CaseStudyStore.installNeedVectors`).
    @discardableResult
    mutating func installNeedVectors(_ vectors: [String: [Float]]) -> Int { caseStudies.installNeedVectors(vectors) }

    // MARK: Model

    /// Swaps the model and recomputes every number that depends on it.
    mutating func replace(model newModel: RankingModel) {
        model = newModel
        caseStudies.reweigh(model: model)
        for v in 0..<vendors.count { vendors.setCaseContexts(v, caseContexts(of: v)) } // the cases' new weights
        referrals.rebase(model: model)
        for v in 0..<vendors.count { recomputeQuality(v) }
        for v in 0..<vendors.count where vendors.alive[v] { recomputeOpenTrust(v) }
    }

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
