import Dispatch
import Foundation
import Logging
import Synchronization
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

/// Keeps the serving model current without touching connections: the engine swaps the model under its
/// lock, requests already scoring finish on the old one.
///
/// The serving model is the newest promotion in the database (`train --from-outcomes --promote`,
/// `model promote`), else the configured one (`--model`, or `Models/ranking-model.json`). The promotion
/// pointer is polled (one indexed read per `pollInterval`); SIGHUP reloads the serving model's files. A
/// model that does not load is refused with the reason logged, and the server keeps the model it has.
final class ModelReloader {
    private let sources: [any DispatchSourceProtocol]

    private init(sources: [any DispatchSourceProtocol]) { self.sources = sources }

    func cancel() { for s in sources { s.cancel() } }

    /// The model to serve at start: the promoted one when it loads, else the configured one.
    static func initialModel(global: GlobalOptions, store: CatalogueStore, logger: Logger) throws -> RankingModel {
        if let promotion = try store.currentPromotion() {
            do {
                let model = try RankingModel.loadVersioned(from: URL(fileURLWithPath: promotion.path))
                logger.notice("serving the promoted model", metadata: ["vm.model.path": "\(promotion.path)",
                                                                      "vm.model.version": "\(model.servingVersion)"])
                return model
            } catch {
                logger.error("the promoted model \(promotion.path) does not load, serving the configured one: \(error)")
            }
        }
        return try global.rankingModel(modelsDirectory: try ModelsDirectory.locate(explicit: global.models))
    }

    static func start(global: GlobalOptions, engine: RankingEngine, store: CatalogueStore, pollInterval: Duration,
                      logger: Logger) -> ModelReloader {
        let queue = DispatchQueue(label: "vendormatch.model-reloader")
        // The promotion last acted on (its seq; 0 for none).
        let seen = Mutex((try? store.currentPromotion())?.seq ?? 0)

        @Sendable func reload(_ reason: String) {
            do {
                let promotion = try store.currentPromotion()
                seen.withLock { $0 = promotion?.seq ?? 0 }
                let model: RankingModel
                if let promotion {
                    model = try RankingModel.loadVersioned(from: URL(fileURLWithPath: promotion.path))
                } else {
                    model = try global.rankingModel(modelsDirectory: try ModelsDirectory.locate(explicit: global.models))
                }
                engine.replaceModel(model)
                logger.notice("reloaded the ranking model on \(reason)", metadata: [
                    "vm.model.version": "\(model.servingVersion)",
                    "vm.model.source": "\(promotion?.path ?? model.metadata["source"] ?? model.metadata["trained"] ?? "unknown")",
                ])
            } catch {
                logger.error("\(reason): model not reloaded, keeping the current one: \(error)")
            }
        }

        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler { reload("SIGHUP") }
        hangup.resume()

        let timer = DispatchSource.makeTimerSource(queue: queue)
        let ms = Int(pollInterval.wholeMilliseconds)
        timer.schedule(deadline: .now() + .milliseconds(ms), repeating: .milliseconds(max(10, ms)))
        timer.setEventHandler {
            guard let current = try? store.currentPromotion()?.seq ?? 0, current != seen.withLock({ $0 }) else { return }
            reload(current == 0 ? "rollback to the configured model" : "promotion")
        }
        timer.resume()
        return ModelReloader(sources: [hangup, timer])
    }
}
