import SwiftProtobuf
import VendorMatchProto
import VendorMatchWire

/// What one server (`VendorMatchClient`) and several (`VendorMatchEndpoints`) have in common: a call of
/// any method, and the typed methods written once on top of it.
public protocol VendorMatchCalling: Sendable {
    /// Calls `method` with `request` and decodes the response; `deadline` is sent as `deadline-ms`.
    func call<Response: SwiftProtobuf.Message>(
        _ method: VendorMatchMethod, _ request: some SwiftProtobuf.Message, as: Response.Type, deadline: Duration?
    ) async throws(RPCError) -> Response
}

extension VendorMatchCalling {
    /// Ranks vendors for a buyer request.
    public func shortlist(_ request: Vendormatch_V1_ShortlistRequest, deadline: Duration? = nil) async throws(RPCError) -> Vendormatch_V1_ShortlistResponse {
        try await call(.shortlist, request, as: Vendormatch_V1_ShortlistResponse.self, deadline: deadline)
    }

    /// Finds comparable case studies.
    public func findCaseStudies(_ request: Vendormatch_V1_FindCaseStudiesRequest, deadline: Duration? = nil) async throws(RPCError) -> Vendormatch_V1_FindCaseStudiesResponse {
        try await call(.findCaseStudies, request, as: Vendormatch_V1_FindCaseStudiesResponse.self, deadline: deadline)
    }

    /// Inserts or replaces vendors.
    public func upsertVendors(_ vendors: [Vendormatch_V1_Vendor]) async throws(RPCError) -> Vendormatch_V1_WriteResponse {
        var r = Vendormatch_V1_UpsertVendorsRequest()
        r.vendors = vendors
        return try await call(.upsertVendors, r, as: Vendormatch_V1_WriteResponse.self, deadline: nil)
    }

    /// Inserts or replaces case studies.
    public func upsertCaseStudies(_ caseStudies: [Vendormatch_V1_CaseStudy]) async throws(RPCError) -> Vendormatch_V1_WriteResponse {
        var r = Vendormatch_V1_UpsertCaseStudiesRequest()
        r.caseStudies = caseStudies
        return try await call(.upsertCaseStudies, r, as: Vendormatch_V1_WriteResponse.self, deadline: nil)
    }

    /// Inserts or replaces referrals.
    public func recordReferrals(_ referrals: [Vendormatch_V1_Referral]) async throws(RPCError) -> Vendormatch_V1_WriteResponse {
        var r = Vendormatch_V1_RecordReferralsRequest()
        r.referrals = referrals
        return try await call(.recordReferrals, r, as: Vendormatch_V1_WriteResponse.self, deadline: nil)
    }

    /// Records buyer outcomes.
    public func recordOutcomes(_ outcomes: [Vendormatch_V1_Outcome]) async throws(RPCError) -> Vendormatch_V1_WriteResponse {
        var r = Vendormatch_V1_RecordOutcomesRequest()
        r.outcomes = outcomes
        return try await call(.recordOutcomes, r, as: Vendormatch_V1_WriteResponse.self, deadline: nil)
    }

    /// One vendor (NOT_FOUND if unknown).
    public func vendor(id: String) async throws(RPCError) -> Vendormatch_V1_Vendor {
        var r = Vendormatch_V1_GetVendorRequest()
        r.id = id
        return try await call(.getVendor, r, as: Vendormatch_V1_GetVendorResponse.self, deadline: nil).vendor
    }

    /// Deletes a vendor (NOT_FOUND if unknown).
    public func deleteVendor(id: String) async throws(RPCError) {
        var r = Vendormatch_V1_DeleteVendorRequest()
        r.id = id
        _ = try await call(.deleteVendor, r, as: Vendormatch_V1_DeleteVendorResponse.self, deadline: nil)
    }

    /// Counters and latency percentiles.
    public func stats() async throws(RPCError) -> Vendormatch_V1_StatsResponse {
        try await call(.stats, Vendormatch_V1_StatsRequest(), as: Vendormatch_V1_StatsResponse.self, deadline: nil)
    }
}
