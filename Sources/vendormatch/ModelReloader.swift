import Dispatch
import Foundation
import Logging
import VendorMatchCore
import VendorMatchRanking

/// Reloads the ranking model (`--model`, or `Models/ranking-model.json`) on SIGHUP, without touching
/// connections: the engine swaps the model under its lock, requests already scoring finish on the old one.
enum ModelReloader {
    static func start(global: GlobalOptions, engine: RankingEngine, logger: Logger) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do {
                let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
                let model = try global.rankingModel(modelsDirectory: modelsDirectory)
                engine.replaceModel(model)
                logger.notice("reloaded the ranking model on SIGHUP", metadata: [
                    "vm.model.source": "\(model.metadata["source"] ?? model.metadata["trained"] ?? "unknown")",
                ])
            } catch {
                logger.error("SIGHUP: model not reloaded, keeping the current one: \(error)")
            }
        }
        source.resume()
        return source
    }
}
