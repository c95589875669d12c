/// Short lists of interned strings per vendor (its regions, languages or certifications), flat: one
/// array of ids and a range per vendor, so the hard-constraint scan reads no strings and no sets.
/// Replacing a vendor's list appends a new range; the old one is left behind (ordinals stay stable).
struct TagLists: Sendable {
    private(set) var ids: [String: Int32] = [:]
    private var start: [Int32] = []
    private var count: [Int32] = []
    private var flat: [Int32] = []

    /// Sets vendor `v`'s list (deduplicated); `v` is an existing ordinal or the next one.
    mutating func set(_ v: Int, _ values: [String]) {
        if v == start.count {
            start.append(0)
            count.append(0)
        }
        var seen = Set<Int32>()
        let first = flat.count
        for value in values {
            let id: Int32
            if let known = ids[value] { id = known } else { id = Int32(ids.count); ids[value] = id }
            if seen.insert(id).inserted { flat.append(id) }
        }
        start[v] = Int32(first)
        count[v] = Int32(flat.count - first)
    }

    func isEmpty(_ v: Int) -> Bool { count[v] == 0 }

    /// A request's values as a lookup table over the interned ids, and how many distinct requested
    /// values are known at all (`unknown` counts those no vendor has).
    func wanted(_ values: [String]) -> (table: [Bool], known: Int, unknown: Int) {
        var table = [Bool](repeating: false, count: ids.count)
        var known = 0, unknown = 0
        for value in Set(values) {
            if let id = ids[value] { table[Int(id)] = true; known += 1 } else { unknown += 1 }
        }
        return (table, known, unknown)
    }

    /// How many of vendor `v`'s values are marked in `table`.
    @inline(__always)
    func matches(_ v: Int, in table: UnsafeBufferPointer<Bool>) -> Int {
        let s = Int(start[v])
        var n = 0
        for j in s..<(s + Int(count[v])) where table[Int(flat[j])] { n += 1 }
        return n
    }
}
