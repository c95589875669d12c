import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchStore

/// `vendormatch model status|promote|rollback`: the promoted-model pointer in the database, which a
/// running `serve` over the same database follows without a restart.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Shows, promotes or rolls back the model a server over this database serves.",
        subcommands: [Status.self, Promote.self, Rollback.self],
        defaultSubcommand: Status.self
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The promotions, newest (serving) last.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            do {
                let promotions = try global.openCatalogueStore().modelPromotions()
                if promotions.isEmpty {
                    print("no promoted model: a server serves its configured model (--model, else Models/ranking-model.json)")
                }
                for (i, p) in promotions.enumerated() {
                    let version = (try? RankingModel.loadVersioned(from: URL(fileURLWithPath: p.path)))?.servingVersion ?? "does not load"
                    print("\(i == promotions.count - 1 ? "serving " : "        ") \(ISO8601DateFormatter().string(from: p.promotedAt))  \(p.path)  \(version)\(p.note.isEmpty ? "" : "  (\(p.note))")")
                }
            } catch {
                exitWith(error)
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Makes a model file the serving model (after the checks of --model); the previous one is kept for rollback.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The model file (its trees file beside it).") var path: String
        @Option(help: "A note kept with the promotion.") var note = ""

        func run() async throws {
            do {
                let url = URL(fileURLWithPath: path).standardizedFileURL
                let model = try RankingModel.loadVersioned(from: url)
                try global.openCatalogueStore().promoteModel(path: url.path, note: note)
                print("promoted \(url.path) (\(model.servingVersion)); a server over \(global.databasePath) loads it within a second")
            } catch {
                exitWith(error)
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraws the newest promotion: the model before it (or the configured one) serves again.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            do {
                let store = try global.openCatalogueStore()
                guard let withdrawn = try store.rollbackModel() else {
                    throw VMError(.invalidInput, "nothing to roll back: no model was promoted in \(global.databasePath)")
                }
                let now = try store.currentPromotion()?.path ?? "the configured model (--model, else Models/ranking-model.json)"
                print("withdrew \(withdrawn.path); serving \(now)")
            } catch {
                exitWith(error)
            }
        }
    }
}
