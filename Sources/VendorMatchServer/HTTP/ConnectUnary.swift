import Foundation
import NIOHTTP1
import SwiftProtobuf
import VendorMatchCore
import VendorMatchProto
import VendorMatchWire

/// Connect unary calls (connectrpc.com/docs/protocol) over the single request path: the HTTP request
/// becomes a wire-protocol `Frame` (method path, binary payload, `authorization` and `deadline-ms`
/// metadata), the router answers it, and the response frame becomes the HTTP response. Nothing here
/// validates a request: a JSON body is only parsed into the method's request message and serialized.
struct ConnectUnary: Sendable {
    /// The router's entry point (`VendorMatchServer.respond(to:receivedAt:logger:)`).
    let call: @Sendable (Vendormatch_V1_Frame, ContinuousClock.Instant) async -> Vendormatch_V1_Frame

    enum Codec: Sendable {
        case json, proto
        var contentType: String { self == .json ? "application/json" : "application/proto" }
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let method = VendorMatchMethod(rawValue: request.path) else {
            return Self.error(.unimplemented, "unknown method \"\(request.path)\"; methods are \(VendorMatchMethod.allCases.map(\.path).joined(separator: ", "))", status: .notFound)
        }
        guard request.method == .POST else {
            return Self.error(.unimplemented, "\(method.name) takes POST (Connect unary)", status: .methodNotAllowed, headers: [("Allow", "POST")])
        }
        let mediaType = (request.header("Content-Type") ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        let codec: Codec
        switch mediaType {
        case "application/json": codec = .json
        case "application/proto": codec = .proto
        default:
            return HTTPResponse.text(.unsupportedMediaType, "Content-Type must be application/json or application/proto, got \"\(mediaType)\"\n",
                                     headers: [("Accept-Post", "application/json, application/proto")])
        }
        if let encoding = request.header("Content-Encoding")?.lowercased(), encoding != "identity" {
            return Self.error(.unimplemented, "Content-Encoding \"\(encoding)\" is not supported; send identity", headers: [("Accept-Encoding", "identity")])
        }
        if let version = request.header("Connect-Protocol-Version"), version != "1" {
            return Self.error(.invalidArgument, "Connect-Protocol-Version must be 1, got \"\(version)\"")
        }

        var frame = Vendormatch_V1_Frame()
        frame.id = 1
        frame.method = method.path
        if let authorization = request.header("Authorization") { frame.metadata[MetadataKey.authorization] = authorization }
        if let timeout = request.header("Connect-Timeout-Ms") {
            guard (1...10).contains(timeout.count), timeout.allSatisfy(\.isASCII), UInt64(timeout) != nil else {
                return Self.error(.invalidArgument, "Connect-Timeout-Ms must be 1 to 10 digits, got \"\(timeout)\"")
            }
            frame.metadata[MetadataKey.deadlineMilliseconds] = timeout
        }
        switch codec {
        case .proto:
            frame.payload = Data(request.body.readableBytesView)
        case .json:
            do {
                frame.payload = try Self.binary(fromJSON: request.bodyBytes, of: Self.types(method).request)
            } catch let failure as JSONBodyError {
                return Self.error(.invalidArgument, failure.message)
            } catch {
                return Self.error(.invalidArgument, "invalid JSON body: \(error)")
            }
        }

        let response = await call(frame, request.receivedAt)
        var headers: [(String, String)] = response.metadata.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let code = response.statusCode
        guard code == .ok else {
            return Self.error(code, response.status.message, headers: headers)
        }
        switch codec {
        case .proto:
            return HTTPResponse(status: .ok, contentType: codec.contentType, body: Array(response.payload), headers: headers)
        case .json:
            do {
                let json = try Self.json(fromBinary: response.payload, of: Self.types(method).response)
                return HTTPResponse(status: .ok, contentType: codec.contentType, body: json, headers: headers)
            } catch {
                headers.removeAll()
                return Self.error(.internal, "internal error: response not representable as JSON: \(error)")
            }
        }
    }

    // MARK: - Messages

    /// The request and response messages of each method.
    static func types(_ method: VendorMatchMethod) -> (request: any SwiftProtobuf.Message.Type, response: any SwiftProtobuf.Message.Type) {
        switch method {
        case .shortlist: return (Vendormatch_V1_ShortlistRequest.self, Vendormatch_V1_ShortlistResponse.self)
        case .findCaseStudies: return (Vendormatch_V1_FindCaseStudiesRequest.self, Vendormatch_V1_FindCaseStudiesResponse.self)
        case .upsertVendors: return (Vendormatch_V1_UpsertVendorsRequest.self, Vendormatch_V1_WriteResponse.self)
        case .upsertCaseStudies: return (Vendormatch_V1_UpsertCaseStudiesRequest.self, Vendormatch_V1_WriteResponse.self)
        case .recordReferrals: return (Vendormatch_V1_RecordReferralsRequest.self, Vendormatch_V1_WriteResponse.self)
        case .recordOutcomes: return (Vendormatch_V1_RecordOutcomesRequest.self, Vendormatch_V1_WriteResponse.self)
        case .getVendor: return (Vendormatch_V1_GetVendorRequest.self, Vendormatch_V1_GetVendorResponse.self)
        case .deleteVendor: return (Vendormatch_V1_DeleteVendorRequest.self, Vendormatch_V1_DeleteVendorResponse.self)
        case .health: return (Vendormatch_V1_HealthRequest.self, Vendormatch_V1_HealthResponse.self)
        case .stats: return (Vendormatch_V1_StatsRequest.self, Vendormatch_V1_StatsResponse.self)
        }
    }

    struct JSONBodyError: Error { var message: String }

    /// The proto3 JSON mapping of a request (unknown fields ignored, an empty body is the empty message)
    /// re-serialized in the binary format. A value of the wrong type is reported with its field's name.
    static func binary<M: SwiftProtobuf.Message>(fromJSON bytes: [UInt8], of type: M.Type) throws -> Data {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return Data() }
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        do {
            let message = try M(jsonUTF8Bytes: bytes, options: options)
            return try message.serializedBytes()
        } catch {
            throw JSONBodyError(message: describe(error, in: bytes, of: type, options: options))
        }
    }

    /// Names the top-level field whose value does not parse, by parsing each field alone.
    private static func describe<M: SwiftProtobuf.Message>(_ error: any Error, in bytes: [UInt8], of type: M.Type, options: JSONDecodingOptions) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            return "body is not valid JSON (\(error))"
        }
        guard let fields = object as? [String: Any] else {
            return "body must be a JSON object (\(M.protoMessageName))"
        }
        for key in fields.keys.sorted() {
            guard let value = fields[key],
                  let single = try? JSONSerialization.data(withJSONObject: [key: value], options: [.fragmentsAllowed]) else { continue }
            if (try? M(jsonUTF8Bytes: single, options: options)) == nil {
                return "field \"\(snakeCase(key))\": invalid value for \(M.protoMessageName) (\(error))"
            }
        }
        return "invalid \(M.protoMessageName) JSON (\(error))"
    }

    private static func snakeCase(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }

    /// A response payload in the proto3 JSON mapping (lowerCamelCase names, as Connect clients expect).
    static func json<M: SwiftProtobuf.Message>(fromBinary payload: Data, of type: M.Type) throws -> [UInt8] {
        let message = try M(serializedBytes: payload)
        return try message.jsonUTF8Bytes()
    }

    // MARK: - Errors

    /// Connect's name and HTTP status of each gRPC code.
    static func connectCode(_ code: StatusCode) -> (name: String, status: HTTPResponseStatus) {
        switch code.rawValue {
        case 1: return ("canceled", .custom(code: 499, reasonPhrase: "Client Closed Request"))
        case 3: return ("invalid_argument", .badRequest)
        case 4: return ("deadline_exceeded", .gatewayTimeout)
        case 5: return ("not_found", .notFound)
        case 6: return ("already_exists", .conflict)
        case 7: return ("permission_denied", .forbidden)
        case 8: return ("resource_exhausted", .tooManyRequests)
        case 9: return ("failed_precondition", .badRequest)
        case 10: return ("aborted", .conflict)
        case 11: return ("out_of_range", .badRequest)
        case 12: return ("unimplemented", .notImplemented)
        case 13: return ("internal", .internalServerError)
        case 14: return ("unavailable", .serviceUnavailable)
        case 15: return ("data_loss", .internalServerError)
        case 16: return ("unauthenticated", .unauthorized)
        default: return ("unknown", .internalServerError)
        }
    }

    /// A Connect error: `{"code": "…", "message": "…"}` with the code's HTTP status (or `status`).
    static func error(_ code: StatusCode, _ message: String, status: HTTPResponseStatus? = nil, headers: [(String, String)] = []) -> HTTPResponse {
        let (name, mapped) = connectCode(code)
        let body = JSONValue.object([("code", .string(name)), ("message", .string(message))]).serialized()
        return HTTPResponse(status: status ?? mapped, contentType: "application/json", body: Array(body.utf8), headers: headers)
    }
}
