import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import VendorMatchCore

@main
struct VendorMatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vendormatch",
        abstract: "Ranks business-service vendors for a buyer by experience, referral trust and quality.",
        discussion: """
        Vendors, case studies and referrals live in a SQLite catalogue (--db, default ./vendormatch.sqlite,
        seeded with a demo market on first use). Data files are JSON Lines as described in README.md.
        Exit status: 0 success, 2 bad input (the message names file, line and field), 1 other failure.
        """,
        subcommands: [
            TaxonomyCommand.self,
            ImportCommand.self,
            ExportCommand.self,
            StatsCommand.self,
            ShortlistCommand.self,
            FeaturesCommand.self,
            CasesCommand.self,
            BenchCommand.self,
            DemoDataCommand.self,
            EvalCommand.self,
            TrainCommand.self,
            ReportCommand.self,
            ServeCommand.self,
            KeysCommand.self,
            ClientCommand.self,
            LoadgenCommand.self,
            BenchEncoderCommand.self,
            BenchNeighboursCommand.self,
            EmbedCommand.self,
            ModelCommand.self,
        ]
    )

    /// Runs the chosen verb. Usage errors (unknown flags, bad values) exit 2 like every other bad
    /// input, not ArgumentParser's 64; `--help` still exits 0.
    static func main() async {
        #if canImport(Glibc)
        // Per-request scoring buffers are megabytes at a million case studies: keep them on the heap
        // for reuse instead of mapping (and page-faulting in) fresh memory for every request.
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 512 << 20)
        _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
        #endif
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

#if canImport(Glibc)
/// glibc's `mallopt` (its header is not part of the Glibc module).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Options every verb shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (default: ./vendormatch.sqlite, created with the demo market).")
    var db: String?

    @Option(name: .long, help: "Catalogue in PostgreSQL: postgres://USER@HOST:PORT/DB (default: $VENDORMATCH_STORE; without either, the SQLite --db).")
    var store: String?

    @Option(name: .long, help: "Ranking model file (default: Models/ranking-model.json).")
    var model: String?

    @Option(name: .long, help: "Need similarity: auto (hybrid when need vectors are stored, as `import` does by default; `serve` computes missing ones in the background), lexical, hybrid.")
    var needEncoder: NeedEncoderMode = .auto

    @Option(name: .long, help: "Models directory (default: $VENDORMATCH_MODELS, ./Models, or beside the executable).")
    var models: String?

    func taxonomy() throws -> Taxonomy {
        try Taxonomy.load(modelsDirectory: try ModelsDirectory.locate(explicit: models))
    }
}

/// Prints a user-facing error and exits 2 for bad input, 1 otherwise.
func exitWith(_ error: any Error) -> Never {
    let code: Int32
    if let e = error as? VMError {
        FileHandle.standardError.write(Data("vendormatch: \(e.description)\n".utf8))
        code = e.code == .invalidInput ? 2 : 1
    } else if let e = error as? FieldError {
        FileHandle.standardError.write(Data("vendormatch: \(e.description)\n".utf8))
        code = 2
    } else {
        FileHandle.standardError.write(Data("vendormatch: \(error)\n".utf8))
        code = 1
    }
    exit(code)
}
