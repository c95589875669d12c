import Foundation
import Logging
import SwiftProtobuf
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// Turns one request frame into its response frame: method lookup, authentication and authorization
/// (`Authenticator`, `Caller`), deadline, payload decoding and validation, the backend call, and the
/// mapping of errors to gRPC statuses.
struct RequestRouter: Sendable {
    let backend: any VendorMatchBackend
    let authenticator: Authenticator
    let stats: ServerStats
    let version: String
    let isDraining: @Sendable () -> Bool

    /// A failed call: the status it ends with.
    struct Failure: Error {
        var code: StatusCode
        var message: String
        var field: String?
    }

    /// Answers `frame` right away when its method is served from memory (`isServedInline`) or is
    /// unknown; nil when it must run as a task (writes, SQLite reads). Called on the connection's event
    /// loop, so a read costs no task, no hop and no async write.
    func respondInline(to frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant, logger: Logger) -> Vendormatch_V1_Frame? {
        let method = VendorMatchMethod(rawValue: frame.method)
        if let method, !method.isServedInline { return nil }
        let result: Result<Data, Failure>
        var tenant: String?
        do {
            let (method, deadline, caller) = try admit(frame, method: method, receivedAt: receivedAt)
            tenant = caller.tenant
            let payload = try callInline(method, payload: frame.payload, caller: caller)
            try check(deadline, of: frame, method: method)
            result = .success(payload)
        } catch {
            result = .failure(Self.failure(from: error))
        }
        return finish(frame, method: method, receivedAt: receivedAt, result: result, tenant: tenant, logger: logger)
    }

    /// Answers any frame (the task path).
    func respond(to frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant, logger: Logger) async -> Vendormatch_V1_Frame {
        let method = VendorMatchMethod(rawValue: frame.method)
        let result: Result<Data, Failure>
        var tenant: String?
        do {
            let (method, deadline, caller) = try admit(frame, method: method, receivedAt: receivedAt)
            tenant = caller.tenant
            let payload = try await call(method, payload: frame.payload, caller: caller)
            try check(deadline, of: frame, method: method)
            result = .success(payload)
        } catch {
            result = .failure(Self.failure(from: error))
        }
        return finish(frame, method: method, receivedAt: receivedAt, result: result, tenant: tenant, logger: logger)
    }

    /// The response frame of a call's result; logs failures and records the call in `stats` (and its telemetry).
    private func finish(
        _ frame: Vendormatch_V1_Frame, method: VendorMatchMethod?, receivedAt: ContinuousClock.Instant,
        result: Result<Data, Failure>, tenant: String?, logger: Logger
    ) -> Vendormatch_V1_Frame {
        let response: Vendormatch_V1_Frame
        switch result {
        case let .success(payload):
            response = .response(id: frame.id, method: frame.method, payload: payload)
        case let .failure(error):
            response = .failure(id: frame.id, method: frame.method, code: error.code, message: error.message, field: error.field)
            let metadata: Logger.Metadata = [
                "vm.request.id": "\(frame.id)", "vm.method": "\(frame.method)", "vm.status": "\(error.code)",
                "vm.error": "\(error.message)",
            ]
            if error.code == .internal || error.code == .unavailable {
                logger.warning("request failed", metadata: metadata)
            } else {
                logger.debug("request refused", metadata: metadata)
            }
        }
        let elapsed = ContinuousClock.now - receivedAt
        stats.finished(frame, method: method, response: response, elapsed: elapsed, tenant: tenant, logger: logger)
        return response
    }

    /// Method lookup, authorization and the deadline: everything checked before a call starts.
    private func admit(
        _ frame: Vendormatch_V1_Frame, method: VendorMatchMethod?, receivedAt: ContinuousClock.Instant
    ) throws(Failure) -> (VendorMatchMethod, ContinuousClock.Instant?, Caller) {
        guard let method else {
            throw Failure(code: .unimplemented, message: "unknown method \"\(frame.method)\"; methods are \(VendorMatchMethod.allCases.map(\.path).joined(separator: ", "))")
        }
        let caller: Caller
        do {
            caller = try authenticator.caller(for: method, header: frame.metadata[MetadataKey.authorization])
            try caller.authorize(method)
        } catch {
            throw Self.failure(from: error)
        }
        let deadline = try deadline(of: frame, receivedAt: receivedAt)
        if let deadline, ContinuousClock.now >= deadline {
            throw Failure(code: .deadlineExceeded, message: "deadline of \(frame.metadata[MetadataKey.deadlineMilliseconds] ?? "") ms expired before the request started")
        }
        return (method, deadline, caller)
    }

    /// A read that finished late is useless to the client; a write is reported as done since it is durable.
    private func check(_ deadline: ContinuousClock.Instant?, of frame: Vendormatch_V1_Frame, method: VendorMatchMethod) throws(Failure) {
        if let deadline, !method.isWrite, ContinuousClock.now > deadline {
            throw Failure(code: .deadlineExceeded, message: "deadline of \(frame.metadata[MetadataKey.deadlineMilliseconds] ?? "") ms exceeded")
        }
    }

    /// The status a thrown error ends the call with.
    private static func failure(from error: any Error) -> Failure {
        switch error {
        case let failure as Failure:
            return failure
        case let error as FieldError:
            return Failure(code: .invalidArgument, message: error.description, field: error.field)
        case let error as VMError:
            let message = error.field.map { "field \"\($0)\": \(error.message)" } ?? error.message
            return Failure(code: StatusCode(rawValue: error.code.grpcStatus), message: message, field: error.field)
        default:
            return Failure(code: .internal, message: "internal error: \(error)")
        }
    }

    private func deadline(of frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant) throws(Failure) -> ContinuousClock.Instant? {
        guard let raw = frame.metadata[MetadataKey.deadlineMilliseconds] else { return nil }
        guard let ms = Int64(raw.trimmingCharacters(in: .whitespaces)) else {
            throw Failure(code: .invalidArgument, message: "metadata \"deadline-ms\" must be an integer number of milliseconds, got \"\(raw)\"", field: "deadline-ms")
        }
        return receivedAt + .milliseconds(max(0, ms))
    }

    private func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ payload: Data) throws(Failure) -> M {
        do {
            return try M(serializedBytes: payload)
        } catch {
            throw Failure(code: .invalidArgument, message: "payload is not a valid \(M.protoMessageName): \(error)")
        }
    }

    private func encode(_ message: some SwiftProtobuf.Message) throws -> Data {
        try message.serializedBytes()
    }

    private var codec: RecordCodec { backend.codec }

    /// The methods answered from memory; `call` for the others.
    private func callInline(_ method: VendorMatchMethod, payload: Data, caller: Caller) throws -> Data {
        switch method {
        case .health:
            _ = try decode(Vendormatch_V1_HealthRequest.self, payload)
            var r = Vendormatch_V1_HealthResponse()
            r.status = isDraining() ? "DRAINING" : "SERVING"
            r.version = version
            r.uptimeMs = stats.uptimeMilliseconds
            return try encode(r)

        case .shortlist:
            var q = try decode(Vendormatch_V1_ShortlistRequest.self, payload)
            if q.id.isEmpty { q.id = "req-\(UUID().uuidString.lowercased())" }
            // A key's tenant is the buyer: its buyer-specific referrals count, nobody else's.
            if caller.tenant != nil { q.buyerOrg = try caller.buyer(requested: q.hasBuyerOrg ? q.buyerOrg : nil) ?? "" }
            let request = try codec.request(q.json)
            return try encode(try backend.shortlist(request, explain: q.explain))

        case .findCaseStudies:
            var q = try decode(Vendormatch_V1_FindCaseStudiesRequest.self, payload)
            try validate(&q)
            return try encode(try backend.findCaseStudies(q))

        default:
            preconditionFailure("\(method.name) is not served inline")
        }
    }

    private func call(_ method: VendorMatchMethod, payload: Data, caller: Caller) async throws -> Data {
        switch method {
        case .health, .shortlist, .findCaseStudies:
            return try callInline(method, payload: payload, caller: caller)

        case .stats:
            _ = try decode(Vendormatch_V1_StatsRequest.self, payload)
            var r = stats.snapshot()
            r.counts = try await backend.counts(visibleTo: caller.tenant)
            r.outcomeWeeks = try await backend.outcomeWeeks(visibleTo: caller.tenant).map(Vendormatch_V1_OutcomeWeek.init)
            return try encode(r)

        case .upsertVendors:
            let q = try decode(Vendormatch_V1_UpsertVendorsRequest.self, payload)
            let vendors = try codec.validateAll(q.vendors, field: "vendors", codec.vendor, json: \.json)
            try await backend.upsert(vendors: vendors)
            return try encode(try await written(vendors.count, caller))

        case .upsertCaseStudies:
            let q = try decode(Vendormatch_V1_UpsertCaseStudiesRequest.self, payload)
            let cases = try codec.validateAll(q.caseStudies, field: "case_studies", codec.caseStudy, json: \.json)
            try await backend.upsert(caseStudies: cases)
            return try encode(try await written(cases.count, caller))

        case .recordReferrals:
            let q = try decode(Vendormatch_V1_RecordReferralsRequest.self, payload)
            let referrals = try codec.validateAll(q.referrals, field: "referrals", codec.referral, json: \.json)
            let existing = caller.scopes.contains(.admin) ? [:] : try await backend.referralBuyers(ids: referrals.map(\.id))
            try caller.checkReferrals(referrals, existing: existing)
            try await backend.record(referrals: referrals)
            return try encode(try await written(referrals.count, caller))

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
            try await backend.record(outcomes: q.outcomes)
            return try encode(try await written(q.outcomes.count, caller))

        case .getVendor:
            let q = try decode(Vendormatch_V1_GetVendorRequest.self, payload)
            guard !q.id.isEmpty else { throw FieldError(field: "id", reason: "missing required field") }
            guard let vendor = try await backend.vendor(id: q.id) else {
                throw Failure(code: .notFound, message: "no vendor with id \"\(q.id)\"", field: "id")
            }
            var r = Vendormatch_V1_GetVendorResponse()
            r.vendor = Vendormatch_V1_Vendor(vendor)
            return try encode(r)

        case .deleteVendor:
            let q = try decode(Vendormatch_V1_DeleteVendorRequest.self, payload)
            guard !q.id.isEmpty else { throw FieldError(field: "id", reason: "missing required field") }
            guard try await backend.deleteVendor(id: q.id) else {
                throw Failure(code: .notFound, message: "no vendor with id \"\(q.id)\"", field: "id")
            }
            var r = Vendormatch_V1_DeleteVendorResponse()
            r.deleted = true
            return try encode(r)
        }
    }

    private func written(_ n: Int, _ caller: Caller) async throws -> Vendormatch_V1_WriteResponse {
        var r = Vendormatch_V1_WriteResponse()
        r.written = UInt64(n)
        r.counts = try await backend.counts(visibleTo: caller.tenant)
        return r
    }

    /// Validates a case-study query with the same rules as a request, canonicalising its industry.
    private func validate(_ q: inout Vendormatch_V1_FindCaseStudiesRequest) throws {
        var probe: [(String, JSONValue)] = [("id", .string("case-query"))]
        if q.hasIndustry { probe.append(("industry", .string(q.industry))) }
        if q.hasSize { probe.append(("size", .string(q.size))) }
        if !q.serviceTypes.isEmpty { probe.append(("service_types", .array(q.serviceTypes.map { .string($0) }))) }
        if q.hasK { probe.append(("k", .number(Double(q.k)))) }
        let request = try codec.request(.object(probe))
        if let industry = request.industry { q.industry = industry }
        q.k = Int32(request.k)
    }
}
