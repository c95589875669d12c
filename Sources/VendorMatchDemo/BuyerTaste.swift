import Foundation
import VendorMatchCore

/// How much a market's buyers weigh each part of a vendor's utility, relative to the standard demo
/// buyer (all 1): the work itself (service and need), industry closeness, client-size closeness,
/// referral trust and reported quality. Markets with different tastes let a model learn what holds
/// across buyers instead of one simulator's taste (`demo-data --taste`).
public struct BuyerTaste: Sendable, Equatable, CustomStringConvertible {
    public var work = 1.0
    public var industry = 1.0
    public var size = 1.0
    public var trust = 1.0
    public var quality = 1.0

    public static let standard = BuyerTaste()
    public static let names = ["work", "industry", "size", "trust", "quality"]

    public init(work: Double = 1, industry: Double = 1, size: Double = 1, trust: Double = 1, quality: Double = 1) {
        self.work = work; self.industry = industry; self.size = size; self.trust = trust; self.quality = quality
    }

    /// Parses `name=value,...` (names from `names`, values 0…20).
    public init(parsing text: String) throws(VMError) {
        self.init()
        for part in text.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let value = Double(kv[1]), value.isFinite, (0...20).contains(value) else {
                throw VMError(.invalidInput, "--taste: \"\(part)\" is not name=value with a value from 0 to 20", field: "taste")
            }
            switch kv[0] {
            case "work": work = value
            case "industry": industry = value
            case "size": size = value
            case "trust": trust = value
            case "quality": quality = value
            default:
                throw VMError(.invalidInput, "--taste: unknown part \"\(kv[0])\" (known: \(BuyerTaste.names.joined(separator: ", ")))", field: "taste")
            }
        }
    }

    public var description: String {
        "work=\(work),industry=\(industry),size=\(size),trust=\(trust),quality=\(quality)"
    }
}
