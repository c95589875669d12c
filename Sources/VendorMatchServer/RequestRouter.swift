import Foundation
import Logging
import NIOCore
import SwiftProtobuf
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// Turns one request frame into its response frame, the same way for every method and every transport:
/// method lookup, admission under the in-flight limit, authentication and authorization (`Authenticator`,
/// `Caller`), deadline, payload decoding straight into validated records (`RecordCodec`), the backend
/// call, the mapping of errors to gRPC statuses, and the bookkeeping (`ServerStats`).
///
/// Where the work runs: Health (and unknown methods) are answered on the caller's thread, the event loop
/// for TCP; everything else runs on the bounded worker pool (`RequestWorkers`): reads entirely, writes
/// prepared there (keys checked, records validated) and then committed by the backend's writer. When the
/// pool's in-flight limit is reached the request is answered RESOURCE_EXHAUSTED at once.
///
/// Entry points: `dispatch` for an event loop (answers at once or hands back a future completing on
/// that loop), `respond` for async callers (the HTTP listener, tests).
struct RequestRouter: Sendable {
    let backend: any VendorMatchBackend
    let authenticator: Authenticator
    let stats: ServerStats
    let version: String
    let maximumCatalogueLag: Duration
    let catalogueWait: Duration
    let isDraining: @Sendable () -> Bool
    let workers: RequestWorkers

    /// A failed call: the status it ends with.
    struct Failure: Error {
        var code: StatusCode
        var message: String
        var field: String?
    }

    /// What `dispatch` did with a frame.
    enum Dispatch {
        /// Answered on the spot (Health, an unknown method, a refusal).
        case answered(Vendormatch_V1_Frame)
        /// Running on the workers; the future completes on the loop given to `dispatch`, never fails.
        case pending(EventLoopFuture<Vendormatch_V1_Frame>)
    }

    /// Starts answering `frame` from an event loop without blocking it.
    func dispatch(_ frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant, logger: Logger, on loop: any EventLoop) -> Dispatch {
        stats.telemetry.metrics?.requestReceived()
        let method = VendorMatchMethod(rawValue: frame.method)
        guard let method, !method.isServedInline else {
            return .answered(answerInline(frame, method: method, receivedAt: receivedAt, logger: logger))
        }
        guard workers.tryAcquire() else {
            return .answered(busy(frame, method: method, receivedAt: receivedAt, logger: logger))
        }
        let workers = self.workers
        if method.isWrite {
            let promise = loop.makePromise(of: Vendormatch_V1_Frame.self)
            promise.completeWithTask { [self] in
                defer { workers.release() }
                return await write(frame, method: method, receivedAt: receivedAt, logger: logger)
            }
            return .pending(promise.futureResult)
        }
        let future = workers.submit(on: loop) { [self] in
            defer { workers.release() }
            return read(frame, method: method, receivedAt: receivedAt, logger: logger)
        }
        return .pending(future.recover { [self] _ in
            // The pool stopped before the body ran (server shutting down): its place was never released.
            workers.release()
            return stopped(frame, method: method, receivedAt: receivedAt, logger: logger)
        })
    }

    /// Answers any frame (the async entry point: HTTP, tests); the same path as `dispatch`.
    func respond(to frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant, logger: Logger) async -> Vendormatch_V1_Frame {
        stats.telemetry.metrics?.requestReceived()
        let method = VendorMatchMethod(rawValue: frame.method)
        guard let method, !method.isServedInline else {
            return answerInline(frame, method: method, receivedAt: receivedAt, logger: logger)
        }
        guard workers.tryAcquire() else { return busy(frame, method: method, receivedAt: receivedAt, logger: logger) }
        defer { workers.release() }
        if method.isWrite { return await write(frame, method: method, receivedAt: receivedAt, logger: logger) }
        do {
            return try await workers.run { [self] in read(frame, method: method, receivedAt: receivedAt, logger: logger) }
        } catch {
            return stopped(frame, method: method, receivedAt: receivedAt, logger: logger)
        }
    }

    /// Answers RESOURCE_EXHAUSTED for a frame a connection could not take (its queue full), counted like any answer.
    func refuse(_ frame: Vendormatch_V1_Frame, message: String, receivedAt: ContinuousClock.Instant, logger: Logger) -> Vendormatch_V1_Frame {
        stats.telemetry.metrics?.requestReceived()
        return finish(frame, method: VendorMatchMethod(rawValue: frame.method), receivedAt: receivedAt,
                      result: .failure(Failure(code: .resourceExhausted, message: message)), tenant: nil, logger: logger)
    }

    // MARK: The three ways a call runs

    /// Health and unknown methods: in memory, on the caller's thread.
    private func answerInline(_ frame: Vendormatch_V1_Frame, method: VendorMatchMethod?, receivedAt: ContinuousClock.Instant, logger: Logger) -> Vendormatch_V1_Frame {
        let result: Result<Data, Failure>
        do {
            let (method, _, _) = try admit(frame, method: method, receivedAt: receivedAt)
            result = .success(try callInline(method, payload: frame.payload))
        } catch {
            result = .failure(Self.failure(from: error))
        }
        return finish(frame, method: method, receivedAt: receivedAt, result: result, tenant: nil, logger: logger,
                      metadata: method == .health ? catalogueMetadata(lag: true) : [:])
    }

    /// A read, entirely on a worker thread (it may block: ranking, encoding, SQLite).
    private func read(_ frame: Vendormatch_V1_Frame, method: VendorMatchMethod, receivedAt: ContinuousClock.Instant, logger: Logger) -> Vendormatch_V1_Frame {
        let result: Result<Data, Failure>
        var tenant: String?
        do {
            let (method, deadline, caller) = try admit(frame, method: method, receivedAt: receivedAt)
            tenant = caller.tenant
            try awaitCatalogueVersion(of: frame, deadline: deadline, receivedAt: receivedAt)
            let payload = try callRead(method, payload: frame.payload, caller: caller, metadata: frame.metadata)
            try check(deadline, of: frame, method: method)
            result = .success(payload)
        } catch {
            result = .failure(Self.failure(from: error))
        }
        return finish(frame, method: method, receivedAt: receivedAt, result: result, tenant: tenant, logger: logger)
    }

    /// A write: admitted, decoded and validated on a worker thread, committed by the backend (its own
    /// writer), its counts read on a worker thread again. The awaiting task does no work itself.
    private func write(_ frame: Vendormatch_V1_Frame, method: VendorMatchMethod, receivedAt: ContinuousClock.Instant, logger: Logger) async -> Vendormatch_V1_Frame {
        let result: Result<Data, Failure>
        var tenant: String?
        do {
            let prepared = try await workers.run { [self] in
                let (method, _, caller) = try admit(frame, method: method, receivedAt: receivedAt)
                return try prepareWrite(method, payload: frame.payload, caller: caller)
            }
            tenant = prepared.caller.tenant
            try await apply(prepared.change)
            let payload = try await workers.run { [self] in try response(to: prepared) }
            result = .success(payload)
        } catch {
            result = .failure(Self.failure(from: error))
        }
        // Read after the write was applied: at least its own version.
        return finish(frame, method: method, receivedAt: receivedAt, result: result, tenant: tenant, logger: logger,
                      metadata: catalogueMetadata(lag: false))
    }

    private func busy(_ frame: Vendormatch_V1_Frame, method: VendorMatchMethod, receivedAt: ContinuousClock.Instant, logger: Logger) -> Vendormatch_V1_Frame {
        let failure = Failure(code: .resourceExhausted,
                              message: "server busy: \(workers.maximumInFlight) requests in flight (the limit); retry later")
        return finish(frame, method: method, receivedAt: receivedAt, result: .failure(failure), tenant: nil, logger: logger)
    }

    private func stopped(_ frame: Vendormatch_V1_Frame, method: VendorMatchMethod, receivedAt: ContinuousClock.Instant, logger: Logger) -> Vendormatch_V1_Frame {
        finish(frame, method: method, receivedAt: receivedAt,
               result: .failure(Failure(code: .unavailable, message: "server is shutting down")), tenant: nil, logger: logger)
    }

    // MARK: Common steps

    /// The response frame of a call's result; logs failures and records the call in `stats` (and its telemetry).
    private func finish(
        _ frame: Vendormatch_V1_Frame, method: VendorMatchMethod?, receivedAt: ContinuousClock.Instant,
        result: Result<Data, Failure>, tenant: String?, logger: Logger, metadata: [String: String] = [:]
    ) -> Vendormatch_V1_Frame {
        var response: Vendormatch_V1_Frame
        switch result {
        case let .success(payload):
            response = .response(id: frame.id, method: frame.method, payload: payload)
            response.metadata = metadata
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

    /// Method lookup, authorization and the deadline: everything checked before a call starts. Reads
    /// the keys (SQLite) for every method but Health, so it runs on a worker thread for those.
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
    static func failure(from error: any Error) -> Failure {
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

    func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ payload: Data) throws(Failure) -> M {
        do {
            return try M(serializedBytes: payload)
        } catch {
            throw Failure(code: .invalidArgument, message: "payload is not a valid \(M.protoMessageName): \(error)")
        }
    }

    func encode(_ message: some SwiftProtobuf.Message) throws -> Data {
        try message.serializedBytes()
    }

    var codec: RecordCodec { backend.codec }

    /// The methods answered from memory on the caller's thread.
    private func callInline(_ method: VendorMatchMethod, payload: Data) throws -> Data {
        switch method {
        case .health:
            _ = try decode(Vendormatch_V1_HealthRequest.self, payload)
            var r = Vendormatch_V1_HealthResponse()
            let lagging = backend.catalogueLag.map { $0.duration > maximumCatalogueLag } ?? false
            r.status = isDraining() ? "DRAINING" : lagging ? "NOT_SERVING" : "SERVING"
            r.version = version
            r.uptimeMs = stats.uptimeMilliseconds
            return try encode(r)
        default:
            preconditionFailure("\(method.name) is not served inline")
        }
    }
}
