import Foundation
import FuzzSupport
import VendorMatchCore

// Fuzzes the JSON Lines record parser: `JSONLines` + `JSONParser` + `RecordCodec` as the importer's
// `ImportParser` runs them, and the request files' path.
//
// Input: byte 0 picks the file kind (vendors, case studies, referrals, requests), byte 1 a chunk size for
// the importer's parser; the rest is the file. Invariants beyond "no crash":
// - every parsed value serializes to text that parses back to an equal value;
// - an accepted record round-trips: record → canonical JSON → parse → validate gives the same record, and
//   its canonical JSON is stable;
// - the importer's parser, cutting the file into chunks of 1–256 bytes, gives the same lines (numbers, ids,
//   records, canonical bytes, errors) as `JSONLines` line by line, and counts every line of the file.

/// The executable's entry point (see `runFuzzer`).
@_cdecl("FuzzJSONLines_main")
public func fuzzJSONLinesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzJSONLines(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.byte() % 4
    let chunkBytes = 1 + Int(input.byte())
    let file = Data(input.bytes)

    let direct = parseLines(file, kind: selector)
    guard selector < 3 else { return 0 }
    let kind = RecordKind.allCases[Int(selector)]
    // Chunks of 1–256 bytes: mostly several per file; one when the file is shorter.
    let chunked = importLines(file, kind: kind, chunkBytes: chunkBytes)
    fuzzCheck(chunked.lines == direct, "the importer's parser (chunks of \(chunkBytes) bytes) and JSONLines disagree:\n\(chunked.lines)\n\(direct)")
    let lineCount = file.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (file.last.map { $0 != 0x0A } ?? false ? 1 : 0)
    fuzzCheck(chunked.lastLine == lineCount, "the last chunk ends at line \(chunked.lastLine) of \(lineCount)")
    return 0
}

/// One line's outcome, comparable across the two parsers.
struct LineOutcome: Equatable, CustomStringConvertible {
    var line: Int
    var rawID: String?
    /// The canonical JSON of the accepted record, or the error's text.
    var result: Result<[UInt8], RecordError>

    var description: String {
        switch result {
        case let .success(json): return "\(line) \(rawID ?? "-") \(String(decoding: json, as: UTF8.self))"
        case let .failure(error): return "\(line) \(rawID ?? "-") \(error)"
        }
    }
}

/// `JSONLines` + `RecordCodec`, checking each value's and each record's round trip.
func parseLines(_ file: Data, kind selector: UInt8) -> [LineOutcome] {
    let fileName = selector < 3 ? RecordKind.allCases[Int(selector)].fileName : "requests.jsonl"
    var out: [LineOutcome] = []
    file.withUnsafeBytes { bytes in
        JSONLines.forEachLine(in: bytes, file: fileName, onError: { error in
            out.append(LineOutcome(line: error.line, rawID: nil, result: .failure(error)))
        }) { line, value in
            checkValueRoundTrip(value)
            let rawID: String? = if case let .string(s)? = value["id"] { s } else { nil }
            let validated: Result<JSONValue, FieldError>
            switch selector {
            case 0: validated = roundTrip(value, fuzzCodec.vendor, RecordCodec.json)
            case 1: validated = roundTrip(value, fuzzCodec.caseStudy, RecordCodec.json)
            case 2: validated = roundTrip(value, fuzzCodec.referral, RecordCodec.json)
            default: validated = roundTrip(value, fuzzCodec.request, RecordCodec.json)
            }
            switch validated {
            case let .success(json):
                var bytes: [UInt8] = []
                json.write(to: &bytes)
                out.append(LineOutcome(line: line, rawID: rawID, result: .success(bytes)))
            case let .failure(error):
                out.append(LineOutcome(line: line, rawID: rawID, result: .failure(
                    RecordError(file: fileName, line: line, field: error.field, reason: error.reason))))
            }
        }
    }
    return out
}

/// A parsed value's text parses back to the same value.
func checkValueRoundTrip(_ value: JSONValue) {
    let text = value.serialized()
    guard let again = try? JSONParser.parse(text) else {
        fuzzCheck(false, "serialized value does not parse: \(text)")
        return
    }
    fuzzCheck(again == value, "value changes through its text \(text)")
}

/// Validates `value`; an accepted record must come back the same from its canonical JSON, whose text is stable.
func roundTrip<Record: Equatable>(
    _ value: JSONValue, _ decode: (JSONValue) throws(FieldError) -> Record, _ encode: (Record) -> JSONValue
) -> Result<JSONValue, FieldError> {
    let record: Record
    do { record = try decode(value) } catch { return .failure(error) }
    let json = encode(record)
    let text = json.serialized()
    do {
        let again = try decode(try JSONParser.parse(text))
        fuzzCheck(again == record, "record changes through its canonical JSON \(text)")
        fuzzCheck(encode(again).serialized() == text, "canonical JSON is not stable: \(text)")
    } catch {
        fuzzCheck(false, "canonical JSON \(text) is refused: \(error)")
    }
    return .success(json)
}

/// The importer's parser, run to completion on this thread.
func importLines(_ file: Data, kind: RecordKind, chunkBytes: Int) -> (lines: [LineOutcome], lastLine: Int) {
    let channel = ParsedChunkChannel(capacity: Int.max)
    var parser = ImportParser(codec: fuzzCodec)
    parser.chunkBytes = chunkBytes
    parser.parse([(kind, file)], into: channel)
    var lines: [LineOutcome] = []
    var lastLine = 0
    var sawEnd = false
    while let chunk = channel.take() {
        fuzzCheck(!sawEnd, "a chunk after the end of the file")
        fuzzCheck(chunk.lastLine >= lastLine, "chunk line numbers go back")
        lastLine = chunk.lastLine
        sawEnd = chunk.endOfFile
        for parsed in chunk.lines {
            fuzzCheck(parsed.line <= chunk.lastLine, "line \(parsed.line) after its chunk's end \(chunk.lastLine)")
            switch parsed.content {
            case let .record(record, json):
                fuzzCheck(record.id == parsed.rawID, "record id \(record.id) is not the raw id")
                lines.append(LineOutcome(line: parsed.line, rawID: parsed.rawID, result: .success(json)))
            case let .invalid(error):
                lines.append(LineOutcome(line: parsed.line, rawID: parsed.rawID, result: .failure(error)))
            }
        }
    }
    fuzzCheck(sawEnd || file.isEmpty, "no chunk marked the end of the file")
    return (lines, lastLine)
}
