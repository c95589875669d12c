/// Comparisons whose time does not depend on where two secrets first differ.
public enum ConstantTime {
    /// Whether `given` equals `expected`. The time taken depends only on `expected.count`; lengths are
    /// compared at full width (a difference of 256 bytes is a difference, not an overflow to zero).
    public static func equals(_ given: some Collection<UInt8>, _ expected: some Collection<UInt8>) -> Bool {
        var difference = given.count ^ expected.count
        var g = given.makeIterator()
        for e in expected {
            difference |= Int((g.next() ?? 0) ^ e)
        }
        return difference == 0
    }
}
