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
