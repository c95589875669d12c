import VendorMatchCore

/// Writes the market's English: need texts (case-study voice and request voice), outcomes,
/// vendor self-descriptions and organisation names.
struct NeedWriter: Sendable {
    let taxonomy: Taxonomy
    var wording: NeedWording = .shared

    /// A client's need as a case study tells it.
    func caseNeed(_ rng: inout DemoRandom, subcategory: String, words: Lexicon.IndustryWords, size: Int) -> String {
        need(&rng, template: rng.pick(Lexicon.caseTemplates), subcategory: subcategory, words: words, size: size, half: 0)
    }

    /// A buyer's need as a request states it: other templates than case studies use.
    func requestNeed(_ rng: inout DemoRandom, subcategory: String, words: Lexicon.IndustryWords, size: Int) -> String {
        var text = need(&rng, template: rng.pick(Lexicon.requestTemplates), subcategory: subcategory, words: words, size: size, half: 1)
        if rng.chance(0.35) { text += " " + rng.pick(Self.requestAsides) }
        return text
    }

    static let requestAsides = [
        "We would prefer a partner who knows our industry.",
        "Budget is tight, so a phased approach is welcome.",
        "Timeline: we want to start next quarter.",
        "We had a bad experience with a previous supplier.",
        "References from similar companies would help.",
        "Please share examples of comparable work.",
        "Our IT team is small, so we need a partner who can work independently.",
    ]

    /// `half`: with `.paraphrased` wording, case studies (0) and requests (1) draw each phrase from the
    /// opposite halves of the phrase lists, so they describe the same work in other words.
    private func need(_ rng: inout DemoRandom, template: String, subcategory: String, words: Lexicon.IndustryWords, size: Int,
                      half: Int) -> String {
        guard let phrases = NeedPhraseBook.entries[subcategory] else {
            return "We need help with \(taxonomy.serviceTitle(subcategory)?.lowercased() ?? subcategory)."
        }
        func pick(_ list: [String]) -> String {
            guard wording == .paraphrased, list.count >= 2 else { return rng.pick(list) }
            let mid = list.count / 2
            return rng.pick(half == 0 ? Array(list[..<mid]) : Array(list[mid...]))
        }
        return TemplateText.fill(template) { slot in
            switch slot {
            case "p": return pick(phrases.problems)
            case "t": return pick(phrases.things)
            case "g": return pick(phrases.goals)
            case "org": return rng.pick(words.orgs)
            case "customers": return rng.pick(words.customers)
            case "items": return rng.pick(words.items)
            case "staff": return rng.pick(words.staff)
            case "sizeword": return Lexicon.sizeWords[size]
            default: return Lexicon.synonyms[slot].map { rng.pick($0) }
            }
        }
    }

    /// An outcome whose improvement grows with the project's (latent) quality, plus noise.
    func outcome(_ rng: inout DemoRandom, category: String, quality: Double) -> String {
        let metrics = Lexicon.outcomeMetrics[category] ?? (["results"], ["costs"])
        func percent() -> String { String(Int(min(80, max(3, 18 + 9 * quality + rng.normal(0, 7))).rounded())) }
        return TemplateText.fill(rng.pick(Lexicon.outcomeTemplates)) { slot in
            switch slot {
            case "up": return rng.pick(metrics.up)
            case "down": return rng.pick(metrics.down)
            case "n", "n2": return percent()
            case "m": return String(rng.int(2...12))
            case "w": return String(rng.int(6...40))
            default: return nil
            }
        }
    }

    /// A vendor's self-description: claims everything it declares, and then some.
    func vendorDescription(_ rng: inout DemoRandom, name: String, size: Int, category: String, country: String,
                           industries: [String], services: [String]) -> String {
        let sizeWord = ["boutique", "small", "mid-sized", "established", "large", "global"][size]
        let catTitle = Self.lowerFirst(taxonomy.serviceTitle(category) ?? category)
        var text = "\(name) is a \(sizeWord) \(catTitle) company from \(country)."
        let serviceTitles = services.prefix(5).compactMap { taxonomy.serviceTitle($0).map(Self.lowerFirst) }
        if !serviceTitles.isEmpty {
            // Titles contain "and" themselves, so several are listed with semicolons.
            text += serviceTitles.count == 1 ? " We offer \(serviceTitles[0])." : " We offer: " + serviceTitles.joined(separator: "; ") + "."
        }
        var industryTitles: [String] = []
        for code in industries.prefix(4) {
            if let t = taxonomy.industryTitle(code), !industryTitles.contains(t) { industryTitles.append(t) }
        }
        if !industryTitles.isEmpty { text += " Our clients include companies in " + industryTitles.joined(separator: "; ") + "." }
        if rng.chance(0.6) { text += " " + rng.pick(Lexicon.boasts) }
        return text
    }

    /// "Data engineering" → "data engineering", but "IT strategy" and "HR and payroll" keep their capitals.
    static func lowerFirst(_ s: String) -> String {
        let chars = Array(s)
        guard chars.count > 1, chars[0].isUppercase, !chars[1].isUppercase else { return s }
        return chars[0].lowercased() + String(chars.dropFirst())
    }

    /// A stable name for a client organisation, derived from its id (the same org always has the same name).
    static func organisationName(orgID: String, words: Lexicon.IndustryWords) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in orgID.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        var rng = DemoRandom(seed: h)
        let noun = rng.pick(words.orgs).split(separator: " ").map { TemplateText.capitalized(String($0)) }.joined(separator: " ")
        return rng.pick(Lexicon.places) + " " + noun
    }
}

/// How a market's requests word their needs relative to its case studies.
public enum NeedWording: String, Sendable, CaseIterable {
    /// Both draw from the same phrases: many shared words (the lexical channel's best case).
    case shared
    /// Requests and case studies draw from disjoint halves of each subcategory's phrases: the same
    /// work in other words, as buyers and vendors write in practice.
    case paraphrased
}
