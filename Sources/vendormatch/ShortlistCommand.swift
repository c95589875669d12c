import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking

struct ShortlistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist",
        abstract: "Ranks vendors for one buyer request and explains every place.",
        discussion: """
        Hard constraints (service types, regions, languages, certifications, budget, exclusions) filter;
        the rest is ranked by matching case studies (industry, size, need, service type), declared
        capabilities, referral trust and client-rated quality. Each vendor's score is the sum of the
        listed components. Example:
          vendormatch shortlist --industry 5221 --size 1000-9999 --service data.machine-learning \\
              --need "predict which loans will default"
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var requestOptions: RequestOptions

    @Flag(help: "Machine output: one JSON object.")
    var json = false

    func run() async throws {
        do {
            let (engine, _, codec) = try global.loadEngine()
            let request = try requestOptions.buyerRequest(codec: codec)
            let list = try engine.shortlist(request)
            if json {
                print(ResultJSON.shortlist(list).serialized())
                return
            }
            if list.vendors.isEmpty {
                print("No vendor meets the request's hard constraints (\(engine.counts.vendors) vendors in the catalogue).")
                return
            }
            print("\(list.vendors.count) of \(list.candidateCount) vendors that meet the hard constraints:")
            if !list.inferredServiceTypes.isEmpty {
                let read = list.inferredServiceTypes.map { String(format: "%@ %.2f", $0.code, $0.share) }.joined(separator: ", ")
                print("(no service type given; the need reads as: \(read))")
            }
            print("")
            for (i, v) in list.vendors.enumerated() {
                print(String(format: "%2d. %@ (%@)  score %.3f", i + 1, v.name, v.vendorID, v.score))
                let parts = zip(RankingModel.featureNames + ["other"], v.components.values + [v.components.other])
                    .map { String(format: "%@ %+.3f", $0, $1) }.joined(separator: ", ")
                print("    " + parts)
                for reason in v.reasons { print("    - " + reason) }
                for m in v.matchedCases {
                    print("    case \(m.caseStudyID): " + CaseFormatting.dimensions(m))
                }
                print("")
            }
        } catch {
            exitWith(error)
        }
    }
}

enum CaseFormatting {
    static func dimensions(_ m: CaseMatch) -> String {
        var parts = [String(format: "score %.3f", m.score)]
        for (name, value) in [("industry", m.industry), ("size", m.size), ("need", m.need), ("service", m.service)] {
            if let value { parts.append(String(format: "%@ %.2f", name, value)) }
        }
        let c = m.caseStudy
        var what = "\(c.clientIndustry) \(c.serviceTypes.joined(separator: ","))"
        if let size = c.clientSize { what += " \(size.label)" }
        if let year = c.year { what += " \(year)" }
        return parts.joined(separator: ", ") + " [" + what + "]"
    }
}
