import VendorMatchCore

/// The vendors of a `RankingIndex`, in flat arrays indexed by ordinal: the records, what the hard
/// constraints read (liveness, offered service types, certifications, regions, languages, minimum
/// project), what the scoring loop reads (one packed `Key` per vendor, its case range), and the
/// description vectors with their postings.
///
/// Ordinals are stable: an updated vendor keeps its slot, a deleted one keeps it marked dead. A vendor's
/// cases are listed by case id, not by ordinal, so a live index and one rebuilt from the catalogue offer
/// them to the scoring loop in the same order. Numbers that depend on other stores (offered services,
/// quality, open trust) are written by `RankingIndex`, which owns the writes that cross stores.
struct VendorStore: Sendable {
    private(set) var records: [Vendor] = []
    private(set) var ordinal: [String: Int32] = [:]
    /// `records[v].id`, flat, for tie-breaks in the hot loop.
    private(set) var ids: [String] = []
    private(set) var alive: [Bool] = []
    private(set) var declaredServices: [ServiceSet] = []
    /// Declared service types together with those of the vendor's live case studies.
    private(set) var offered: [ServiceSet] = []
    /// Hard-constraint attributes, interned and flat (certifications normalised).
    private(set) var certifications = TagLists()
    private(set) var regions = TagLists()
    private(set) var languages = TagLists()
    /// Minimum project size, or -1 when the vendor gives none.
    private(set) var minProject: [Double] = []
    private(set) var description: [SparseVector] = []
    /// Description-term postings (ordinal = vendor), so a request scores only vendors sharing a term.
    private(set) var descriptionPostings: [[NeedPosting]] = []
    /// Declared industries of every vendor as ranges (`Key.industryStart`, `industryCount`) into one
    /// flat array (an update appends a new range).
    private(set) var declaredIndustryIDs: [Int32] = []
    /// Each vendor's live cases, by case id (the order the scoring loop offers them in, so ties between
    /// equal cases go the same way in a live and a rebuilt index).
    private(set) var cases: [[Int32]] = []
    /// `cases`, flat for the scoring loop: vendor `v`'s cases are the range `keys[v].caseStart`,
    /// `caseCount` of this list. A vendor whose cases change gets a new range at the end; the list is
    /// compacted when half of it is stale.
    private(set) var caseList: [Int32] = []
    /// What the scoring loop reads of every vendor, packed in one 48-byte key (one cache line, not
    /// nine arrays): its case range, declarations, quality totals and open trust.
    private(set) var keys: [Key] = []
    /// Per vendor, which industry groups and client sizes its live cases have (`CaseContext`): what
    /// bounds its cases' industry and size similarity before they are scored.
    private(set) var caseContexts: [CaseContext] = []
    private(set) var live = 0

    struct Key: Sendable {
        /// The vendor's range of `caseList`.
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
        /// `TrustModel.trust` of `ReferralStore.openTrust` under the current model: what most vendors'
        /// trust is.
        var openTrust = 0.0
    }

    var count: Int { records.count }

    /// Writes vendor `v` (its industries and declared services interned by the index, its description
    /// encoded), in its old slot when it has one. Returns its ordinal and whether the slot is new.
    mutating func upsert(_ v: Vendor, declaredServices declared: ServiceSet, industries: [Int32], signature: Int32,
                         description vector: SparseVector) -> (ordinal: Int, isNew: Bool) {
        let o: Int, isNew: Bool
        if let existing = ordinal[v.id] {
            o = Int(existing)
            isNew = false
            records[o] = v
            if !alive[o] { alive[o] = true; live += 1 }
        } else {
            o = records.count
            isNew = true
            ordinal[v.id] = Int32(o)
            records.append(v)
            ids.append(v.id)
            alive.append(true)
            declaredServices.append(ServiceSet())
            offered.append(ServiceSet())
            minProject.append(-1)
            description.append(SparseVector())
            cases.append([])
            keys.append(Key())
            caseContexts.append(CaseContext())
            live += 1
        }
        declaredServices[o] = declared
        keys[o].industryStart = Int32(declaredIndustryIDs.count)
        keys[o].industryCount = Int32(industries.count)
        declaredIndustryIDs.append(contentsOf: industries)
        keys[o].declaredSignature = signature
        certifications.set(o, v.certifications.map(Vocabulary.normalizeCertification))
        regions.set(o, v.regions)
        languages.set(o, v.languages)
        minProject[o] = v.minProjectUSD ?? -1
        for id in description[o].ids {
            descriptionPostings[Int(id)].removeAll { $0.ordinal == Int32(o) }
        }
        description[o] = vector
        for (id, w) in zip(vector.ids, vector.weights) {
            while descriptionPostings.count <= Int(id) { descriptionPostings.append([]) }
            descriptionPostings[Int(id)].append(NeedPosting(ordinal: Int32(o), weight: w))
        }
        return (o, isNew)
    }

    /// Marks vendor `v` dead (its cases and referrals are removed by the index).
    mutating func kill(_ v: Int) {
        alive[v] = false
        live -= 1
    }

    mutating func setOffered(_ v: Int, _ services: ServiceSet) { offered[v] = services }

    mutating func setQuality(_ v: Int, sum: Double, count: Int32) {
        keys[v].qualitySum = sum
        keys[v].qualityCount = count
    }

    mutating func setOpenTrust(_ v: Int, _ trust: Double) { keys[v].openTrust = trust }

    mutating func setCaseContexts(_ v: Int, _ contexts: CaseContext) { caseContexts[v] = contexts }

    // MARK: Case lists

    mutating func addCase(_ c: Int32, to v: Int) { cases[v].append(c) }

    mutating func removeCase(_ c: Int32, from v: Int) { cases[v].removeAll { $0 == c } }

    mutating func removeAllCases(of v: Int) { cases[v] = [] }

    mutating func sortCases(of v: Int, by areInIncreasingOrder: (Int32, Int32) -> Bool) {
        cases[v].sort(by: areInIncreasingOrder)
    }

    /// Gives vendor `v` a fresh range of `caseList` with its current cases (`caseSlots`: the number of
    /// case ordinals, live or dead, which decides when the list is compacted) and their contexts.
    mutating func relistCases(_ v: Int, caseSlots: Int, contexts: CaseContext) {
        setCaseContexts(v, contexts)
        if caseList.count > 2 * caseSlots + 1024 {
            caseList.removeAll(keepingCapacity: true)
            for u in cases.indices where u != v {
                keys[u].caseStart = Int32(caseList.count)
                caseList.append(contentsOf: cases[u])
            }
        }
        keys[v].caseStart = Int32(caseList.count)
        keys[v].caseCount = Int32(cases[v].count)
        caseList.append(contentsOf: cases[v])
    }
}

/// The industry groups (`RankingIndex.industryGroup`: sectors, bits 0…55) and client size bands (bits 56…62, the
/// unknown size last) of a vendor's live case studies, as one bit set, and the heaviest case's weight.
struct CaseContext: Sendable, Equatable {
    var bits: UInt64 = 0
    /// The largest credibility weight of the vendor's live cases (`CaseStudyStore.Key.weight`).
    var heaviest: Float = 0

    static let sizeShift = 56
    static let industryMask: UInt64 = (1 << 56) - 1

    /// Adds a case of interned industry group `group` (0…55) and size band `size` (-1 unknown).
    mutating func add(group: UInt8, size: Int8, weight: Float) {
        bits |= 1 << UInt64(group) | 1 << UInt64(CaseContext.sizeShift + (size < 0 ? 6 : Int(size)))
        heaviest = max(heaviest, weight)
    }
}

/// One entry of a term's posting list: the ordinal of a case study (need postings) or of a vendor
/// (description postings), and the term's weight in its text.
struct NeedPosting: Sendable {
    var ordinal: Int32
    var weight: Float
}
