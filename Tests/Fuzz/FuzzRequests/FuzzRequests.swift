import Foundation
import FuzzSupport
import SwiftProtobuf
import VendorMatchCore
import VendorMatchProto

// Fuzzes request decoding and validation: protobuf request bytes → validated domain records, through the
// server's one validator (`RecordCodec` over `ProtoFields`), as `RequestRouter` does for each method.
//
// Input: byte 0 picks the message (UpsertVendors, UpsertCaseStudies, RecordReferrals, Shortlist,
// FindCaseStudies); the rest is its serialized bytes. Invariants beyond "no crash":
// - the wire and a data file agree: each message read as the JSON object of its set fields is accepted
//   or refused by the JSON Lines path exactly as by the wire path (same record, same field and reason);
// - an accepted record round-trips: record → JSON text → parse → validate gives the same record, and
//   (vendors, case studies) record → wire message → bytes → decode → validate too;
// - a batch is accepted exactly when each of its records is, and its error names `vendors[i].field`.

/// The executable's entry point (see `runFuzzer`).
@_cdecl("FuzzRequests_main")
public func fuzzRequestsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzRequests(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequests(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.byte() % 5
    let payload = Data(input.bytes)
    switch selector {
    case 0:
        guard let q = try? Vendormatch_V1_UpsertVendorsRequest(serializedBytes: payload) else { return 0 }
        checkBatch(q.vendors, field: "vendors", check: checkVendor) { m throws(FieldError) in try fuzzCodec.vendor(m) }
    case 1:
        guard let q = try? Vendormatch_V1_UpsertCaseStudiesRequest(serializedBytes: payload) else { return 0 }
        checkBatch(q.caseStudies, field: "case_studies", check: checkCaseStudy) { m throws(FieldError) in try fuzzCodec.caseStudy(m) }
    case 2:
        guard let q = try? Vendormatch_V1_RecordReferralsRequest(serializedBytes: payload) else { return 0 }
        checkBatch(q.referrals, field: "referrals", check: checkReferral) { m throws(FieldError) in try fuzzCodec.referral(m) }
    case 3:
        guard var q = try? Vendormatch_V1_ShortlistRequest(serializedBytes: payload) else { return 0 }
        if q.id.isEmpty { q.id = "req-fuzz" }  // as the router does
        checkShortlist(q)
    default:
        guard let q = try? Vendormatch_V1_FindCaseStudiesRequest(serializedBytes: payload) else { return 0 }
        let fields = CaseQueryFields(m: q)
        let wire = result { () throws(FieldError) in try fuzzCodec.request(fields: fields) }
        let file = result { () throws(FieldError) in try fuzzCodec.request(fields.json(RequestKeys.caseQuery)) }
        fuzzCheck(wire == file, "case query: wire \(wire) but file \(file)")
    }
    return 0
}

/// Validates a batch as the router does and checks each record on its own.
func checkBatch<Message, Record: Equatable>(
    _ messages: [Message], field: String, check: (Message) -> Result<Record, FieldError>,
    _ validate: (Message) throws(FieldError) -> Record
) {
    let batch = result { () throws(FieldError) in try fuzzCodec.validateAll(messages, field: field, validate) }
    let each = messages.map(check)
    if let i = each.firstIndex(where: { if case .failure = $0 { true } else { false } }), case let .failure(e) = each[i] {
        fuzzCheck(batch == .failure(FieldError(field: "\(field)[\(i)].\(e.field)", reason: e.reason)), "batch error \(batch) for record \(i)'s \(e)")
    } else {
        fuzzCheck(batch == .success(each.compactMap { try? $0.get() }), "batch of valid records: \(batch)")
    }
}

func checkVendor(_ m: Vendormatch_V1_Vendor) -> Result<Vendor, FieldError> {
    let fields = VendorFields(m: m)
    let wire = result { () throws(FieldError) in try fuzzCodec.vendor(m) }
    let file = result { () throws(FieldError) in try fuzzCodec.vendor(fields.json(RequestKeys.vendor)) }
    fuzzCheck(wire == file, "vendor: wire \(wire) but file \(file)")
    if case let .success(v) = wire {
        let text = RecordCodec.json(v).serialized()
        fuzzCheck(result { () throws(FieldError) in try fuzzCodec.vendor(parse(text)) } == .success(v), "vendor does not round-trip through \(text)")
        let back = decode(Vendormatch_V1_Vendor.self, Vendormatch_V1_Vendor(v))
        fuzzCheck(result { () throws(FieldError) in try fuzzCodec.vendor(back) } == .success(v), "vendor does not round-trip through the wire")
    }
    return wire
}

func checkCaseStudy(_ m: Vendormatch_V1_CaseStudy) -> Result<CaseStudy, FieldError> {
    let fields = CaseStudyFields(m: m)
    var json = fields.json(RequestKeys.caseStudy)
    if m.hasEvaluation, case var .object(pairs) = json {
        pairs.append(("evaluation", EvaluationFields(m: m.evaluation).json(RequestKeys.evaluation)))
        json = .object(pairs)
    }
    let wire = result { () throws(FieldError) in try fuzzCodec.caseStudy(m) }
    let file = result { () throws(FieldError) in try fuzzCodec.caseStudy(json) }
    fuzzCheck(wire == file, "case study: wire \(wire) but file \(file)")
    if case let .success(c) = wire {
        let text = RecordCodec.json(c).serialized()
        fuzzCheck(result { () throws(FieldError) in try fuzzCodec.caseStudy(parse(text)) } == .success(c), "case study does not round-trip through \(text)")
        let back = decode(Vendormatch_V1_CaseStudy.self, Vendormatch_V1_CaseStudy(c))
        fuzzCheck(result { () throws(FieldError) in try fuzzCodec.caseStudy(back) } == .success(c), "case study does not round-trip through the wire")
    }
    return wire
}

func checkReferral(_ m: Vendormatch_V1_Referral) -> Result<Referral, FieldError> {
    let wire = result { () throws(FieldError) in try fuzzCodec.referral(m) }
    let file = result { () throws(FieldError) in try fuzzCodec.referral(ReferralFields(m: m).json(RequestKeys.referral)) }
    fuzzCheck(wire == file, "referral: wire \(wire) but file \(file)")
    if case let .success(r) = wire {
        let text = RecordCodec.json(r).serialized()
        fuzzCheck(result { () throws(FieldError) in try fuzzCodec.referral(parse(text)) } == .success(r), "referral does not round-trip through \(text)")
    }
    return wire
}

func checkShortlist(_ m: Vendormatch_V1_ShortlistRequest) {
    let wire = result { () throws(FieldError) in try fuzzCodec.request(m) }
    let file = result { () throws(FieldError) in try fuzzCodec.request(ShortlistRequestFields(m: m).json(RequestKeys.shortlist)) }
    fuzzCheck(wire == file, "shortlist: wire \(wire) but file \(file)")
    if case let .success(q) = wire {
        let text = RecordCodec.json(q).serialized()
        fuzzCheck(result { () throws(FieldError) in try fuzzCodec.request(parse(text)) } == .success(q), "request does not round-trip through \(text)")
        fuzzCheck(result { () throws(FieldError) in try fuzzCodec.validate(q) } == .success(q), "validate changes an accepted request")
    }
}
