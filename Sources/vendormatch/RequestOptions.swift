import ArgumentParser
import Foundation
import VendorMatchCore

/// Flags that describe a buyer's requirements, or a JSON request file.
struct RequestOptions: ParsableArguments {
    @Option(name: .long, help: "A request as JSON (the requests.jsonl record format); flags given as well override its fields.")
    var request: String?

    @Option(name: .long, help: "Buyer organisation id (buyer-specific referrals count for it).")
    var buyer: String?

    @Option(name: .long, help: "Buyer industry: NAICS code (52, 31-33, 522, 5221).")
    var industry: String?

    @Option(name: .long, help: "Buyer size band: 1-9, 10-49, 50-249, 250-999, 1000-9999, 10000+.")
    var size: String?

    @Option(name: .long, help: "The need in the buyer's words.")
    var need: String?

    @Option(name: .long, parsing: .singleValue, help: "Service type (repeatable): data or data.machine-learning.")
    var service: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Region the vendor must serve (repeatable, ISO 3166-1 alpha-2).")
    var region: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Language (repeatable, ISO 639-1).")
    var language: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Required certification (repeatable).")
    var certification: [String] = []

    @Option(name: .long, help: "Budget in USD (vendors with a higher minimum project size are left out).")
    var budget: Double?

    @Option(name: .long, parsing: .singleValue, help: "Vendor id to leave out (repeatable).")
    var exclude: [String] = []

    @Option(name: [.short, .long], help: "How many vendors (1…1000, default 10).")
    var k: Int?

    /// The request as JSON, validated by the same codec as request files.
    func buyerRequest(codec: RecordCodec) throws -> BuyerRequest {
        var pairs: [(String, JSONValue)] = []
        if let request {
            let bytes: Data
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: request)) } catch {
                throw VMError(.invalidInput, "cannot read request file \(request): \(error.localizedDescription)")
            }
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(Array(bytes)) } catch {
                throw VMError(.invalidInput, "\(request): \(error)")
            }
            guard case let .object(p) = parsed else { throw VMError(.invalidInput, "\(request): expected a JSON object") }
            pairs = p
        }
        func set(_ key: String, _ value: JSONValue?) {
            guard let value else { return }
            pairs.removeAll { $0.0 == key }
            pairs.append((key, value))
        }
        func strings(_ list: [String]) -> JSONValue? {
            list.isEmpty ? nil : .array(list.flatMap { $0.split(separator: ",").map { .string(String($0)) } })
        }
        if !pairs.contains(where: { $0.0 == "id" }) { set("id", .string("cli")) }
        set("buyer_org", buyer.map { .string($0) })
        set("industry", industry.map { .string($0) })
        set("size", size.map { .string($0) })
        set("need", need.map { .string($0) })
        set("service_types", strings(service))
        set("regions", strings(region))
        set("languages", strings(language))
        set("required_certifications", strings(certification))
        set("budget_usd", budget.map { .number($0) })
        set("exclude_vendors", strings(exclude))
        set("k", k.map { .number(Double($0)) })
        do {
            return try codec.request(.object(pairs))
        } catch {
            throw VMError(.invalidInput, "request: \(error.description)", field: error.field)
        }
    }
}
