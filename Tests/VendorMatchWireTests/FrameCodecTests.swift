import Foundation
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
import VendorMatchProto
import VendorMatchWire

@Suite("Frame codec")
struct FrameCodecTests {
    static func frame(id: UInt64, method: String = VendorMatchMethod.health.path, payload: [UInt8] = [], metadata: [String: String] = [:]) -> Vendormatch_V1_Frame {
        var f = Vendormatch_V1_Frame()
        f.id = id
        f.method = method
        f.payload = Data(payload)
        f.metadata = metadata
        return f
    }

    static func encoded(_ frame: Vendormatch_V1_Frame) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try FrameEncoder.write(frame, to: &buffer)
        return buffer
    }

    @Test func decoderPassesTheVerifier() throws {
        let frames = [
            Vendormatch_V1_Frame(),
            Self.frame(id: 1),
            Self.frame(id: 2, method: VendorMatchMethod.shortlist.path, payload: Array("x".utf8), metadata: ["authorization": "Bearer t", "deadline-ms": "50"]),
            Self.frame(id: .max, payload: [UInt8](repeating: 7, count: 300)),
        ]
        let pairs = try frames.map { (try Self.encoded($0), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder() }
    }

    @Test func encoderWritesFlagLengthAndFrame() throws {
        let f = Self.frame(id: 42, payload: [1, 2, 3])
        var buffer = try Self.encoded(f)
        let serialized: [UInt8] = try f.serializedBytes()
        #expect(buffer.readInteger(as: UInt8.self) == 0)
        #expect(buffer.readInteger(endianness: .big, as: UInt32.self) == UInt32(serialized.count))
        #expect(buffer.readBytes(length: buffer.readableBytes) == serialized)
    }

    @Test func rejectsOversizedFrameBeforePayloadArrives() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var header = ByteBuffer()
        header.writeInteger(UInt8(0))
        header.writeInteger(UInt32(64 << 20), endianness: .big)
        #expect(throws: FrameError.self) { try channel.writeInbound(header) }
        do {
            try channel.writeInbound(header)
        } catch let error as FrameError {
            #expect(error.code == .tooLarge)
            #expect(error.code.status == .resourceExhausted)
        } catch {
            // After the first error the handler refuses further input in its own way; either is a refusal.
        }
        _ = try? channel.finish()
    }

    @Test(arguments: [4 * 1024 * 1024, 1024])
    func acceptsFrameAtTheLimitAndRefusesOneByteMore(limit: Int) throws {
        var decoder = FrameDecoder(maximumFrameBytes: limit)
        var atLimit = ByteBuffer()
        atLimit.writeInteger(UInt8(0))
        atLimit.writeInteger(UInt32(limit), endianness: .big)
        // Only the header: not refused, waits for the payload, reader index rewound.
        #expect(try decoder.decode(buffer: &atLimit) == nil)
        #expect(atLimit.readerIndex == 0)

        var over = ByteBuffer()
        over.writeInteger(UInt8(0))
        over.writeInteger(UInt32(limit + 1), endianness: .big)
        #expect(throws: FrameError(.tooLarge, "frame of \(limit + 1) bytes exceeds the limit of \(limit) bytes")) {
            try decoder.decode(buffer: &over)
        }
    }

    @Test func refusesCompressionFlag() throws {
        var decoder = FrameDecoder()
        var buffer = try Self.encoded(Self.frame(id: 1))
        buffer.setInteger(UInt8(1), at: buffer.readerIndex)
        do {
            _ = try decoder.decode(buffer: &buffer)
            Issue.record("compressed frame accepted")
        } catch let error as FrameError {
            #expect(error.code == .compressed)
        }
    }

    @Test func refusesPayloadThatIsNotAFrame() throws {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(3), endianness: .big)
        buffer.writeBytes([0xFF, 0xFF, 0xFF])
        do {
            _ = try decoder.decode(buffer: &buffer)
            Issue.record("garbage accepted")
        } catch let error as FrameError {
            #expect(error.code == .malformed)
            #expect(error.code.status == .invalidArgument)
        }
    }

    @Test func rewindsWhenPayloadIsShort() throws {
        var decoder = FrameDecoder()
        let whole = try Self.encoded(Self.frame(id: 9, payload: Array("hello".utf8)))
        var partial = whole.getSlice(at: 0, length: whole.readableBytes - 1)!
        #expect(try decoder.decode(buffer: &partial) == nil)
        #expect(partial.readerIndex == 0)
        var full = whole
        #expect(try decoder.decode(buffer: &full)?.id == 9)
        #expect(full.readableBytes == 0)
    }
}

@Suite("Latency histogram")
struct LatencyHistogramTests {
    @Test func percentilesOfUniformValuesAreWithinThreePercent() {
        var h = LatencyHistogram()
        for v in 1...10_000 { h.record(UInt64(v)) }
        for (p, exact) in [(50.0, 5_000.0), (90.0, 9_000.0), (99.0, 9_900.0)] {
            let got = Double(h.value(atPercentile: p))
            #expect(got >= exact && got <= exact * 1.035, "p\(p): \(got)")
        }
        #expect(h.max == 10_000)
        #expect(h.min == 1)
        #expect(h.count == 10_000)
    }

    @Test func smallValuesAreExactAndMergeAddsCounts() {
        var a = LatencyHistogram(), b = LatencyHistogram()
        for v in 0..<32 { a.record(UInt64(v)) }
        b.record(1_000_000)
        a.merge(b)
        #expect(a.count == 33)
        #expect(a.value(atPercentile: 50) == 16)
        #expect(a.value(atPercentile: 100) == 1_000_000)
        #expect(LatencyHistogram().value(atPercentile: 99) == 0)
    }
}
