import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Imports vendors.jsonl, case_studies.jsonl and referrals.jsonl from a directory into the database.",
        discussion: """
        Any subset of the three files may be present. Records are validated (required fields, types, \
        taxonomy codes, size bands, ISO region and language codes), ids must be unique within a file, and \
        every vendor_id must name a vendor in the database or in this import. The import is all or \
        nothing: on any error nothing is written, up to 20 errors are listed as file:line: field "…": \
        reason, and the exit status is 2. A record whose id already exists replaces it (upsert). An \
        import also clears the text statistics stored in the database (the lexical need encoder's \
        vocabulary and document frequencies): the next command that builds the ranking engine (serve, \
        shortlist, cases, eval --db) fits them again to the imported catalogue and stores them. Live \
        writes through serve never change them, so a restart ranks exactly like the running server. \
        Then the MiniLM vectors of case-study needs that have none are computed on both cores and stored \
        (progress on stderr); --no-embed skips that, and the ranking verbs stay lexical until `embed` or \
        `serve` computes them.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Directory holding the data files.")
    var directory: String

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "Skip computing MiniLM vectors of the new case-study needs (the semantic channel; `serve` computes them in the background, `embed` stores them later).")
    var noEmbed = false

    @Flag(help: .hidden) var embed = false  // the default since vectors are computed at import; kept for old scripts

    func run() async throws {
        do {
            let taxonomy = try global.taxonomy()
            let store = try global.openStore()
            let showProgress = isatty(STDERR_FILENO) != 0 || Self.totalBytes(directory) >= 64 << 20
            let summary = try store.importDirectory(directory, taxonomy: taxonomy, progress: showProgress ? { p in
                printError("  \(p.file): line \(grouped(p.line))…")
            } : nil)
            print(json ? Self.json(summary, path: store.location).serialized() : Self.text(summary, path: store.location))
            // Need vectors live in the SQLite store only (the PostgreSQL store keeps the catalogue of record).
            if !noEmbed, let store = store as? CatalogueStore {
                let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
                if try SemanticChannel.encoder(modelsDirectory: modelsDirectory) != nil {
                    let n = try SemanticChannel.embedMissing(store: store, modelsDirectory: modelsDirectory)
                    if n > 0 { printError("stored \(grouped(n)) need vectors") }
                }
            }
        } catch let failure as ImportFailure {
            printError("vendormatch import: " + failure.description)
            throw ExitCode(2)
        } catch {
            exitWith(error)
        }
    }

    static func totalBytes(_ directory: String) -> Int64 {
        RecordKind.allCases.reduce(0) { sum, kind in
            let path = URL(fileURLWithPath: directory).appendingPathComponent(kind.fileName).path
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
            return sum + size
        }
    }

    static func text(_ s: ImportSummary, path: String) -> String {
        var lines = [
            "imported \(grouped(s.records)) records into \(path) in \(String(format: "%.2f", s.seconds)) s: "
                + "\(grouped(Int(s.recordsPerSecond.rounded()))) records/s (\(grouped(Int(s.recordsPerCPUSecond.rounded()))) per CPU second)",
        ]
        for f in s.files {
            lines.append("  \(f.kind.fileName.padding(toLength: 20, withPad: " ", startingAt: 0))\(grouped(f.records)) records: \(grouped(f.inserted)) inserted, \(grouped(f.updated)) updated")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ s: ImportSummary, path: String) -> JSONValue {
        .object([
            ("database", .string(path)),
            ("records", .number(Double(s.records))),
            ("seconds", .number(s.seconds)),
            ("records_per_second", .number(s.recordsPerSecond.rounded())),
            ("cpu_seconds", .number(s.cpuSeconds)),
            ("records_per_cpu_second", .number(s.recordsPerCPUSecond.rounded())),
            ("files", .object(s.files.map { f in
                (f.kind.fileName, .object([
                    ("records", .number(Double(f.records))), ("inserted", .number(Double(f.inserted))),
                    ("updated", .number(Double(f.updated))), ("bytes", .number(Double(f.bytes))),
                ]))
            })),
        ])
    }
}
