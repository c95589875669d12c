import Foundation
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

extension RequestRouter {
    /// The reads: run on a worker thread (they rank, encode and read SQLite).
    func callRead(_ method: VendorMatchMethod, payload: Data, caller: Caller, metadata: [String: String] = [:]) throws -> Data {
        switch method {
        case .shortlist:
            var q = try decode(Vendormatch_V1_ShortlistRequest.self, payload)
            if q.id.isEmpty { q.id = "req-\(UUID().uuidString.lowercased())" }
            // A key's tenant is the buyer: its buyer-specific referrals count, nobody else's.
            if caller.tenant != nil { q.buyerOrg = try caller.buyer(requested: q.hasBuyerOrg ? q.buyerOrg : nil) ?? "" }
            let request = try codec.request(q)
            let log = metadata[MetadataKey.shortlistLog].map { $0.lowercased() != "off" } ?? true
            return try encode(try backend.shortlist(request, explain: q.explain, log: log))

        case .findCaseStudies:
            var q = try decode(Vendormatch_V1_FindCaseStudiesRequest.self, payload)
            try validate(&q)
            return try encode(try backend.findCaseStudies(q))

        case .stats:
            _ = try decode(Vendormatch_V1_StatsRequest.self, payload)
            var r = stats.snapshot()
            r.counts = try backend.counts(visibleTo: caller.tenant)
            r.outcomeWeeks = try backend.outcomeWeeks(visibleTo: caller.tenant).map(Vendormatch_V1_OutcomeWeek.init)
            r.methods += backend.backgroundTasks().map(\.methodStats)
            return try encode(r)

        case .getVendor:
            let q = try decode(Vendormatch_V1_GetVendorRequest.self, payload)
            guard !q.id.isEmpty else { throw FieldError(field: "id", reason: "missing required field") }
            guard let vendor = try backend.vendor(id: q.id) else {
                throw Failure(code: .notFound, message: "no vendor with id \"\(q.id)\"", field: "id")
            }
            var r = Vendormatch_V1_GetVendorResponse()
            r.vendor = Vendormatch_V1_Vendor(vendor)
            return try encode(r)

        default:
            preconditionFailure("\(method.name) is not a read")
        }
    }

    /// Validates a case-study query with the same rules as a request, canonicalising its industry.
    private func validate(_ q: inout Vendormatch_V1_FindCaseStudiesRequest) throws {
        let request = try codec.request(fields: CaseQueryFields(m: q))
        if let industry = request.industry { q.industry = industry }
        q.k = Int32(request.k)
    }
}
