import Foundation
import VendorMatchCore

/// A catalogue that also keeps the shortlist log: every served shortlist with its candidates' feature rows,
/// joined with recorded outcomes for RecordOutcomes' checks, Stats' online evaluation and
/// `train --from-outcomes`.
///
/// Both stores implement it with the same columns and the same blob encoding (`LogBlob`), so a row logged
/// by a ranker on PostgreSQL reads back exactly as one logged on SQLite. Several rankers may log into one
/// store: a request id logged again replaces its row (which then counts as the newest). Blocking, like
/// `CatalogueStoring`.
public protocol ShortlistLogStoring: CatalogueStoring {
    /// Appends logged shortlists in one transaction (a request id logged again replaces its row).
    /// `columns` is the width of each matrix row.
    func appendShortlistLog(_ entries: [LoggedShortlist], columns: Int) throws(VMError)
    /// Deletes logged shortlists beyond `retention` (older than `days` before `now`, then all but the newest
    /// `rows` by serving time) and nothing else; the number deleted.
    @discardableResult
    func pruneShortlistLog(_ retention: ShortlistLogRetention, now: Date) throws(VMError) -> Int
    /// How many shortlists are logged.
    func shortlistLogCount() throws(VMError) -> Int
    /// For each id among `requestIDs` under which a shortlist is logged, the buyer organisation it was
    /// served to (nil inside: served without one). Ids not logged are absent.
    func loggedRequestBuyers(_ requestIDs: [String]) throws(VMError) -> [String: String?]
    /// Calls `body` with every logged shortlist, oldest first (by serving time, then by when it was
    /// logged); with `outcomesOnly`, only those with a recorded outcome; with `buyer`, only those served to
    /// that buyer organisation; with `matrices` false, without decoding the feature rows (`matrix` empty).
    /// (`forEachLoggedShortlist` spells it with defaults.)
    func readShortlistLog(outcomesOnly: Bool, buyer: String?, matrices: Bool, columns: Int,
                          _ body: (LoggedShortlist) throws -> Void) throws(VMError)
}

extension ShortlistLogStoring {
    /// Deletes logged shortlists beyond `retention` as of now; the number deleted.
    @discardableResult
    public func pruneShortlistLog(_ retention: ShortlistLogRetention) throws(VMError) -> Int {
        try pruneShortlistLog(retention, now: Date())
    }

    /// Every logged shortlist, oldest first (see the requirement for the filters).
    public func forEachLoggedShortlist(outcomesOnly: Bool = false, buyer: String? = nil, matrices: Bool = true, columns: Int,
                                       _ body: (LoggedShortlist) throws -> Void) throws(VMError) {
        try readShortlistLog(outcomesOnly: outcomesOnly, buyer: buyer, matrices: matrices, columns: columns, body)
    }

    /// The ids among `requestIDs` under which no shortlist is logged.
    public func unloggedRequestIDs(_ requestIDs: [String]) throws(VMError) -> [String] {
        let logged = try loggedRequestBuyers(requestIDs)
        return requestIDs.filter { logged[$0] == nil }
    }

    /// The training data of `train --from-outcomes`: every logged shortlist with recorded outcomes, its
    /// feature rows as logged at serving time, joined with its outcomes (vendor id → grade).
    public func loggedOutcomes(columns: Int) throws(VMError) -> [(shortlist: LoggedShortlist, grades: [String: Int])] {
        let grades = try outcomeGrades()
        var out: [(shortlist: LoggedShortlist, grades: [String: Int])] = []
        try forEachLoggedShortlist(outcomesOnly: true, columns: columns) { out.append(($0, grades[$0.requestID] ?? [:])) }
        return out
    }

    /// Recorded outcomes by request id, then vendor id: grade.
    public func outcomeGrades() throws(VMError) -> [String: [String: Int]] {
        var grades: [String: [String: Int]] = [:]
        for o in try outcomes() { grades[o.requestID, default: [:]][o.vendorID] = o.grade }
        return grades
    }
}

/// One shortlist-log row exactly as stored (the blobs undecoded): what tests compare across the stores.
package struct StoredShortlistLogRow: Sendable, Equatable {
    package var requestID: String
    package var servedAt: Double
    package var modelVersion: String
    package var featuresHash: String
    package var k: Int
    package var request: String
    package var vendorIDs: Data
    package var matrix: Data

    package init(requestID: String, servedAt: Double, modelVersion: String, featuresHash: String, k: Int, request: String,
                 vendorIDs: Data, matrix: Data) {
        self.requestID = requestID; self.servedAt = servedAt; self.modelVersion = modelVersion; self.featuresHash = featuresHash
        self.k = k; self.request = request; self.vendorIDs = vendorIDs; self.matrix = matrix
    }

    /// The row a store writes for `entry`: the blobs in `LogBlob`'s formats.
    package init(_ entry: LoggedShortlist, columns: Int) {
        self.init(requestID: entry.requestID, servedAt: entry.servedAt.timeIntervalSince1970, modelVersion: entry.modelVersion,
                  featuresHash: entry.featuresHash, k: entry.k, request: entry.request,
                  vendorIDs: LogBlob.encode(ids: entry.vendorIDs), matrix: LogBlob.encode(matrix: entry.matrix, columns: columns))
    }

    /// Decodes the row back (`matrix` empty unless `matrices`).
    package func decoded(matrices: Bool, columns: Int) throws(VMError) -> LoggedShortlist {
        guard let ids = LogBlob.decodeIDs(vendorIDs) else {
            throw VMError(.storage, "the logged shortlist \(requestID) has an unreadable vendor list")
        }
        var m: [Float] = []
        if matrices {
            guard let decoded = LogBlob.decodeMatrix(matrix, columns: columns), decoded.count == ids.count * columns else {
                throw VMError(.storage, "the logged shortlist \(requestID) has an unreadable feature matrix (\(columns) columns expected)")
            }
            m = decoded
        }
        return LoggedShortlist(requestID: requestID, servedAt: Date(timeIntervalSince1970: servedAt), modelVersion: modelVersion,
                               featuresHash: featuresHash, k: k, request: request, vendorIDs: ids, matrix: m)
    }
}
