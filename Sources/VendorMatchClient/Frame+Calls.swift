import SwiftProtobuf
import VendorMatchProto
import VendorMatchWire

/// The two halves of a call that one server's client and the endpoints client share.
extension Vendormatch_V1_Frame {
    /// A request frame for `method`, with `deadline` as `deadline-ms` when given.
    static func call(_ method: VendorMatchMethod, _ request: some SwiftProtobuf.Message, metadata: [String: String] = [:],
                     deadline: Duration?) throws(RPCError) -> Vendormatch_V1_Frame {
        var metadata = metadata
        if let d = deadline {
            metadata[MetadataKey.deadlineMilliseconds] = "\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)"
        }
        do {
            return try .request(id: 0, method: method, message: request, metadata: metadata)
        } catch {
            throw RPCError(code: .internal, message: "cannot serialize request: \(error)")
        }
    }

    /// The response's payload as `Response`; its status as an `RPCError` when not OK.
    func decoded<Response: SwiftProtobuf.Message>(as: Response.Type = Response.self) throws(RPCError) -> Response {
        guard statusCode == .ok else { throw RPCError(code: statusCode, message: status.message, field: status.field) }
        do {
            return try Response(serializedBytes: payload)
        } catch {
            throw RPCError(code: .internal, message: "response is not a valid \(Response.protoMessageName): \(error)")
        }
    }
}
