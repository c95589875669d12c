import VendorMatchCore
import Foundation

/// The demo market's own random source: xoshiro256** seeded through SplitMix64.
///
/// Never the system generator, so a seed gives the same market on every machine and Swift version.
/// Every part of the market (buyers, requests, each vendor) draws from its own stream, derived from
/// the seed and a stream number, so vendors can be generated one at a time and still be reproducible.
struct DemoRandom: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator for one stream of one seed.
    init(seed: UInt64, stream: UInt64 = 0) {
        var sm = SplitMix64(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in `range` (Lemire-style rejection-free multiply; bias < 2⁻⁵⁰ for our sizes).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound + 1)
        let hi = next().multipliedFullWidth(by: width).high
        return range.lowerBound + Int(hi)
    }

    mutating func int(below n: Int) -> Int { int(0...(n - 1)) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Standard normal (Box–Muller; one value per call keeps streams simple).
    mutating func normal() -> Double {
        var u = unit()
        if u < 1e-300 { u = 1e-300 }
        return (-2 * Foundation.log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }

    mutating func normal(_ mean: Double, _ sd: Double) -> Double { mean + sd * normal() }

    /// Standard Gumbel: the noise of a logit choice model.
    mutating func gumbel() -> Double {
        var u = unit()
        if u < 1e-300 { u = 1e-300 }
        return -Foundation.log(-Foundation.log(u) + 1e-300)
    }

    /// Poisson by inversion (means here are small).
    mutating func poisson(_ mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean > 60 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let l = exp(-mean)
        var k = 0
        var p = unit()
        while p > l { k += 1; p *= unit() }
        return k
    }

    mutating func pick<T>(_ items: [T]) -> T { items[int(below: items.count)] }

    /// Index drawn with probability proportional to `weights`.
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            x -= w
            if x < 0 { return i }
        }
        return weights.count - 1
    }

    /// `count` distinct indices below `n`, in draw order.
    mutating func distinct(_ count: Int, below n: Int) -> [Int] {
        var chosen: [Int] = []
        let count = min(count, n)
        while chosen.count < count {
            let i = int(below: n)
            if !chosen.contains(i) { chosen.append(i) }
        }
        return chosen
    }
}

