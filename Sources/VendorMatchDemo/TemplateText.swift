/// Fills `{slot}` placeholders. A slot whose name starts with an upper-case letter is filled from the
/// lower-case slot and its first letter capitalised (`{P}` → a problem, starting a sentence).
/// Filled text may itself contain slots (phrases use industry and synonym slots); nesting stops at depth 4.
enum TemplateText {
    static func fill(_ template: String, depth: Int = 0, _ slot: (String) -> String?) -> String {
        var out = ""
        out.reserveCapacity(template.utf8.count + 64)
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
            let capital = name.first?.isUppercase ?? false
            let key = capital ? name.prefix(1).lowercased() + name.dropFirst() : name
            guard var value = slot(key) else { out += "{\(name)}"; continue }
            if depth < 4, value.contains("{") { value = fill(value, depth: depth + 1, slot) }
            out += capital ? capitalized(value) : value
        }
        out += rest
        return out
    }

    static func capitalized(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst()
    }
}
