import Foundation
import GRDB
import VendorMatchCore

/// A model installed for serving by `--promote` or `model promote`.
public struct ModelPromotion: Sendable, Equatable {
    public var seq: Int
    /// The model file (absolute); its trees file lies beside it.
    public var path: String
    public var promotedAt: Date
    public var note: String
}

/// The promoted-model pointer: a running `serve` over this database watches the newest promotion and
/// loads it (the same checks as `--model`; a model that does not load is refused and the server keeps
/// its own). Promoting never deletes a model file, so `rollback` can always return to the one before.
extension CatalogueStore {
    /// Every promotion, oldest first; the last one serves.
    public func modelPromotions() throws(VMError) -> [ModelPromotion] {
        try read("reading model promotions") { db in
            try Row.fetchAll(db, sql: "SELECT seq, path, promoted_at, note FROM model_promotions ORDER BY seq").map {
                ModelPromotion(seq: $0[0], path: $0[1], promotedAt: Date(timeIntervalSince1970: $0[2]), note: $0[3])
            }
        }
    }

    /// The promotion that serves now, if any.
    public func currentPromotion() throws(VMError) -> ModelPromotion? {
        try read("reading the promoted model") { db in
            try Row.fetchOne(db, sql: "SELECT seq, path, promoted_at, note FROM model_promotions ORDER BY seq DESC LIMIT 1").map {
                ModelPromotion(seq: $0[0], path: $0[1], promotedAt: Date(timeIntervalSince1970: $0[2]), note: $0[3])
            }
        }
    }

    /// Makes `path` the serving model.
    @discardableResult
    public func promoteModel(path: String, note: String = "", at date: Date = Date()) throws(VMError) -> ModelPromotion {
        try write("promoting \(path)") { db in
            try db.execute(sql: "INSERT INTO model_promotions (path, promoted_at, note) VALUES (?, ?, ?)",
                           arguments: [path, date.timeIntervalSince1970, note])
            return ModelPromotion(seq: Int(db.lastInsertedRowID), path: path, promotedAt: date, note: note)
        }
    }

    /// Withdraws the newest promotion, so the one before it (or, with none, the server's configured
    /// model) serves again; returns the withdrawn one, nil when there was none.
    public func rollbackModel() throws(VMError) -> ModelPromotion? {
        try write("rolling back the promoted model") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT seq, path, promoted_at, note FROM model_promotions ORDER BY seq DESC LIMIT 1") else {
                return nil
            }
            let p = ModelPromotion(seq: row[0], path: row[1], promotedAt: Date(timeIntervalSince1970: row[2]), note: row[3])
            try db.execute(sql: "DELETE FROM model_promotions WHERE seq = ?", arguments: [p.seq])
            return p
        }
    }
}
