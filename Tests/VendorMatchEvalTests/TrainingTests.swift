import Foundation
import Testing
@testable import VendorMatchEval

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func matchesFIPSVectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test func incrementalUpdatesEqualOneShot() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        var s = SHA256()
        s.update(bytes[..<333]); s.update(bytes[333...])
        #expect(s.finalizeHex() == SHA256.hex(bytes))
    }
}

@Suite struct CoordinateAscentTests {
    /// Feature 1 orders the relevant vendor first; feature 0 puts it last. Starting from equal weights
    /// (where feature 0's larger spread wins), training must shift weight to feature 1 and reach NDCG 1.
    func examples() -> [RankingExample] {
        (0..<20).map { q in
            let ids = ["a", "b", "c", "d"]
            // Relevant vendor "d": feature 0 low, feature 1 high.
            let f: [[Double]] = [[1.0, 0.1], [0.8, 0.2], [0.6, 0.3], [0.0, 0.5 + Double(q) * 0.01]]
            return RankingExample(requestID: "q\(q)", vendorIDs: ids, features: f, judgements: ["d": 2, "zz": 1], k: 10)
        }
    }

    @Test func learnsThePredictiveFeature() {
        let ca = CoordinateAscent(.init(k: 10, restarts: 2, seed: 3))
        let ex = examples()
        let start = ca.score([1, 1], ex)
        let (w, s) = ca.train(ex, initial: [1, 1])
        // "d" at rank 4 of grades 2 (ideal: 2 at rank 1, 1 at rank 2): DCG = 2/log2(5).
        let startExpected: Double = (2 / log2(5.0)) / (2 + 1 / log2(3.0))
        #expect(abs(start - startExpected) < 1e-12)
        // Best possible: d first, the judged "zz" never retrieved → 2 / (2 + 1/log2(3)).
        let bestExpected: Double = 2 / (2 + 1 / log2(3.0))
        #expect(abs(s - bestExpected) < 1e-12)
        #expect(w[1] > w[0])
        #expect(abs(w.reduce(0, +) - 2) < 1e-9)
        #expect(w.allSatisfy { $0 >= 0 })
    }

    @Test func foldsAreSeededAndBalanced() {
        let ids = (0..<23).map { "r\($0)" }
        let a = Folds.assign(ids, folds: 5, seed: 9), b = Folds.assign(ids.reversed(), folds: 5, seed: 9)
        #expect(a == b)
        let sizes = (0..<5).map { f in a.values.filter { $0 == f }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    /// `train --market D@hybrid --market D@lexical` keys both copies of a request alike: listed twice, an id
    /// is dealt once, so the folds stay balanced over distinct requests and match those without the copies.
    @Test func anIdListedTwiceIsDealtOnce() {
        let ids = (0..<23).map { "0/r\($0)" }
        let once = Folds.assign(ids, folds: 5, seed: 9)
        let twice = Folds.assign(ids + ids.prefix(11), folds: 5, seed: 9)
        #expect(twice == once)
        let sizes = (0..<5).map { f in twice.values.filter { $0 == f }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
    }
}
