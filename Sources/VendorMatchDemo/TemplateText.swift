/// Fills `{slot}` placeholders. A slot whose name starts with an upper-case letter is filled from the
/// lower-case slot and its first letter capitalised (`{P}` → a problem, starting a sentence).
/// Filled text may itself contain slots (phrases use industry and synonym slots); nesting stops at depth 4.
enum TemplateText {
    static func fill(_ template: String, depth: Int = 0, _ slot: (String) -> String?) -> String {
        var out = ""
        out.reserveCapacity(template.utf8.count + 64)
        let u = template.utf8
        var segment = u.startIndex
        var i = u.startIndex
        while i < u.endIndex {
            guard u[i] == UInt8(ascii: "{"), let close = u[i...].firstIndex(of: UInt8(ascii: "}")) else {
                i = u.index(after: i)
                continue
            }
            out += template[segment..<i]
            let name = String(template[u.index(after: i)..<close])
            i = u.index(after: close)
            segment = i
            let first = name.utf8.first ?? 0
            let capital = first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z")
            let key = capital ? name.prefix(1).lowercased() + name.dropFirst() : name
            guard var value = slot(key) else { out += "{\(name)}"; continue }
            if depth < 4, value.utf8.contains(UInt8(ascii: "{")) { value = fill(value, depth: depth + 1, slot) }
            out += capital ? capitalized(value) : value
        }
        out += template[segment...]
        return out
    }

    static func capitalized(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst()
    }
}
