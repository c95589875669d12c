import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Finds the case studies most comparable to a prospect, of all vendors or of one.",
        discussion: """
        For sales teams: describe the prospect (industry, size, need, service types) and get the closest
        case studies with their per-dimension similarity. Example:
          vendormatch cases --industry 522 --size 250-999 --need "fraud detection" --vendor v00042
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Prospect industry (NAICS code).") var industry: String?
    @Option(help: "Prospect size band (1-9 … 10000+).") var size: String?
    @Option(help: "The prospect's need in its own words.") var need: String?
    @Option(name: .long, parsing: .singleValue, help: "Service type (repeatable).") var service: [String] = []
    @Option(help: "Only this vendor's case studies.") var vendor: String?
    @Option(name: [.short, .long], help: "How many case studies (1…1000, default 10).") var k: Int = 10
    @Flag(help: "Machine output: one JSON object.") var json = false

    func run() async throws {
        do {
            let (engine, _, codec) = try global.loadEngine()
            // Validate the profile with the request rules so errors name the field.
            var pairs: [(String, JSONValue)] = [("id", .string("prospect")), ("k", .number(Double(k)))]
            if let industry { pairs.append(("industry", .string(industry))) }
            if let size { pairs.append(("size", .string(size))) }
            if !service.isEmpty { pairs.append(("service_types", .array(service.map { .string($0) }))) }
            let profile: BuyerRequest
            do { profile = try codec.request(.object(pairs)) } catch {
                throw VMError(.invalidInput, "prospect: \(error.description)", field: error.field)
            }
            let matches = try engine.findCaseStudies(CaseQuery(
                industry: profile.industry, size: profile.size, need: need, serviceTypes: profile.serviceTypes,
                vendorID: vendor, k: profile.k))
            if json {
                print(JSONValue.object([("case_studies", .array(matches.map(ResultJSON.caseMatch)))]).serialized())
                return
            }
            for (i, m) in matches.enumerated() {
                let vendorName = engine.vendor(id: m.vendorID)?.name ?? m.vendorID
                print("\(i + 1). \(m.caseStudyID) by \(vendorName) (\(m.vendorID)): " + CaseFormatting.dimensions(m))
                if let n = m.caseStudy.need { print("   need: \(n)") }
                if let o = m.caseStudy.outcome { print("   outcome: \(o)") }
            }
            if matches.isEmpty { print("No case studies in the catalogue.") }
        } catch {
            exitWith(error)
        }
    }
}
