import Foundation
import NIOCore
import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// The lexical encoder's corpus statistics in PostgreSQL: one row, shared by every ranker.
extension PostgresCatalogueStore {
    public func loadTextStatistics() throws(VMError) -> Data? {
        try reader.withSession("reading the text statistics") { s in
            try s.query("SELECT json FROM text_statistics WHERE id = 1").first.map { row in
                var buffer = try row.decode(ByteBuffer.self)
                return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
            }
        }
    }

    public func saveTextStatistics(_ json: Data) throws(VMError) {
        let buffer = ByteBuffer(bytes: json)
        try db.withSession("storing the text statistics") { s in
            try s.execute("INSERT INTO text_statistics (id, json) VALUES (1, \(buffer)) ON CONFLICT (id) DO UPDATE SET json = excluded.json")
        }
    }
}
