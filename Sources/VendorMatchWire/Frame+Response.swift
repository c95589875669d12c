import Foundation
import SwiftProtobuf
import VendorMatchProto

extension Vendormatch_V1_Frame {
    /// A request frame for `method` carrying `message`.
    public static func request(
        id: UInt64, method: VendorMatchMethod, message: some SwiftProtobuf.Message, metadata: [String: String] = [:]
    ) throws -> Vendormatch_V1_Frame {
        var frame = Vendormatch_V1_Frame()
        frame.id = id
        frame.method = method.path
        frame.payload = try message.serializedBytes()
        frame.metadata = metadata
        return frame
    }

    /// The single, final response frame of a successful unary call.
    public static func response(id: UInt64, method: String, payload: Data) -> Vendormatch_V1_Frame {
        var frame = Vendormatch_V1_Frame()
        frame.id = id
        frame.method = method
        frame.payload = payload
        frame.endOfStream = true
        return frame
    }

    /// The single, final response frame of a failed call.
    public static func failure(
        id: UInt64, method: String, code: StatusCode, message: String, field: String? = nil
    ) -> Vendormatch_V1_Frame {
        var frame = Vendormatch_V1_Frame()
        frame.id = id
        frame.method = method
        frame.status.code = code.rawValue
        frame.status.message = message
        if let field { frame.status.field = field }
        frame.endOfStream = true
        return frame
    }

    /// The status code of a response frame (OK when no status is set).
    public var statusCode: StatusCode { StatusCode(rawValue: hasStatus ? status.code : 0) }
}
