import Foundation
import VendorMatchCore

/// Makes one vendor: its latent truth, then the observable records drawn from it
/// (vendor record with inflated claims, case studies, evaluations, referrals).
struct VendorGenerator {
    let shape: MarketShape
    let seed: UInt64
    let writer: NeedWriter
    /// The buyer population (targets of buyer-specific referrals), all and by sector of their industry.
    let activeBuyers: [Int]
    let activeBuyersBySector: [[Int]]
    let buyerIDs: [String]
    let buyerIndex: [String: Int32]
    let idWidth: Int

    static let sizeBandWeights = [0.22, 0.33, 0.25, 0.12, 0.06, 0.02]
    static let coldStartShare = 0.10
    static let stufferShare = 0.02
    static let referrerTypeWeights: [(ReferrerType, Double)] = [
        (.pastClient, 0.36), (.institution, 0.12), (.buyerPartner, 0.16), (.buyerInternal, 0.10),
        (.personalNetwork, 0.16), (.priorEmployer, 0.10),
    ]

    struct Output {
        var vendor: Vendor
        var caseStudies: [CaseStudy]
        var referrals: [Referral]
        var truth: VendorTruth
    }

    func vendorID(_ index: Int) -> String { "v" + pad(index + 1, idWidth) }

    /// Generates vendor `index`; `caseCounter`/`referralCounter` number the records market-wide.
    func make(index: Int, caseCounter: inout Int, referralCounter: inout Int) -> Output {
        var rng = DemoRandom(seed: seed, stream: 1_000_000 + UInt64(index))
        let id = vendorID(index)
        let size = rng.weightedIndex(Self.sizeBandWeights)
        let home = rng.weightedIndex(Markets.vendorWeights)
        let stuffer = rng.chance(Self.stufferShare)
        let quality = stuffer ? rng.normal(-0.8, 0.8) : rng.normal()
        let responsiveness = 0.5 * quality + 0.866 * rng.normal()

        // True competences: a primary category, mostly neighbouring subcategories.
        let primaryCategory = rng.weightedIndex(shape.categoryWeights)
        var competences: [VendorTruth.Competence] = []
        let competenceCount = min(5, 1 + rng.poisson(1.2))
        while competences.count < competenceCount {
            let cat = competences.isEmpty || rng.chance(0.75) ? primaryCategory : rng.weightedIndex(shape.categoryWeights)
            let sub = rng.pick(shape.subcategories(ofCategory: cat))
            if competences.contains(where: { $0.subcategory == sub }) {
                if shape.subcategories(ofCategory: cat).count <= competences.count { break }
                continue
            }
            competences.append(.init(subcategory: sub, strength: competences.isEmpty ? 1.0 : rng.uniform(0.55, 1.0)))
        }
        // True industries: a few 4-digit industries, sometimes two in one subsector.
        var industries: [VendorTruth.Focus] = []
        let industryCount = min(4, 1 + rng.poisson(1.0))
        for k in 0..<industryCount {
            let sub: Int? = k > 0 && rng.chance(0.3) ? industries[0].industry.subsector : nil
            let ind = LatentIndustry.random(&rng, shape: shape, subsector: sub, deep: false)
            if industries.contains(where: { $0.industry.code4 == ind.code4 }) { continue }
            industries.append(.init(industry: ind, strength: k == 0 ? 1.0 : rng.uniform(0.5, 1.0)))
        }
        let center = min(5, max(0, size + Int((rng.normal(0.3, 1.0)).rounded())))
        let sizeLow = max(0, center - rng.int(0...1)), sizeHigh = min(5, center + rng.int(0...1))

        var truth = VendorTruth(
            id: id, competences: competences, industries: industries, sizeLow: sizeLow, sizeHigh: sizeHigh,
            quality: quality, responsiveness: responsiveness, home: home)

        // Observable vendor record.
        let vendor = makeVendorRecord(&rng, truth: &truth, size: size, primaryCategory: primaryCategory)
        let founded = vendor.founded ?? 2012

        // Case studies.
        var cases: [CaseStudy] = []
        if !rng.chance(Self.coldStartShare) {
            let shift = 0.15 * (Double(size) - 1.5)
            let count = min(150, 1 + Int(exp(rng.normal(1.6 + shift, 1.0))))
            let leniency = rng.normal(0, 0.2)
            let claimedOnly = vendor.serviceTypes.compactMap { shape.subcategoryIndex[$0] }
                .filter { s in !competences.contains { $0.subcategory == s } }
            for _ in 0..<count {
                caseCounter += 1
                cases.append(makeCaseStudy(&rng, id: "cs" + pad(caseCounter, 7), truth: truth, founded: founded,
                                           leniency: leniency, claimedOnly: claimedOnly))
            }
        }
        for c in cases { truth.facts.noteOffered(c.serviceTypes, shape: shape) }
        truth.facts.noteOffered(vendor.serviceTypes, shape: shape)

        // Referrals.
        var referrals: [Referral] = []
        let referralCount = rng.poisson(2.0 + 0.65 * Double(cases.count))
        let clientOrgs = cases.compactMap(\.clientOrg)
        for _ in 0..<referralCount {
            referralCounter += 1
            referrals.append(makeReferral(&rng, id: "r" + pad(referralCounter, 7), vendorID: id, truth: truth, clientOrgs: clientOrgs))
        }
        if stuffer {
            let org = "org-review-\(rng.int(100...999))"
            for _ in 0..<rng.int(15...40) {
                referralCounter += 1
                referrals.append(Referral(
                    id: "r" + pad(referralCounter, 7), vendorID: id, referrerType: .pastClient, referrerOrg: org,
                    strength: round2(rng.uniform(0.1, 0.3)), date: randomDate(&rng, from: 2023)))
            }
        }
        truth.summariseTrust(referrals, buyerIndex: buyerIndex)
        return Output(vendor: vendor, caseStudies: cases, referrals: referrals, truth: truth)
    }

    // MARK: Vendor record

    private func makeVendorRecord(_ rng: inout DemoRandom, truth: inout VendorTruth, size: Int, primaryCategory: Int) -> Vendor {
        let category = shape.categories[primaryCategory]
        let name = rng.pick(Lexicon.namePrefixes) + rng.pick(Lexicon.nameStems) + " " + rng.pick(Lexicon.nameSuffixes[category] ?? ["Group"])
        let country = Markets.countries[truth.home]

        // Declared service types: the truth (sometimes one forgotten), plus claims it cannot back.
        var declared: [String] = []
        if !rng.chance(0.08) {
            for c in truth.competences where !(truth.competences.count > 1 && rng.chance(0.1)) {
                declared.append(shape.subcategories[c.subcategory])
            }
            for _ in 0..<rng.poisson(1.5) {
                let cat = rng.chance(0.6) ? primaryCategory : rng.weightedIndex(shape.categoryWeights)
                let s = shape.subcategories[rng.pick(shape.subcategories(ofCategory: cat))]
                if !declared.contains(s) { declared.append(s) }
            }
            if rng.chance(0.25) { declared.append(category) }
            if rng.chance(0.10) {
                let other = shape.categories[rng.weightedIndex(shape.categoryWeights)]
                if !declared.contains(other) { declared.append(other) }
            }
        }
        // Declared industries: the truth at subsector or sector level, plus extra claims.
        var industries: [String] = []
        if !rng.chance(0.1) {
            for f in truth.industries {
                let code = f.industry.code(depth: rng.chance(0.2) ? 1 : (rng.chance(0.8) ? 2 : 3), shape: shape)
                if !industries.contains(code) { industries.append(code) }
            }
            for _ in 0..<rng.poisson(1.2) {
                let code = rng.chance(0.5) ? shape.sectors[rng.weightedIndex(shape.sectorWeights)] : shape.subsectors[shape.randomSubsector(&rng)]
                if !industries.contains(code) { industries.append(code) }
            }
        }
        // Regions served and languages.
        var regions = [country.code]
        if rng.chance(0.6), let neighbours = Markets.clusters[country.cluster] {
            for _ in 0..<rng.int(1...3) {
                let c = Markets.countries[rng.pick(neighbours)].code
                if !regions.contains(c) { regions.append(c) }
            }
        }
        if country.offshore {
            for (code, p) in [("US", 0.6), ("GB", 0.4), ("DE", 0.25)] where rng.chance(p) && !regions.contains(code) { regions.append(code) }
        }
        if size >= 4 {
            for _ in 0..<rng.int(2...6) {
                let c = Markets.countries[rng.weightedIndex(Markets.buyerWeights)].code
                if !regions.contains(c) { regions.append(c) }
            }
        }
        var languages = country.languages
        if !languages.contains("en"), rng.chance(0.85) { languages.append("en") }
        for r in regions.dropFirst() {
            for l in Markets.countries[Markets.countryIndex[r]!].languages where rng.chance(0.3) && !languages.contains(l) { languages.append(l) }
        }
        // Certifications, more likely for larger vendors and in their fields.
        var certifications: [String] = []
        let isTech = ["security", "cloud", "data", "it"].contains(category)
        for cert in Markets.certifications {
            var p = cert.prevalence * (0.5 + 0.35 * Double(size))
            if cert.name == "ISO 27001" || cert.name == "SOC 2", isTech { p *= 2 }
            if cert.name == "SOC 2", country.code != "US" { p *= 0.5 }
            if cert.name == "Cyber Essentials", country.code != "GB" { p = 0 }
            if cert.name == "HIPAA", !truth.industries.contains(where: { shape.sectors[$0.industry.sector] == "62" }) { p *= 0.3 }
            if cert.name == "PCI DSS", !truth.industries.contains(where: { shape.sectors[$0.industry.sector] == "52" }) { p *= 0.3 }
            if rng.chance(min(0.9, p)) {
                certifications.append(rng.chance(0.25) ? rng.pick(cert.variants) : cert.name)
                truth.facts.certificationMask |= 1 << UInt16(Markets.certificationIndex[Vocabulary.normalizeCertification(cert.name)]!)
            }
        }
        // Money and age.
        let minProjectBase = [5_000.0, 10_000, 25_000, 50_000, 100_000, 250_000][size]
        let minProject: Double? = rng.chance(0.7) ? (minProjectBase * rng.uniform(0.8, 4.0) / 1000).rounded() * 1000 : nil
        var rate: [Double]?
        if rng.chance(0.8) {
            let low = (country.priceLevel * rng.uniform(60, 130) * (1 + 0.08 * Double(size))).rounded()
            rate = [low, (low * rng.uniform(1.3, 2.0)).rounded()]
        }
        let founded: Int? = rng.chance(0.9) ? 2023 - Int(Double(3 + 5 * size) * rng.uniform(0.5, 2.5)) : nil

        truth.facts.minProjectUSD = minProject ?? .nan

        var description: String?
        if rng.chance(0.9) {
            description = writer.vendorDescription(&rng, name: name, size: size, category: category, country: country.name,
                                                   industries: industries, services: declared)
        }
        let shownRegions = rng.chance(0.85) ? regions : []
        let shownLanguages = rng.chance(0.9) ? languages : []
        truth.facts.regionMask = shownRegions.reduce(0) { $0 | 1 << UInt32(Markets.countryIndex[$1]!) }
        truth.facts.languageMask = shownLanguages.reduce(0) { $0 | 1 << UInt32(Markets.languageIndex[$1]!) }
        // The truth serves its regions whether or not the record lists them.
        truth.serves = regions.reduce(0) { $0 | 1 << UInt32(Markets.countryIndex[$1]!) }
        return Vendor(
            id: truth.id, name: name, size: rng.chance(0.9) ? SizeBand(rawValue: size) : nil,
            industries: industries, serviceTypes: declared, description: description,
            regions: shownRegions, languages: shownLanguages,
            certifications: certifications, minProjectUSD: minProject, hourlyRateUSD: rate, founded: founded)
    }

    // MARK: Case study

    private func makeCaseStudy(_ rng: inout DemoRandom, id: String, truth: VendorTruth, founded: Int, leniency: Double,
                               claimedOnly: [Int]) -> CaseStudy {
        // Mostly from the true competences; now and then work the vendor only claims (done badly).
        let offClaim = !claimedOnly.isEmpty && rng.chance(0.04)
        let service = offClaim ? rng.pick(claimedOnly) : truth.competences[rng.weightedIndex(truth.competences.map(\.strength))].subcategory
        let strength = offClaim ? 0.3 : truth.competences.first { $0.subcategory == service }!.strength
        var serviceTypes: [String]
        if rng.chance(0.08) {
            serviceTypes = [shape.categories[shape.categoryOfSubcategory[service]]]
        } else {
            serviceTypes = [shape.subcategories[service]]
            if truth.competences.count > 1, rng.chance(0.2) {
                let other = shape.subcategories[rng.pick(truth.competences).subcategory]
                if other != serviceTypes[0] { serviceTypes.append(other) }
            }
        }
        // Client: in a focus industry (88%) or elsewhere; a size in the true range (90%).
        let client: LatentIndustry
        if rng.chance(0.88) {
            let focus = truth.industries[rng.weightedIndex(truth.industries.map(\.strength))].industry
            client = LatentIndustry.random(&rng, shape: shape, subsector: focus.subsector).with(digit4: focus.digit4)
        } else {
            client = LatentIndustry.random(&rng, shape: shape)
        }
        var clientSize = rng.int(truth.sizeLow...truth.sizeHigh)
        if rng.chance(0.1) { clientSize = min(5, max(0, clientSize + (rng.chance(0.5) ? 1 : -1))) }
        let written = client.code(depth: LatentIndustry.writtenDepth(&rng, sector: 0.15, subsector: 0.35), shape: shape)
        let orgSlots = [400, 200, 80, 30, 8, 3][clientSize]
        let slot = rng.int(below: orgSlots)
        let clientOrg = "org-\(shape.subsectors[client.subsector])\(client.digit4)-\(clientSize)-\(slot)"
        let top = (clientSize == 5 && slot < 2) || (clientSize == 4 && slot == 0)
        let words = Lexicon.words(forIndustry: shape.subsectors[client.subsector], sector: shape.sectors[client.sector])
        let clientName = NeedWriter.organisationName(orgID: clientOrg, words: words)

        // Year: recent projects more common; never before the vendor existed.
        var year = 2025 - Int(14 * pow(rng.unit(), 1.6))
        year = min(2025, max(year, founded + 1, 2012))
        let projectQuality = truth.quality + (offClaim ? -0.8 : 0) + 0.8 * (strength - 0.75) + rng.normal(0, 0.4)

        var evaluation: Evaluation?
        if rng.chance(0.6) {
            var e = Evaluation()
            for d in EvaluationDimension.allCases where rng.chance(0.7) {
                let specific = (d == .responsiveness || d == .communication) ? truth.responsiveness : projectQuality
                let raw = 3.8 + 0.45 * projectQuality + 0.25 * specific + leniency + rng.normal(0, 0.5)
                e[d] = (min(5, max(1, raw)) * 10).rounded() / 10
            }
            if rng.chance(0.7) { e.wouldRecommend = min(10, max(0, (7 + 1.5 * projectQuality + rng.normal(0, 1.6)).rounded())) }
            if e.isEmpty { e.wouldRecommend = min(10, max(0, (7 + 1.5 * projectQuality).rounded())) }
            evaluation = e
        }
        let need = rng.chance(0.95)
            ? writer.caseNeed(&rng, subcategory: shape.subcategories[service], words: words, size: clientSize) : nil
        let outcome = rng.chance(0.75)
            ? writer.outcome(&rng, category: shape.categories[shape.categoryOfSubcategory[service]], quality: projectQuality) : nil
        return CaseStudy(
            id: id, vendorID: truth.id, clientIndustry: written, serviceTypes: serviceTypes,
            clientName: rng.chance(0.8) ? clientName : nil,
            clientSize: rng.chance(0.9) ? SizeBand(rawValue: clientSize) : nil,
            need: need, outcome: outcome, year: rng.chance(0.92) ? year : nil,
            topClient: top ? true : (rng.chance(0.5) ? false : nil),
            verified: rng.chance(min(0.6, max(0.1, 0.3 + 0.1 * truth.quality))) ? true : (rng.chance(0.3) ? false : nil),
            evaluation: evaluation, clientOrg: rng.chance(0.85) ? clientOrg : nil)
    }

    // MARK: Referral

    private func makeReferral(_ rng: inout DemoRandom, id: String, vendorID: String, truth: VendorTruth, clientOrgs: [String]) -> Referral {
        let type = Self.referrerTypeWeights[rng.weightedIndex(Self.referrerTypeWeights.map(\.1))].0
        // Warnings are likelier for weak vendors.
        let negative = rng.chance(0.03 + 0.17 / (1 + exp(2 * truth.quality)))
        let strength = negative
            ? -round2(rng.uniform(0.3, 1.0))
            : round2(min(1, max(0.1, 0.6 + 0.2 * truth.quality + rng.normal(0, 0.2))))
        var referrerOrg: String?
        var buyerOrg: String?
        switch type {
        case .pastClient:
            referrerOrg = !clientOrgs.isEmpty && rng.chance(0.7) ? rng.pick(clientOrgs) : "org-client-\(rng.int(1...99_999))"
            if !activeBuyers.isEmpty, rng.chance(0.1) { buyerOrg = buyerIDs[rng.pick(activeBuyers)] }
        case .institution:
            referrerOrg = "inst-" + rng.pick(Lexicon.institutionSlugs) + "-\(rng.int(1...9))"
        case .buyerPartner, .buyerInternal, .personalNetwork, .priorEmployer:
            if !activeBuyers.isEmpty, rng.chance(0.8) {
                let sectorPool = activeBuyersBySector[truth.industries[0].industry.sector]
                let b = !sectorPool.isEmpty && rng.chance(0.5) ? rng.pick(sectorPool) : rng.pick(activeBuyers)
                buyerOrg = buyerIDs[b]
            }
            let prefix = ["buyer_partner": "partner", "buyer_internal": "unit", "personal_network": "person", "prior_employer": "employer"][type.rawValue]!
            referrerOrg = rng.chance(0.85) ? "\(prefix)-\(rng.int(1...99_999))" : nil
        }
        if referrerOrg != nil, rng.chance(0.08) { referrerOrg = nil }
        return Referral(id: id, vendorID: vendorID, referrerType: type, referrerOrg: referrerOrg, buyerOrg: buyerOrg,
                        strength: strength, date: randomDate(&rng, from: 2015))
    }

    private func randomDate(_ rng: inout DemoRandom, from: Int) -> String {
        let year = 2025 - Int(Double(2025 - from + 1) * pow(rng.unit(), 1.3))
        return "\(max(from, year))-" + pad(rng.int(1...12), 2) + "-" + pad(rng.int(1...28), 2)
    }
}

extension LatentIndustry {
    func with(digit4: Int) -> LatentIndustry {
        var copy = self
        copy.digit4 = digit4
        return copy
    }
}

extension VendorFacts {
    mutating func noteOffered(_ codes: [String], shape: MarketShape) {
        for code in codes {
            if let s = shape.subcategoryIndex[code] {
                offeredSubcategories |= 1 << UInt64(s)
                touchedCategories |= 1 << UInt16(shape.categoryOfSubcategory[s])
            } else if let c = shape.categoryIndex[code] {
                wholeCategories |= 1 << UInt16(c)
                touchedCategories |= 1 << UInt16(c)
            }
        }
    }
}

extension VendorTruth {
    /// Groups the vendor's referrals by referrer organisation (a referral without one is its own
    /// group) and adds their values to general or buyer-specific trust. Buyer-relative referrals
    /// without `buyer_org` carry no weight (CONTRACT §2).
    mutating func summariseTrust(_ referrals: [Referral], buyerIndex: [String: Int32]) {
        struct Key: Hashable { var org: String?; var buyer: String?; var unique: String? }
        var groups: [Key: (type: ReferrerType, strengths: [Double], years: [Double])] = [:]
        var order: [Key] = []
        for r in referrals {
            if r.referrerType.isBuyerRelative && r.buyerOrg == nil { continue }
            let key = Key(org: r.referrerOrg, buyer: r.buyerOrg, unique: r.referrerOrg == nil ? r.id : nil)
            let year = Double(r.date.map { Int($0.prefix(4)) ?? 2020 } ?? 2020) + 0.5
            if groups[key] == nil { order.append(key); groups[key] = (r.referrerType, [], []) }
            groups[key]!.strengths.append(r.strength)
            groups[key]!.years.append(year)
        }
        for key in order {
            let g = groups[key]!
            let value = BuyerChoice.groupValue(type: g.type, strengths: g.strengths, years: g.years)
            if let buyer = key.buyer {
                if let b = buyerIndex[buyer] { buyerTrust.append((b, value)) }
            } else if value >= 0 {
                trustPositive += value
            } else {
                trustNegative -= value
            }
        }
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
