import FuzzSupport
import NIOCore
import SwiftProtobuf
import VendorMatchProto
import VendorMatchWire

// Fuzzes `FrameDecoder` (CONTRACT §4) with a byte stream as a peer would send it.
//
// Input: byte 0 picks the frame limit (small, so `tooLarge` is reachable, or the default 4 MiB) and
// byte 1 a split point; the rest is the stream. Invariants beyond "no crash":
// - the stream fed whole and fed in two pieces decodes to the same frames and the same error;
// - an error's code is the one the failing header calls for (flag ≠ 0: compressed; length over the limit:
//   tooLarge; otherwise malformed), and no error leaves bytes of a whole frame unread;
// - every decoded frame re-encodes (`FrameEncoder`) to bytes that decode to an equal frame, whose
//   deterministic serialization (map entries sorted) is the original's;
// - the method path, when known, round-trips through `VendorMatchMethod`.

/// The executable's entry point (see `runFuzzer`).
@_cdecl("FuzzFrames_main")
public func fuzzFramesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzFrames(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let limit = input.byte() & 1 == 0 ? 64 : FrameDecoder.defaultMaximumFrameBytes
    let split = Int(input.byte())
    let stream = Array(input.bytes)

    let whole = decodeStream([stream], limit: limit)
    let cut = min(split, stream.count)
    let pieces = decodeStream([Array(stream[..<cut]), Array(stream[cut...])], limit: limit)
    fuzzCheck(whole.frames == pieces.frames, "split at \(cut) changed the frames")
    fuzzCheck(whole.error == pieces.error, "split at \(cut) changed the error: \(String(describing: whole.error)) vs \(String(describing: pieces.error))")
    fuzzCheck(whole.consumed == pieces.consumed, "split at \(cut) changed the bytes consumed")

    checkError(whole, stream: stream, limit: limit)
    for frame in whole.frames { checkReencodes(frame, limit: limit) }
    return 0
}

struct Decoded {
    var frames: [Vendormatch_V1_Frame] = []
    var error: FrameError?
    /// Bytes read by decoded frames (the reader index after the last one).
    var consumed = 0
}

/// Feeds `pieces` one after the other, decoding as far as possible after each, like a channel handler.
func decodeStream(_ pieces: [[UInt8]], limit: Int) -> Decoded {
    var decoder = FrameDecoder(maximumFrameBytes: limit)
    var buffer = ByteBuffer()
    var out = Decoded()
    var base = 0
    for piece in pieces {
        buffer.writeBytes(piece)
        while true {
            let before = buffer.readerIndex
            do {
                guard let frame = try decoder.decode(buffer: &buffer) else {
                    fuzzCheck(buffer.readerIndex == before, "a short read moved the reader index")
                    break
                }
                out.frames.append(frame)
                out.consumed = base + buffer.readerIndex
            } catch let error as FrameError {
                out.error = error
                return out
            } catch {
                fuzzCheck(false, "decode threw a non-FrameError: \(error)")
            }
        }
        // Keep offsets absolute while the buffer drops what was read.
        base += buffer.readerIndex
        buffer.discardReadBytes()
    }
    return out
}

/// A failure is the one the first undecoded header calls for; without one, no whole frame is left unread.
func checkError(_ decoded: Decoded, stream: [UInt8], limit: Int) {
    let rest = stream[decoded.consumed...]
    guard rest.count >= FrameDecoder.headerBytes else {
        fuzzCheck(decoded.error == nil, "an error from fewer than \(FrameDecoder.headerBytes) unread bytes")
        return
    }
    let flag = rest[rest.startIndex]
    let length = rest.dropFirst().prefix(4).reduce(0) { $0 << 8 | Int($1) }
    let expected: FrameError.Code?
    if flag != 0 {
        expected = .compressed
    } else if length > limit {
        expected = .tooLarge
    } else if rest.count - FrameDecoder.headerBytes < length {
        expected = nil
    } else {
        expected = .malformed
    }
    fuzzCheck(decoded.error?.code == expected, "header flag \(flag) length \(length): got \(String(describing: decoded.error?.code)), want \(String(describing: expected))")
}

func checkReencodes(_ frame: Vendormatch_V1_Frame, limit: Int) {
    let bytes: [UInt8]
    do {
        bytes = try FrameEncoder.bytes(frame)
    } catch {
        fuzzCheck(false, "a decoded frame does not encode: \(error)")
        return
    }
    var decoder = FrameDecoder(maximumFrameBytes: .max)
    var buffer = ByteBuffer(bytes: bytes)
    let again: Vendormatch_V1_Frame?
    do {
        again = try decoder.decode(buffer: &buffer)
    } catch {
        fuzzCheck(false, "a re-encoded frame does not decode: \(error)")
        return
    }
    fuzzCheck(again == frame, "a re-encoded frame decodes to another frame")
    fuzzCheck(buffer.readableBytes == 0, "a re-encoded frame leaves \(buffer.readableBytes) bytes")
    // Map entries (metadata) are written in dictionary order, which protobuf leaves open: stable bytes are
    // asked of the deterministic ordering only.
    fuzzCheck(deterministicBytes(again!) == deterministicBytes(frame), "the frame's bytes change through a re-encoding")
    if let method = VendorMatchMethod(rawValue: frame.method) {
        fuzzCheck(method.path == frame.method && !method.name.isEmpty, "method \(frame.method) does not round-trip")
    }
    _ = frame.statusCode
}

/// The frame's serialization with map entries in key order.
func deterministicBytes(_ frame: Vendormatch_V1_Frame) -> [UInt8]? {
    var options = BinaryEncodingOptions()
    options.useDeterministicOrdering = true
    return try? frame.serializedBytes(options: options)
}
