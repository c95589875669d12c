import VendorMatchCore
import Foundation

/// A paired comparison of two systems over the same requests (B against A).
public struct PairedComparison: Sendable, Equatable, Codable {
    public var n: Int
    public var meanA: Double
    public var meanB: Double
    /// Mean of B − A.
    public var meanDifference: Double
    public var tStatistic: Double
    /// Two-sided p-value of the paired t-test (Student's t with n − 1 degrees of freedom).
    public var tTestP: Double
    /// Two-sided p-value of Fisher's randomisation (sign-flip) test.
    public var randomisationP: Double
    public var permutations: Int
    /// Requests where B is better / equal / worse than A (|difference| ≤ 1e-12 is a tie).
    public var wins: Int
    public var ties: Int
    public var losses: Int

    /// Compares paired samples `a[i]`, `b[i]`.
    /// - Parameters:
    ///   - permutations: random sign assignments for the randomisation test.
    ///   - seed: seeds the generator, so the p-value is reproducible.
    public init(a: [Double], b: [Double], permutations: Int = 10_000, seed: UInt64 = 0x5EED) {
        precondition(a.count == b.count, "paired samples must have equal length")
        let n = a.count
        let d = zip(b, a).map { $0 - $1 }
        self.n = n
        self.permutations = permutations
        meanA = n > 0 ? a.reduce(0, +) / Double(n) : 0
        meanB = n > 0 ? b.reduce(0, +) / Double(n) : 0
        let mean = n > 0 ? d.reduce(0, +) / Double(n) : 0
        meanDifference = mean
        wins = d.filter { $0 > 1e-12 }.count
        losses = d.filter { $0 < -1e-12 }.count
        ties = n - wins - losses
        (tStatistic, tTestP) = PairedComparison.pairedT(d)
        randomisationP = PairedComparison.randomisation(d, permutations: permutations, seed: seed)
    }

    /// Paired t statistic and two-sided p-value of differences `d`.
    static func pairedT(_ d: [Double]) -> (Double, Double) {
        let n = d.count
        guard n >= 2 else { return (0, 1) }
        let mean = d.reduce(0, +) / Double(n)
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        if variance <= 0 { return mean == 0 ? (0, 1) : (mean > 0 ? .infinity : -.infinity, 0) }
        let t = mean / (variance / Double(n)).squareRoot()
        return (t, StudentT.twoSidedP(t: t, degreesOfFreedom: Double(n - 1)))
    }

    /// Sign-flip randomisation test: the share of random sign assignments whose |mean| reaches the
    /// observed |mean|, counting the observed assignment: (hits + 1) / (permutations + 1).
    static func randomisation(_ d: [Double], permutations: Int, seed: UInt64) -> Double {
        let n = d.count
        guard n > 0, permutations > 0 else { return 1 }
        let observed = abs(d.reduce(0, +))
        let tolerance = 1e-12 * max(1, observed)
        var rng = SplitMix64(seed: seed)
        var hits = 0
        for _ in 0..<permutations {
            var sum = 0.0
            var bits: UInt64 = 0
            for i in 0..<n {
                if i % 64 == 0 { bits = rng.next() }
                sum += (bits & 1) == 0 ? d[i] : -d[i]
                bits >>= 1
            }
            if abs(sum) >= observed - tolerance { hits += 1 }
        }
        return Double(hits + 1) / Double(permutations + 1)
    }
}


/// Student's t distribution through the regularized incomplete beta function.
public enum StudentT {
    /// P(|T| ≥ |t|) for `degreesOfFreedom` ν: I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func twoSidedP(t: Double, degreesOfFreedom v: Double) -> Double {
        guard t.isFinite else { return 0 }
        return min(1, max(0, IncompleteBeta.regularized(x: v / (v + t * t), a: v / 2, b: 0.5)))
    }
}

/// The regularized incomplete beta function I_x(a, b), by Lentz's continued fraction.
public enum IncompleteBeta {
    public static func regularized(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnPowers - lnBeta
        let front = exp(lnFront)
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
