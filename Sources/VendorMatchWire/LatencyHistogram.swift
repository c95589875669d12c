/// A log-linear histogram of durations in microseconds: each power of two is split into 32 linear
/// sub-buckets, so a percentile is within 1/32 (≈3 %) of the true value; 0 µs … 2^40 µs (≈12 days).
/// A value type: record into one per task, then `merge`. Shared by the server's `Stats` and `loadgen`.
public struct LatencyHistogram: Sendable, Equatable {
    private static let subBucketBits = 5
    private static let subBuckets = 1 << subBucketBits
    private static let maxExponent = 40

    private var counts: [UInt64]
    /// Values recorded.
    public private(set) var count: UInt64 = 0
    /// The largest value recorded, exact.
    public private(set) var max: UInt64 = 0
    /// The smallest value recorded, exact (0 when empty).
    public private(set) var min: UInt64 = 0
    private var sum: Double = 0

    public init() {
        counts = Array(repeating: 0, count: (Self.maxExponent + 1) * Self.subBuckets)
    }

    /// Bucket index of a value: values below 32 have their own bucket; above, the exponent picks the
    /// power of two and the next 5 bits the sub-bucket.
    private static func index(of value: UInt64) -> Int {
        if value < UInt64(subBuckets) { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount                 // ≥ subBucketBits
        let shift = exponent - subBucketBits
        let sub = Int((value >> UInt64(shift)) & UInt64(subBuckets - 1))
        let group = Swift.min(shift + 1, maxExponent)
        return group * subBuckets + sub
    }

    /// The largest value that falls into bucket `index` (so percentiles never under-report).
    private static func upperBound(of index: Int) -> UInt64 {
        let group = index / subBuckets, sub = index % subBuckets
        if group == 0 { return UInt64(sub) }
        let shift = UInt64(group - 1)
        return ((UInt64(subBuckets + sub) + 1) << shift) - 1
    }

    /// Records one duration in microseconds.
    public mutating func record(_ microseconds: UInt64) {
        counts[Self.index(of: microseconds)] += 1
        if count == 0 || microseconds < min { min = microseconds }
        if microseconds > max { max = microseconds }
        count += 1
        sum += Double(microseconds)
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for i in counts.indices { counts[i] += other.counts[i] }
        if count == 0 || other.min < min { min = other.min }
        if other.max > max { max = other.max }
        count += other.count
        sum += other.sum
    }

    /// The value below or at which `percentile` % of the values lie (0 when empty); capped at `max`.
    public func value(atPercentile percentile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((percentile / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= rank { return Swift.min(Self.upperBound(of: i), max) }
        }
        return max
    }

    /// Mean in microseconds (0 when empty).
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }
}
