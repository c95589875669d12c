import Foundation
import Testing
import VendorMatchCore
import VendorMatchProto
@testable import VendorMatchServer

/// The wire decodes protobuf records straight into validated domain records through the one validator
/// (`RecordCodec` over `RecordFields`). These tests hold it to the importer's path: the same message
/// written as a JSON Lines record (text, parsed back as the importer reads it) must give the same record
/// or the same error, field and message, on thousands of random records, valid and invalid.
@Suite("Wire records validate exactly like imported ones")
struct WireValidationTests {
    let codec = RecordCodec(taxonomy: taxonomy)

    @Test func vendorsMatchTheImporter() throws {
        var rng = Draw(rng: SplitMix64(seed: 11))
        var outcomes = Tally()
        for _ in 0..<3000 {
            let m = randomVendor(&rng)
            let direct = Result { () throws(FieldError) in try codec.vendor(m) }
            let imported = Result { () throws(FieldError) in try codec.vendor(try importerLine(ImporterJSON.vendor(m))) }
            expectSame(direct, imported, m)
            outcomes.count(direct)
        }
        outcomes.expectBothKinds()
    }

    @Test func caseStudiesMatchTheImporter() throws {
        var rng = Draw(rng: SplitMix64(seed: 12))
        var outcomes = Tally()
        for _ in 0..<3000 {
            let m = randomCaseStudy(&rng)
            let direct = Result { () throws(FieldError) in try codec.caseStudy(m) }
            let imported = Result { () throws(FieldError) in try codec.caseStudy(try importerLine(ImporterJSON.caseStudy(m))) }
            expectSame(direct, imported, m)
            outcomes.count(direct)
        }
        outcomes.expectBothKinds()
    }

    @Test func referralsMatchTheImporter() throws {
        var rng = Draw(rng: SplitMix64(seed: 13))
        var outcomes = Tally()
        for _ in 0..<3000 {
            let m = randomReferral(&rng)
            let direct = Result { () throws(FieldError) in try codec.referral(m) }
            let imported = Result { () throws(FieldError) in try codec.referral(try importerLine(ImporterJSON.referral(m))) }
            expectSame(direct, imported, m)
            outcomes.count(direct)
        }
        outcomes.expectBothKinds()
    }

    @Test func shortlistRequestsMatchTheImporter() throws {
        var rng = Draw(rng: SplitMix64(seed: 14))
        var outcomes = Tally()
        for _ in 0..<3000 {
            let m = randomRequest(&rng)
            let direct = Result { () throws(FieldError) in try codec.request(m) }
            let imported = Result { () throws(FieldError) in try codec.request(try importerLine(ImporterJSON.request(m))) }
            expectSame(direct, imported, m)
            outcomes.count(direct)
        }
        outcomes.expectBothKinds()
    }

    @Test func errorsNameTheFieldLikeTheImporter() throws {
        var m = Vendormatch_V1_Vendor()
        m.id = "v1"
        m.name = "Acme"
        m.regions = ["US", "usa"]
        #expect(throws: FieldError(field: "regions[1]", reason: "not an upper-case ISO 3166-1 alpha-2 country code: \"usa\"")) {
            try codec.vendor(m)
        }
        m.regions = []
        m.name = "  "
        #expect(throws: FieldError(field: "name", reason: "must not be empty")) { try codec.vendor(m) }
    }

    /// Found by FuzzRequests: protobuf doubles can be infinite, JSON numbers cannot; an accepted
    /// `[0, inf]` hourly rate was stored as the canonical JSON `[0,inf]`.
    @Test func refusesAnInfiniteHourlyRate() throws {
        var m = Vendormatch_V1_Vendor()
        m.id = "v1"
        m.name = "Acme"
        m.hourlyRateUsd = [0, .infinity]
        #expect(throws: FieldError.self) { try codec.vendor(m) }
        m.hourlyRateUsd = [80, 120]
        #expect(try codec.vendor(m).hourlyRateUSD == [80, 120])
    }
}

private func expectSame<T: Equatable>(_ direct: Result<T, FieldError>, _ imported: Result<T, FieldError>, _ m: Any) {
    if direct != imported {
        Issue.record("wire \(direct) but importer \(imported) for \(m)")
    }
}

/// How many records validated and how many were refused: a generator that only made one kind would
/// prove nothing.
private struct Tally {
    var valid = 0, invalid = 0
    mutating func count<T>(_ r: Result<T, FieldError>) {
        if case .success = r { valid += 1 } else { invalid += 1 }
    }
    func expectBothKinds() {
        #expect(valid >= 300, "only \(valid) valid records generated")
        #expect(invalid >= 300, "only \(invalid) invalid records generated")
    }
}

/// A record as the importer reads it: one line of text, parsed.
private func importerLine(_ value: JSONValue) throws(FieldError) -> JSONValue {
    do {
        return try JSONParser.parse(value.serialized())
    } catch {
        throw FieldError(field: "", reason: "not JSON: \(error)")
    }
}

// MARK: Random records from pools of valid and invalid values

/// Values of one field: `valid` ones the contract accepts, `invalid` ones it refuses (or that may fail
/// in combination). Half the records draw from the valid ones only, so both outcomes are common.
private struct Pool<T: Sendable>: Sendable {
    var valid: [T]
    var invalid: [T]
}

private struct Draw {
    var rng: SplitMix64
    var clean = false

    mutating func next() -> UInt64 { rng.next() }
    mutating func chance(_ p: Double = 0.5) -> Bool { Double(next() % 1000) < p * 1000 }
    mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
    mutating func pick<T>(_ pool: Pool<T>) -> T {
        clean || pool.invalid.isEmpty || chance(0.8) ? pick(pool.valid) : pick(pool.invalid)
    }
    mutating func some<T>(_ pool: Pool<T>, max: Int = 3) -> [T] {
        let n = Int(next() % UInt64(max + 1))
        return (0..<n).map { _ in pick(pool) }
    }
    /// Starts a record: clean (valid values only) half the time.
    mutating func record() { clean = chance() }
}

private let ids = Pool(valid: ["v1", "acme-01", "cs9", "x"], invalid: [""])
private let texts = Pool(valid: ["Acme", "Ωmega Ltd", "predict loan defaults"], invalid: ["", "  "])
private let sizes = Pool(valid: ["1-9", "10-49", "50-249", "250-999", "1000-9999", "10000+"], invalid: ["huge", "", "1-10"])
private let industries = Pool(valid: ["522", "5221", "31-33", "31", "44-45", "52", "522110"], invalid: ["9999", "", "abc"])
private let services = Pool(valid: ["data", "data.machine-learning", "software.ecommerce", "cloud.migration"], invalid: ["data.foo", "", "nonsense"])
private let regions = Pool(valid: ["US", "DE", "GB"], invalid: ["us", "XX", "GBR", ""])
private let languages = Pool(valid: ["en", "de", "fr"], invalid: ["EN", "xx", "eng"])
private let certifications = Pool(valid: ["ISO 27001", "SOC2", "pci-dss"], invalid: ["---", ""])
private let money = Pool<Double>(valid: [0, 5000, 250_000], invalid: [-1, 2e12])
private let years = Pool<Int32>(valid: [1800, 1999, 2024, 2100], invalid: [1799, 2101, 0])
private let grades = Pool<Double>(valid: [1, 3.3, 5], invalid: [0.5, 5.5, -2])
private let recommendations = Pool<Double>(valid: [0, 7, 10], invalid: [-1, 11])
private let referrerTypes = Pool(valid: ReferrerType.allCases.map(\.rawValue), invalid: ["friend", ""])
private let strengths = Pool<Double>(valid: [-1, -0.2, 0, 0.5, 1], invalid: [-1.5, 1.2])
private let dates = Pool(valid: ["2024-03-01", "2019-12-31", "2024-02-31"], invalid: ["2024-13-01", "24-03-01", "", "2024-3-1"])
private let ks = Pool<Int32>(valid: [1, 10, 1000], invalid: [0, 1001, -5])
private let rates = Pool<[Double]>(valid: [[50, 100], [0, 0]], invalid: [[100, 50], [-1, 10], [40], [1, 2, 3]])

private func randomVendor(_ r: inout Draw) -> Vendormatch_V1_Vendor {
    r.record()
    var m = Vendormatch_V1_Vendor()
    m.id = r.pick(ids)
    m.name = r.pick(texts)
    if r.chance() { m.size = r.pick(sizes) }
    m.industries = r.some(industries)
    m.serviceTypes = r.some(services)
    if r.chance() { m.description_p = r.pick(texts) }
    m.regions = r.some(regions, max: 2)
    m.languages = r.some(languages, max: 2)
    m.certifications = r.some(certifications, max: 2)
    if r.chance(0.3) { m.minProjectUsd = r.pick(money) }
    if r.chance(0.3) { m.hourlyRateUsd = r.pick(rates) }
    if r.chance(0.3) { m.founded = r.pick(years) }
    return m
}

private func randomCaseStudy(_ r: inout Draw) -> Vendormatch_V1_CaseStudy {
    r.record()
    var m = Vendormatch_V1_CaseStudy()
    m.id = r.pick(ids)
    m.vendorID = r.pick(ids)
    m.clientIndustry = r.pick(industries)
    m.serviceTypes = r.clean ? [r.pick(services)] + r.some(services, max: 1) : r.some(services)
    if r.chance(0.3) { m.clientName = r.pick(texts) }
    if r.chance() { m.clientSize = r.pick(sizes) }
    if r.chance() { m.need = r.pick(texts) }
    if r.chance(0.3) { m.outcome = r.pick(texts) }
    if r.chance(0.4) { m.year = r.pick(years) }
    if r.chance(0.3) { m.topClient = r.chance() }
    if r.chance(0.3) { m.verified = r.chance() }
    if r.chance(0.4) {
        var e = Vendormatch_V1_Evaluation()
        if r.chance() { e.responsiveness = r.pick(grades) }
        if r.chance() { e.communication = r.pick(grades) }
        if r.chance() { e.expertise = r.pick(grades) }
        if r.chance() { e.onTime = r.pick(grades) }
        if r.chance() { e.effectiveness = r.pick(grades) }
        if r.chance() { e.wouldRecommend = r.pick(recommendations) }
        m.evaluation = e
    }
    if r.chance(0.3) { m.clientOrg = r.pick(texts) }
    return m
}

private func randomReferral(_ r: inout Draw) -> Vendormatch_V1_Referral {
    r.record()
    var m = Vendormatch_V1_Referral()
    m.id = r.pick(ids)
    m.vendorID = r.pick(ids)
    m.referrerType = r.pick(referrerTypes)
    if r.chance() { m.referrerOrg = r.pick(texts) }
    if r.chance() { m.buyerOrg = r.pick(texts) }
    if r.chance() { m.strength = r.pick(strengths) }
    if r.chance() { m.date = r.pick(dates) }
    return m
}

private func randomRequest(_ r: inout Draw) -> Vendormatch_V1_ShortlistRequest {
    r.record()
    var m = Vendormatch_V1_ShortlistRequest()
    m.id = r.pick(ids)
    if r.chance(0.3) { m.buyerOrg = r.pick(texts) }
    if r.chance() { m.industry = r.pick(industries) }
    if r.chance() { m.size = r.pick(sizes) }
    if r.chance() { m.need = r.pick(texts) }
    m.serviceTypes = r.some(services, max: 2)
    m.regions = r.some(regions, max: 2)
    m.languages = r.some(languages, max: 2)
    m.requiredCertifications = r.some(certifications, max: 2)
    if r.chance(0.3) { m.budgetUsd = r.pick(money) }
    if r.chance(0.4) { m.k = r.pick(ks) }
    m.excludeVendors = r.some(ids, max: 2)
    m.explain = r.chance()
    return m
}

// MARK: The JSON Lines form of a wire record (CONTRACT §2), as the wire built it before decoding went direct

private enum ImporterJSON {
    private static func put(_ p: inout [(String, JSONValue)], _ key: String, _ value: String, if present: Bool) {
        if present { p.append((key, .string(value))) }
    }

    private static func put(_ p: inout [(String, JSONValue)], _ key: String, _ value: Double, if present: Bool) {
        if present { p.append((key, .number(value))) }
    }

    private static func put(_ p: inout [(String, JSONValue)], _ key: String, _ values: [String]) {
        if !values.isEmpty { p.append((key, .array(values.map { .string($0) }))) }
    }

    static func vendor(_ m: Vendormatch_V1_Vendor) -> JSONValue {
        var p: [(String, JSONValue)] = [("id", .string(m.id)), ("name", .string(m.name))]
        put(&p, "size", m.size, if: m.hasSize)
        put(&p, "industries", m.industries)
        put(&p, "service_types", m.serviceTypes)
        put(&p, "description", m.description_p, if: m.hasDescription_p)
        put(&p, "regions", m.regions)
        put(&p, "languages", m.languages)
        put(&p, "certifications", m.certifications)
        put(&p, "min_project_usd", m.minProjectUsd, if: m.hasMinProjectUsd)
        if !m.hourlyRateUsd.isEmpty { p.append(("hourly_rate_usd", .array(m.hourlyRateUsd.map { .number($0) }))) }
        put(&p, "founded", Double(m.founded), if: m.hasFounded)
        return .object(p)
    }

    static func evaluation(_ m: Vendormatch_V1_Evaluation) -> JSONValue {
        var p: [(String, JSONValue)] = []
        put(&p, "responsiveness", m.responsiveness, if: m.hasResponsiveness)
        put(&p, "communication", m.communication, if: m.hasCommunication)
        put(&p, "expertise", m.expertise, if: m.hasExpertise)
        put(&p, "on_time", m.onTime, if: m.hasOnTime)
        put(&p, "effectiveness", m.effectiveness, if: m.hasEffectiveness)
        put(&p, "would_recommend", m.wouldRecommend, if: m.hasWouldRecommend)
        return .object(p)
    }

    static func caseStudy(_ m: Vendormatch_V1_CaseStudy) -> JSONValue {
        var p: [(String, JSONValue)] = [
            ("id", .string(m.id)), ("vendor_id", .string(m.vendorID)), ("client_industry", .string(m.clientIndustry)),
        ]
        put(&p, "service_types", m.serviceTypes)
        put(&p, "client_name", m.clientName, if: m.hasClientName)
        put(&p, "client_size", m.clientSize, if: m.hasClientSize)
        put(&p, "need", m.need, if: m.hasNeed)
        put(&p, "outcome", m.outcome, if: m.hasOutcome)
        put(&p, "year", Double(m.year), if: m.hasYear)
        if m.hasTopClient { p.append(("top_client", .bool(m.topClient))) }
        if m.hasVerified { p.append(("verified", .bool(m.verified))) }
        if m.hasEvaluation { p.append(("evaluation", evaluation(m.evaluation))) }
        put(&p, "client_org", m.clientOrg, if: m.hasClientOrg)
        return .object(p)
    }

    static func referral(_ m: Vendormatch_V1_Referral) -> JSONValue {
        var p: [(String, JSONValue)] = [
            ("id", .string(m.id)), ("vendor_id", .string(m.vendorID)), ("referrer_type", .string(m.referrerType)),
        ]
        put(&p, "referrer_org", m.referrerOrg, if: m.hasReferrerOrg)
        put(&p, "buyer_org", m.buyerOrg, if: m.hasBuyerOrg)
        put(&p, "strength", m.strength, if: m.hasStrength)
        put(&p, "date", m.date, if: m.hasDate)
        return .object(p)
    }

    static func request(_ m: Vendormatch_V1_ShortlistRequest) -> JSONValue {
        var p: [(String, JSONValue)] = [("id", .string(m.id))]
        put(&p, "buyer_org", m.buyerOrg, if: m.hasBuyerOrg)
        put(&p, "industry", m.industry, if: m.hasIndustry)
        put(&p, "size", m.size, if: m.hasSize)
        put(&p, "need", m.need, if: m.hasNeed)
        put(&p, "service_types", m.serviceTypes)
        put(&p, "regions", m.regions)
        put(&p, "languages", m.languages)
        put(&p, "required_certifications", m.requiredCertifications)
        put(&p, "budget_usd", m.budgetUsd, if: m.hasBudgetUsd)
        put(&p, "k", Double(m.k), if: m.hasK)
        put(&p, "exclude_vendors", m.excludeVendors)
        return .object(p)
    }
}
