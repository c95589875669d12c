import NIOCore
import SwiftProtobuf
import VendorMatchProto

/// Decodes the byte stream of a connection into `Frame`s (CONTRACT §4).
///
/// Each message is one gRPC length-prefixed message:
/// ```
/// +-------------+-----------------------------+--------------------------------------+
/// | flag (1 B)  | length (4 B, big-endian)    | payload (length bytes)               |
/// | 0 = plain   | bytes of payload that follow| a serialized vendormatch.v1.Frame     |
/// +-------------+-----------------------------+--------------------------------------+
/// ```
/// The header is checked as soon as its 5 bytes are in: a set compression flag or a length above
/// `maximumFrameBytes` fails at once, before any of the payload has arrived (so a peer cannot make the
/// server buffer 64 MiB just by announcing it). When the payload is not complete yet, the reader index is
/// rewound to the start of the header and the decoder waits for more bytes.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Vendormatch_V1_Frame

    /// Length of the prefix: flag plus length.
    public static let headerBytes = 5
    /// The default limit on a frame's payload: 4 MiB.
    public static let defaultMaximumFrameBytes = 4 * 1024 * 1024

    /// The largest payload accepted.
    public let maximumFrameBytes: Int

    public init(maximumFrameBytes: Int = FrameDecoder.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> Vendormatch_V1_Frame? {
        let start = buffer.readerIndex
        guard let flag = buffer.readInteger(as: UInt8.self),
              let length = buffer.readInteger(endianness: .big, as: UInt32.self)
        else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        guard flag == 0 else {
            throw FrameError(.compressed, "compression flag \(flag) is not supported; send uncompressed frames (flag 0)")
        }
        guard Int(length) <= maximumFrameBytes else {
            throw FrameError(.tooLarge, "frame of \(length) bytes exceeds the limit of \(maximumFrameBytes) bytes")
        }
        guard let bytes = buffer.readBytes(length: Int(length)) else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        do {
            return try Vendormatch_V1_Frame(serializedBytes: bytes)
        } catch {
            throw FrameError(.malformed, "frame payload is not a vendormatch.v1.Frame: \(error)")
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Vendormatch_V1_Frame? {
        // A partial frame at EOF is dropped: the peer went away mid-message and there is no one to answer.
        try decode(buffer: &buffer)
    }
}
