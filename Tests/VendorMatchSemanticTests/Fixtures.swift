import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchSemantic

/// The repository's own Models/ directory.
func repositoryModels() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models")
}

/// One line of a fixture file made by `Tools/make_minilm_fixtures.py` with the reference implementation.
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    var line: Int
    var text: String
    var numbers: [Double]
    var testDescription: String { "line \(line): \(text.prefix(40).debugDescription)" }
}

func loadFixture(_ name: String, field: String) -> [ReferenceCase] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    var cases: [ReferenceCase] = []
    let data = try! Data(contentsOf: url)
    data.withUnsafeBytes { bytes in
    JSONLines.forEachLine(in: bytes, file: name, onError: { fatalError("\($0)") }) { line, value in
        guard case let .string(text)? = value["text"], case let .array(items)? = value[field] else {
            fatalError("\(name):\(line): needs text and \(field)")
        }
        cases.append(ReferenceCase(line: line, text: text, numbers: items.map { item in
            guard case let .number(v) = item else { fatalError("\(name):\(line): \(field) must hold numbers") }
            return v
        }))
    }
    }
    return cases
}

let tokenCases = loadFixture("tokens.jsonl", field: "ids")
let embeddingCases = loadFixture("embeddings.jsonl", field: "embedding")
let sharedEncoder: MiniLMEncoder = try! MiniLMEncoder(modelsDirectory: repositoryModels())

/// One line of `embeddings-1000.jsonl`: a text and its reference vector, stored exactly
/// (`"f32le"`: base64 of 384 little-endian float32; see `Tools/make_minilm_fixtures.py`).
struct ReferenceVector: Sendable {
    var line: Int
    var text: String
    var vector: [Float]
}

func loadFloat32Fixture(_ name: String) -> [ReferenceVector] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    var cases: [ReferenceVector] = []
    let data = try! Data(contentsOf: url)
    data.withUnsafeBytes { bytes in
        JSONLines.forEachLine(in: bytes, file: name, onError: { fatalError("\($0)") }) { line, value in
            guard case let .string(text)? = value["text"], case let .string(blob)? = value["f32le"],
                  let vector = Float32Base64.decode(blob) else {
                fatalError("\(name):\(line): needs text and f32le (base64 of little-endian float32)")
            }
            cases.append(ReferenceVector(line: line, text: text, vector: vector))
        }
    }
    return cases
}

let thousandCases = loadFloat32Fixture("embeddings-1000.jsonl")
