import NIOCore
import SwiftProtobuf
import VendorMatchProto

/// Encodes `Frame`s as gRPC length-prefixed messages: flag 0, big-endian length, serialized frame
/// (see `FrameDecoder` for the layout).
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Vendormatch_V1_Frame

    public init() {}

    public func encode(data: Vendormatch_V1_Frame, out: inout ByteBuffer) throws {
        try Self.write(data, to: &out)
    }

    /// Appends one length-prefixed frame to `buffer`.
    public static func write(_ frame: Vendormatch_V1_Frame, to buffer: inout ByteBuffer) throws {
        let bytes: [UInt8] = try frame.serializedBytes()
        buffer.reserveCapacity(minimumWritableBytes: FrameDecoder.headerBytes + bytes.count)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(bytes.count), endianness: .big)
        buffer.writeBytes(bytes)
    }

    /// One length-prefixed frame as bytes (for tests and tools that write raw sockets).
    public static func bytes(_ frame: Vendormatch_V1_Frame) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try write(frame, to: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
