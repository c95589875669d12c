import Foundation
import GRDB
import VendorMatchCore

/// Stored embedding vectors of case studies (for a semantic encoder), one per case study, as
/// little-endian Float32 BLOBs tagged with the model that made them. A vector is dropped when its
/// case study is deleted or its content changes.
extension CatalogueStore {
    /// Stores vectors (replacing earlier ones) for case studies that exist; returns how many were stored.
    @discardableResult
    public func saveVectors(_ vectors: [String: [Float]], model: String) throws(VMError) -> Int {
        try write("storing case-study vectors") { db in
            let stmt = try db.makeStatement(sql: """
                INSERT INTO case_study_vectors (case_study_id, model, dims, vector)
                SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM case_studies WHERE id = ?1)
                ON CONFLICT (case_study_id) DO UPDATE SET model = excluded.model, dims = excluded.dims, vector = excluded.vector
                """)
            var stored = 0
            for (id, vector) in vectors.sorted(by: { $0.key < $1.key }) where !vector.isEmpty {
                let blob = vector.map(\.bitPattern.littleEndian).withUnsafeBytes { Data($0) }
                try stmt.execute(arguments: [id, model, vector.count, blob])
                stored += db.changesCount
            }
            return stored
        }
    }

    /// The stored vectors made by `model`, by case-study id.
    public func loadVectors(model: String) throws(VMError) -> [String: [Float]] {
        try read("reading case-study vectors") { db in
            var out: [String: [Float]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT case_study_id, dims, vector FROM case_study_vectors WHERE model = ?", arguments: [model])
            while let row = try rows.next() {
                let dims: Int = row[1]
                let blob: Data = row[2]
                var vector = [Float](repeating: 0, count: dims)
                blob.withUnsafeBytes { raw in
                    for i in 0..<dims {
                        vector[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                }
                out[row[0]] = vector
            }
            return out
        }
    }
}
