import Foundation
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

extension RequestRouter {
    /// A write checked and validated, ready for the backend.
    struct PreparedWrite: Sendable {
        enum Change: Sendable {
            case vendors([Vendor])
            case caseStudies([CaseStudy])
            case referrals([Referral])
            case outcomes([Vendormatch_V1_Outcome])
            case deleteVendor(String)
        }

        var change: Change
        var caller: Caller
        /// Records the response reports as written.
        var count: Int
    }

    /// Decodes and validates a write's records and checks the caller may write them (reading SQLite for
    /// referral ownership): on a worker thread.
    func prepareWrite(_ method: VendorMatchMethod, payload: Data, caller: Caller) throws -> PreparedWrite {
        let codec = self.codec
        switch method {
        case .upsertVendors:
            let q = try decode(Vendormatch_V1_UpsertVendorsRequest.self, payload)
            let vendors = try codec.validateAll(q.vendors, field: "vendors") { m throws(FieldError) in try codec.vendor(m) }
            return PreparedWrite(change: .vendors(vendors), caller: caller, count: vendors.count)

        case .upsertCaseStudies:
            let q = try decode(Vendormatch_V1_UpsertCaseStudiesRequest.self, payload)
            let cases = try codec.validateAll(q.caseStudies, field: "case_studies") { m throws(FieldError) in try codec.caseStudy(m) }
            return PreparedWrite(change: .caseStudies(cases), caller: caller, count: cases.count)

        case .recordReferrals:
            let q = try decode(Vendormatch_V1_RecordReferralsRequest.self, payload)
            let referrals = try codec.validateAll(q.referrals, field: "referrals") { m throws(FieldError) in try codec.referral(m) }
            let existing = caller.scopes.contains(.admin) ? [:] : try backend.referralBuyers(ids: referrals.map(\.id))
            try caller.checkReferrals(referrals, existing: existing)
            return PreparedWrite(change: .referrals(referrals), caller: caller, count: referrals.count)

        case .recordOutcomes:
            var q = try decode(Vendormatch_V1_RecordOutcomesRequest.self, payload)
            let buyers = try caller.outcomeBuyers(q.outcomes.map { $0.hasBuyerOrg ? $0.buyerOrg : nil })
            for (i, buyer) in buyers.enumerated() {
                if let buyer { q.outcomes[i].buyerOrg = buyer } else { q.outcomes[i].clearBuyerOrg() }
            }
            for (i, o) in q.outcomes.enumerated() {
                if o.requestID.isEmpty { throw FieldError(field: "outcomes[\(i)].request_id", reason: "missing required field") }
                if o.vendorID.isEmpty { throw FieldError(field: "outcomes[\(i)].vendor_id", reason: "missing required field") }
                if !(0...2).contains(o.grade) {
                    throw FieldError(field: "outcomes[\(i)].grade", reason: "grade must be 0, 1 or 2, got \(o.grade)")
                }
            }
            return PreparedWrite(change: .outcomes(q.outcomes), caller: caller, count: q.outcomes.count)

        case .deleteVendor:
            let q = try decode(Vendormatch_V1_DeleteVendorRequest.self, payload)
            guard !q.id.isEmpty else { throw FieldError(field: "id", reason: "missing required field") }
            return PreparedWrite(change: .deleteVendor(q.id), caller: caller, count: 1)

        default:
            preconditionFailure("\(method.name) is not a write")
        }
    }

    /// Commits a prepared write through the backend (durable when it returns).
    func apply(_ change: PreparedWrite.Change) async throws {
        switch change {
        case let .vendors(v): try await backend.upsert(vendors: v)
        case let .caseStudies(c): try await backend.upsert(caseStudies: c)
        case let .referrals(r): try await backend.record(referrals: r)
        case let .outcomes(o): try await backend.record(outcomes: o)
        case let .deleteVendor(id):
            guard try await backend.deleteVendor(id: id) else {
                throw Failure(code: .notFound, message: "no vendor with id \"\(id)\"", field: "id")
            }
        }
    }

    /// The response payload of an acknowledged write: how many records and the counts the caller may
    /// see (reads SQLite: on a worker thread); a deletion's is `deleted`.
    func response(to prepared: PreparedWrite) throws -> Data {
        if case .deleteVendor = prepared.change {
            var r = Vendormatch_V1_DeleteVendorResponse()
            r.deleted = true
            return try encode(r)
        }
        var r = Vendormatch_V1_WriteResponse()
        r.written = UInt64(prepared.count)
        r.counts = try backend.counts(visibleTo: prepared.caller.tenant)
        return try encode(r)
    }
}
