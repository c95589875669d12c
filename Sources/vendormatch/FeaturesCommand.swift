import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking

struct FeaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Lists the second phase's features: name, version, component and meaning.",
        discussion: """
        The same registry serves training and serving: a model file lists the name@version of every feature it
        was trained on, and a model whose list differs from this binary's is refused when loaded. The component is
        where a feature's contribution is shown in a shortlist's breakdown ("experience": split evenly over the
        dimensions the request gives).
        """
    )

    @Flag(help: "List the features (the default).")
    var list = false

    @Flag(help: "Machine-readable output.")
    var json = false

    func run() async throws {
        if json {
            let rows = Feature.allCases.map { f in
                "{\"index\": \(f.rawValue), \"name\": \(EvalOutput.string(f.name)), \"version\": \(f.version), \"component\": \(EvalOutput.string(f.component?.rawValue ?? "experience")), \"meaning\": \(EvalOutput.string(f.meaning))}"
            }
            print("[" + rows.joined(separator: ",\n ") + "]")
            return
        }
        print("\(Feature.allCases.count) features (column, name@version, component, meaning):")
        for f in Feature.allCases {
            let name = "\(f.name)@\(f.version)"
            let component = f.component?.rawValue ?? "experience"
            print("\(String(f.rawValue).padding(toLength: 3, withPad: " ", startingAt: 0)) \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(component.padding(toLength: 10, withPad: " ", startingAt: 0)) \(f.meaning)")
        }
    }
}
