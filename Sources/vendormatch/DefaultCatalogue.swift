import Foundation
import VendorMatchCore
import VendorMatchDemo
import VendorMatchStore

/// The built-in demo catalogue written into a new default database.
enum DefaultCatalogue {
    static let vendors = 2000
    static let seed: UInt64 = DemoMarket.defaultSeed

    static func seed(_ store: CatalogueStore, taxonomy: Taxonomy) throws {
        let market = DemoMarket.generate(vendors: vendors, seed: seed, requests: 0, taxonomy: taxonomy)
        let c = market.catalogue
        do {
            try store.upsert(c)
        } catch {
            // Nothing half-seeded is left behind as the default.
            try? FileManager.default.removeItem(atPath: store.path)
            throw error
        }
        printError("vendormatch: no --db given and \(store.path) did not exist: created it with the built-in demo market (\(c.vendors.count) vendors, \(c.caseStudies.count) case studies, \(c.referrals.count) referrals; `vendormatch demo-data --seed \(seed)` writes the same market as files)")
    }
}
