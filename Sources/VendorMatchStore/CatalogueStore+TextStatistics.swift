import Foundation
import GRDB
import VendorMatchCore

/// The lexical encoder's corpus statistics (vocabulary, document frequencies), stored with the
/// catalogue as one JSON blob: every engine built from this database uses them, so an engine rebuilt
/// after a restart answers exactly like the live one before it. Fitted once (the first load finds none,
/// learns them from the catalogue and saves them); live writes never change them; an import clears
/// them, so the next load fits them to the imported catalogue.
///
/// The store keeps the JSON as given (the ranking library encodes and decodes it).
extension CatalogueStore {
    /// The stored statistics' JSON, or `nil` when none are stored.
    public func loadTextStatistics() throws(VMError) -> Data? {
        try read("reading the text statistics") { db in try TextStatisticsTable.load(db) }
    }

    /// Stores the statistics' JSON, replacing any stored before.
    public func saveTextStatistics(_ json: Data) throws(VMError) {
        try write("storing the text statistics") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO text_statistics (id, json) VALUES (1, ?)", arguments: [json])
        }
    }

    /// Removes the stored statistics (the next engine learns them again).
    public func clearTextStatistics() throws(VMError) {
        try write("clearing the text statistics") { db in try TextStatisticsTable.clear(db) }
    }
}

/// The one-row `text_statistics` table, for use inside other transactions (an import clears it).
enum TextStatisticsTable {
    static func load(_ db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT json FROM text_statistics WHERE id = 1")
    }

    static func clear(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM text_statistics")
    }
}
