import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchStore

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Writes the catalogue as vendors.jsonl, case_studies.jsonl and referrals.jsonl into a directory.",
        discussion: """
        One record per line in canonical JSON, sorted by id; each file is replaced atomically. A kind with \
        no records gets no file (an earlier export's file of that kind is removed), so the directory always \
        imports back to the same catalogue.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Directory to write (created if missing).")
    var directory: String

    func run() async throws {
        do {
            let store = try global.openStore()
            let summary = if let sqlite = store as? CatalogueStore {
                try Exporter(store: sqlite).export(to: directory)
            } else {
                try Exporter.export(try store.loadCatalogue(), to: directory)
            }
            print("exported \(store.location) to \(directory)")
            for f in summary.files {
                print("  \(f.kind.fileName.padding(toLength: 20, withPad: " ", startingAt: 0))\(grouped(f.records)) records, \(byteSize(Int64(f.bytes)))")
            }
            for name in summary.removed { print("  \(name.padding(toLength: 20, withPad: " ", startingAt: 0))removed (no records)") }
            if summary.files.isEmpty { print("  the catalogue is empty: no files written") }
        } catch {
            exitWith(error)
        }
    }
}
