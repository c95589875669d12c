import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads something (the ranking model) on SIGHUP, without touching connections: run it in the same
/// `ServiceGroup` as the server. A failed reload is logged and the old state kept.
public struct HangupReloadService: Service {
    private let reload: @Sendable () throws -> String
    private let logger: Logger

    /// `reload` does the work and returns a line for the log (`model v1 from Models/ranking-model.json`).
    public init(logger: Logger, reload: @escaping @Sendable () throws -> String) {
        self.reload = reload
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                let what = try reload()
                logger.info("SIGHUP: reloaded \(what)")
            } catch {
                logger.error("SIGHUP: reload failed, keeping the current model: \(error)")
            }
        }
    }
}
