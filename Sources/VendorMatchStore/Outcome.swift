import Foundation

/// What a buyer did with a recommended vendor (the server's `RecordOutcomes`): graded like qrels,
/// 2 = chosen, 1 = shortlisted, 0 = rejected.
public struct Outcome: Sendable, Equatable, Hashable {
    public var requestID: String
    public var buyerOrg: String?
    public var vendorID: String
    /// ≥ 0.
    public var grade: Int
    public var recordedAt: Date

    public init(requestID: String, buyerOrg: String? = nil, vendorID: String, grade: Int, recordedAt: Date = Date()) {
        self.requestID = requestID; self.buyerOrg = buyerOrg; self.vendorID = vendorID
        self.grade = grade; self.recordedAt = recordedAt
    }
}
