import Foundation
import VendorMatchCore
import VendorMatchStore

extension GlobalOptions {
    /// The database file: `--db`, or `./vendormatch.sqlite`.
    var databasePath: String { db ?? CatalogueStore.defaultPath }

    /// Opens (creating and migrating when needed) the catalogue named by `--db`.
    func openCatalogueStore() throws -> CatalogueStore {
        try CatalogueStore(path: databasePath)
    }
}

/// Writes one line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `12,345` — counts in summaries.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

/// `12.3 MB` — file sizes in summaries.
func byteSize(_ n: Int64) -> String {
    if n < 1024 { return "\(n) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(n) / 1024
    var unit = 0
    while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
    return String(format: "%.1f %@", value, units[unit])
}
