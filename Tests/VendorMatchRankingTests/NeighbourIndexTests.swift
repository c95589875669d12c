import Foundation
import Testing
@testable import VendorMatchRanking

/// Test vectors: unit vectors at random, or clustered around a few centres, from a seeded generator.
private struct TestVectors {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11
    }

    mutating func gaussian() -> Double {
        let u = max(Double(next() % 1_000_000) / 1_000_000, 1e-9), v = Double(next() % 1_000_000) / 1_000_000
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    mutating func unit(_ dims: Int, near centre: [Double]? = nil, noise: Double = 1) -> [Float] {
        let v = (0..<dims).map { (centre?[$0] ?? 0) + noise * gaussian() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { Float($0 / norm) }
    }

    mutating func random(_ count: Int, dims: Int) -> [Float] { (0..<count).flatMap { _ in unit(dims) } }

    mutating func clustered(_ count: Int, dims: Int, clusters: Int) -> [Float] {
        let centres = (0..<clusters).map { _ in unit(dims).map(Double.init) }
        return (0..<count).flatMap { _ in unit(dims, near: centres[Int(next() % UInt64(clusters))], noise: 0.08) }
    }
}

/// The `k` nearest rows by a plain double-precision scan (independent of the kernels under test).
private func bruteForce(_ query: [Float], _ vectors: [Float], dims: Int, k: Int, skip: Set<Int32> = []) -> [Int32] {
    let rows = vectors.count / dims
    let scored = (0..<rows).filter { !skip.contains(Int32($0)) }.map { r -> (Double, Int32) in
        var dot = 0.0
        for j in 0..<dims { dot += Double(query[j]) * Double(vectors[r * dims + j]) }
        return (dot, Int32(r))
    }
    return scored.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.prefix(k).map(\.1)
}

private func recall(_ got: [[Int32]], _ truth: [[Int32]]) -> Double {
    let found = zip(got, truth).reduce(0) { $0 + Set($1.0).intersection($1.1).count }
    return Double(found) / Double(truth.reduce(0) { $0 + $1.count })
}

@Suite struct NeighbourIndexTests {
    let dims = 48

    func index(_ vectors: [Float], lists: Int? = nil, probes: Int = 8, seed: UInt64 = 17) -> NeighbourIndex {
        NeighbourIndex(vectors: vectors, dims: dims, members: (0..<Int32(vectors.count / dims)).map { $0 },
                       configuration: NeighbourSearch(minimumCases: 0, lists: lists, probes: probes, seed: seed))
    }

    @Test func findsTheExactNeighboursOfClusteredVectors() {
        var g = TestVectors(state: 1)
        let vectors = g.clustered(6_000, dims: dims, clusters: 60)
        let ann = index(vectors)
        let queries = (0..<30).map { _ in Array(vectors[(Int(g.next() % 6_000) * dims)...].prefix(dims)).map { $0 * 0.9 } }
            .map { q in g.unit(dims, near: q.map(Double.init), noise: 0.05) }
        let truth = queries.map { bruteForce($0, vectors, dims: dims, k: 100) }
        let got = queries.map { ann.nearest($0, k: 100, vectors: vectors).map(\.id) }
        #expect(recall(got, truth) >= 0.95)
        // Rescored exactly: each hit's score is its true cosine.
        for (q, hits) in zip(queries, queries.map { ann.nearest($0, k: 10, vectors: vectors) }) {
            for hit in hits {
                let exact = (0..<dims).reduce(0.0) { $0 + Double(q[$1]) * Double(vectors[Int(hit.id) * dims + $1]) }
                #expect(abs(Double(hit.score) - exact) < 1e-5)
            }
        }
    }

    @Test func findsTheExactNeighboursOfRandomVectorsWhenEveryListIsProbed() {
        var g = TestVectors(state: 2)
        let vectors = g.random(3_000, dims: dims)
        let ann = index(vectors, lists: 40)
        let queries = (0..<20).map { _ in g.unit(dims) }
        let truth = queries.map { bruteForce($0, vectors, dims: dims, k: 50) }
        // Unclustered vectors have no near lists: every list must be scanned; the int8 scan plus exact
        // rescoring then finds (nearly) all of the true neighbours.
        let got = queries.map { ann.nearest($0, k: 50, vectors: vectors, probes: 40).map(\.id) }
        #expect(recall(got, truth) >= 0.95)
    }

    @Test func writesKeepTheListsExact() {
        var g = TestVectors(state: 3)
        var vectors = g.clustered(2_000, dims: dims, clusters: 20)
        var ann = index(vectors, probes: 4)
        #expect(ann.count == 2_000)
        // Remove a tenth: none of them is ever found again.
        let removed = Set((0..<200).map { Int32($0 * 10) })
        for o in removed { ann.remove(o) }
        ann.remove(5)  // twice: no effect
        ann.remove(5)
        #expect(ann.count == 2_000 - 200 - 1)
        let gone = removed.union([5])
        // New vectors appended under new ordinals go to their nearest list and are found.
        let fresh = g.clustered(100, dims: dims, clusters: 5)
        vectors += fresh
        for i in 0..<100 { ann.insert(Int32(2_000 + i), vector: fresh[(i * dims)..<((i + 1) * dims)]) }
        #expect(ann.count == 2_000 - 201 + 100)
        for i in 0..<100 {
            let q = Array(fresh[(i * dims)..<((i + 1) * dims)])
            let hits = ann.nearest(q, k: 20, vectors: vectors).map(\.id)
            #expect(hits.first.map { vectors[Int($0) * dims..<(Int($0) + 1) * dims].elementsEqual(q) } == true)
            #expect(gone.isDisjoint(with: hits))
        }
        // A re-inserted ordinal moves (no duplicate), and every list entry points back at itself.
        ann.insert(7, vector: fresh[0..<dims])
        #expect(ann.count == 2_000 - 201 + 100)
        for l in 0..<ann.listCount {
            for (p, o) in ann.ordinals[l].enumerated() {
                #expect(ann.list[Int(o)] == Int32(l) && ann.position[Int(o)] == Int32(p))
            }
            #expect(ann.codes[l].count == ann.ordinals[l].count * dims && ann.scales[l].count == ann.ordinals[l].count)
        }
        let queries = (0..<20).map { _ in g.unit(dims) }
        let all = ann.nearest(queries[0], k: 3_000, vectors: vectors, probes: ann.listCount).map(\.id)
        #expect(Set(all).count == ann.count)
        #expect(gone.subtracting([7]).isDisjoint(with: all))
    }

    @Test func emptyAndSmallCataloguesAnswer() {
        let empty = index([])
        #expect(empty.listCount == 0 && empty.count == 0)
        #expect(empty.nearest([Float](repeating: 0.1, count: dims), k: 10, vectors: []).isEmpty)
        var g = TestVectors(state: 4)
        let three = g.random(3, dims: dims)
        let small = index(three)
        #expect(small.listCount == 2)  // √3 rounded
        let hits = small.nearest(Array(three[0..<dims]), k: 10, vectors: three)
        #expect(hits.count == 3 && hits[0].id == 0)
        #expect(small.nearest([Float](repeating: 0, count: dims - 1), k: 10, vectors: three).isEmpty)
    }

    @Test func theSameSeedBuildsTheSameIndex() {
        var g = TestVectors(state: 5)
        let vectors = g.clustered(3_000, dims: dims, clusters: 30)
        let a = index(vectors, seed: 9), b = index(vectors, seed: 9), c = index(vectors, seed: 10)
        #expect(a.centroids == b.centroids && a.ordinals == b.ordinals && a.codes == b.codes)
        #expect(a.centroids != c.centroids)
        let q = g.unit(dims)
        #expect(a.nearest(q, k: 50, vectors: vectors).map(\.id) == b.nearest(q, k: 50, vectors: vectors).map(\.id))
    }

    @Test func int8CodesRoundTripWithinHalfAStep() {
        var g = TestVectors(state: 6)
        let v = g.unit(dims)
        var codes: [Int8] = []
        let scale = Int8Code.encode(v, into: &codes)
        for (x, c) in zip(v, codes) { #expect(abs(x - scale * Float(c)) <= scale / 2 + 1e-7) }
        var zero: [Int8] = []
        #expect(Int8Code.encode([Float](repeating: 0, count: 4), into: &zero) == 0 && zero == [0, 0, 0, 0])
    }
}
