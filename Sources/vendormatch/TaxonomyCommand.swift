import ArgumentParser
import VendorMatchCore

struct TaxonomyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taxonomy",
        abstract: "Checks industry or service-type codes and shows where they sit in their taxonomy."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Codes to look up: NAICS industry codes (52, 31-33, 5221) or service types (data.machine-learning).")
    var codes: [String] = []

    func run() async throws {
        do {
            let taxonomy = try global.taxonomy()
            var bad = false
            for raw in codes {
                if let code = taxonomy.canonicalIndustry(raw) {
                    let path = taxonomy.industryPath(code).map { "\($0) \(taxonomy.industryTitle($0) ?? "")" }
                    print("industry \(code): " + path.joined(separator: " ← "))
                } else if taxonomy.isValidService(raw) {
                    let path = [raw] + (taxonomy.serviceParent(raw).map { [$0] } ?? [])
                    print("service \(raw): " + path.map { "\($0) \(taxonomy.serviceTitle($0) ?? "")" }.joined(separator: " ← "))
                } else {
                    print("\(raw): not a known industry or service-type code")
                    bad = true
                }
            }
            if bad { throw ExitCode(2) }
        } catch let e as ExitCode {
            throw e
        } catch {
            exitWith(error)
        }
    }
}
