import VendorMatchCore

/// A set of service-type codes as a 128-bit mask over the taxonomy's code order (70 codes today).
struct ServiceSet: Sendable, Hashable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    static let capacity = 128

    mutating func insert(_ bit: Int) {
        if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
    }

    func contains(_ bit: Int) -> Bool {
        bit < 64 ? (low >> UInt64(bit)) & 1 == 1 : (high >> UInt64(bit - 64)) & 1 == 1
    }

    func intersects(_ other: ServiceSet) -> Bool { (low & other.low) != 0 || (high & other.high) != 0 }

    var isEmpty: Bool { low == 0 && high == 0 }

    static func | (a: ServiceSet, b: ServiceSet) -> ServiceSet { ServiceSet(low: a.low | b.low, high: a.high | b.high) }

    /// Calls `body` with every member, ascending.
    func forEach(_ body: (Int) -> Void) {
        var l = low
        while l != 0 { body(l.trailingZeroBitCount); l &= l - 1 }
        var h = high
        while h != 0 { body(64 + h.trailingZeroBitCount); h &= h - 1 }
    }
}

/// Service codes ↔ bit positions, and the hierarchy rules of CONTRACT §2 as masks.
struct ServiceCodes: Sendable {
    let codes: [String]
    let bit: [String: Int]
    /// Bit of each code's category (itself for a category).
    let categoryBit: [Int]

    init(taxonomy: Taxonomy) {
        codes = taxonomy.services.codes
        precondition(codes.count <= ServiceSet.capacity, "service taxonomy larger than ServiceSet")
        var b: [String: Int] = [:]
        for (i, c) in codes.enumerated() { b[c] = i }
        bit = b
        categoryBit = codes.map { b[taxonomy.serviceCategory($0)]! }
    }

    func set(_ list: [String]) -> ServiceSet {
        var s = ServiceSet()
        for c in list { if let i = bit[c] { s.insert(i) } }
        return s
    }

    /// The offered codes that satisfy a requested code: a subcategory is met by itself or its whole
    /// category; a category by itself or any of its subcategories.
    func acceptable(for requested: Int) -> ServiceSet {
        var s = ServiceSet()
        if categoryBit[requested] == requested {
            for i in codes.indices where categoryBit[i] == requested { s.insert(i) }
        } else {
            s.insert(requested)
            s.insert(categoryBit[requested])
        }
        return s
    }
}
