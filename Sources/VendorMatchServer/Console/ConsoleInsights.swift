/// What the console's overview shows beyond the `Stats` call (which carries the counts and the online
/// evaluation): the model in use, supplied by whoever starts the server.
public struct ConsoleInsights: Sendable {
    /// The version of the ranking model in use.
    public var modelVersion: @Sendable () -> String?
    /// Where the latest offline evaluation report is (a path or URL shown as is), if known.
    public var offlineReport: String?

    public init(modelVersion: @escaping @Sendable () -> String? = { nil }, offlineReport: String? = nil) {
        self.modelVersion = modelVersion
        self.offlineReport = offlineReport
    }
}
