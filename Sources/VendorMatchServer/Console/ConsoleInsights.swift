/// What the console's overview shows beyond the `Stats` call: the model in use and the online evaluation
/// from recorded outcomes, supplied by whoever starts the server (they live with the command line's report).
public struct ConsoleInsights: Sendable {
    /// One model version in one ISO week: what its served shortlists earned.
    public struct OnlineEvaluationRow: Sendable, Equatable {
        public var modelVersion: String
        /// `2026-W49`.
        public var week: String
        public var served: Int
        public var withOutcomes: Int
        public var outcomes: Int
        public var shortlistedRate: Double?
        public var chosenRate: Double?
        public var ndcg10: Double?

        public init(modelVersion: String, week: String, served: Int, withOutcomes: Int, outcomes: Int,
                    shortlistedRate: Double?, chosenRate: Double?, ndcg10: Double?) {
            self.modelVersion = modelVersion
            self.week = week
            self.served = served
            self.withOutcomes = withOutcomes
            self.outcomes = outcomes
            self.shortlistedRate = shortlistedRate
            self.chosenRate = chosenRate
            self.ndcg10 = ndcg10
        }
    }

    /// The version of the ranking model in use.
    public var modelVersion: @Sendable () -> String?
    /// The online evaluation, oldest week first (called off the event loops; may read the database).
    public var onlineEvaluation: @Sendable () throws -> [OnlineEvaluationRow]
    /// Where the latest offline evaluation report is (a path or URL shown as is), if known.
    public var offlineReport: String?

    public init(modelVersion: @escaping @Sendable () -> String? = { nil },
                onlineEvaluation: @escaping @Sendable () throws -> [OnlineEvaluationRow] = { [] },
                offlineReport: String? = nil) {
        self.modelVersion = modelVersion
        self.onlineEvaluation = onlineEvaluation
        self.offlineReport = offlineReport
    }
}
