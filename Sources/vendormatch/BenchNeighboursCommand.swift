import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking

struct BenchNeighboursCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-neighbours",
        abstract: "Measures the semantic need channel's approximate nearest-neighbour index against an exact scan.",
        discussion: """
        Synthesises clustered unit vectors (topics, subtopics and noise; encoding a million real needs with \
        MiniLM would take an hour), builds the index (timed), then for each query finds the 100 nearest by \
        the index and by an exhaustive scan, and reports recall@100 and per-query latency on one thread.
          swift build -c release --product vendormatch
          .build/release/vendormatch bench-neighbours --vectors 1000000
        """
    )

    @Option(help: "Case-study vectors.") var vectors = 1_000_000
    @Option(help: "Dimensions (MiniLM: 384).") var dims = 384
    @Option(help: "Queries (each also answered by the exact scan).") var queries = 200
    @Option(help: "Topics; each has --subtopics subtopics.") var topics = 500
    @Option(help: "Subtopics per topic.") var subtopics = 8
    @Option(help: "Cosine of a vector to its subtopic's centre (lower: looser clusters, harder).") var cohesion = 0.7
    @Option(help: "Neighbours compared (recall@k).") var k = 100
    @Option(parsing: .upToNextOption, help: "Probe counts to measure.") var probes: [Int] = [8, 16, 32, 64]
    @Option(help: "Inverted lists (default √n).") var lists: Int?
    @Option(help: "Candidates rescored exactly, as a multiple of k.") var rescore = NeighbourSearch().rescoreFactor
    @Option(help: "Queries also timed with the previous exhaustive scan (Swift loop; slow).") var scalarQueries = 20
    @Option(help: "Also time k = this (the first phase's hits, NeighbourSearch.hits) at the default probes.") var hits = NeighbourSearch().hits
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Cosine below which the channel counts a case 0 (need.semantic_floor): also reports the recall of the true neighbours at or above it.")
    var floor = 0.25

    func run() throws {
        var random = BenchRandom(seed: seed)
        let start = ContinuousClock.now
        let data = ClusteredVectors(dims: dims, topics: topics, subtopics: subtopics, cohesion: Float(cohesion), random: &random)
        let all = data.sample(vectors, random: &random)
        let queryVectors = (0..<queries).map { _ in data.sample(1, random: &random) }
        print("synthesised \(vectors) × \(dims) in \(seconds(ContinuousClock.now - start)) s")

        let buildStart = ContinuousClock.now
        let index = VectorNeighbours(vectors: all, dims: dims, configuration: NeighbourSearch(minimumCases: 0, lists: lists, rescoreFactor: rescore))
        print("index built: \(index.lists) lists in \(seconds(ContinuousClock.now - buildStart)) s (k-means on a sample, then every vector filed)")

        var exactTimes: [Double] = []
        var truth: [[Int32]] = []
        for q in queryVectors {
            let t = ContinuousClock.now
            truth.append(index.exact(q, k: k))
            exactTimes.append((ContinuousClock.now - t).milliseconds)
        }
        // The true neighbours the channel gives a similarity above 0.
        let dims = dims
        let aboveFloor = zip(queryVectors, truth).map { q, ids in
            Set(ids.filter { id in (0..<dims).reduce(Float(0)) { $0 + q[$1] * all[Int(id) * dims + $1] } >= Float(floor) })
        }
        let relevantCount = aboveFloor.reduce(0) { $0 + $1.count }
        print("true top-\(k) neighbours at or above cosine \(floor): \(relevantCount) of \(truth.count * k)")
        print("exact scan (vector kernel):   p50 \(r3(percentile(exactTimes, 0.5))) ms  p99 \(r3(percentile(exactTimes, 0.99))) ms")
        var scalarTimes: [Double] = []
        for q in queryVectors.prefix(scalarQueries) {
            let t = ContinuousClock.now
            blackHole(Self.scalarScan(q, all, dims: dims))
            scalarTimes.append((ContinuousClock.now - t).milliseconds)
        }
        if !scalarTimes.isEmpty {
            print("exact scan (previous Swift loop, \(scalarTimes.count) queries): p50 \(r3(percentile(scalarTimes, 0.5))) ms")
        }
        for p in probes {
            for q in queryVectors.prefix(10) { blackHole(index.approximate(q, k: k, probes: p)) }
            var times: [Double] = []
            var found = 0, foundAbove = 0
            for ((q, exact), above) in zip(zip(queryVectors, truth), aboveFloor) {
                let t = ContinuousClock.now
                let got = index.approximate(q, k: k, probes: p)
                times.append((ContinuousClock.now - t).milliseconds)
                found += Set(got).intersection(exact).count
                foundAbove += above.intersection(got).count
            }
            let recall = Double(found) / Double(truth.count * k)
            let recallAbove = Double(foundAbove) / Double(max(1, relevantCount))
            print("probes \(p): recall@\(k) \(String(format: "%.4f", recall))  above floor \(String(format: "%.4f", recallAbove))  p50 \(r3(percentile(times, 0.5))) ms  p99 \(r3(percentile(times, 0.99))) ms")
        }
        if hits > 0 {
            var times: [Double] = []
            for q in queryVectors {
                let t = ContinuousClock.now
                blackHole(index.approximate(q, k: hits))
                times.append((ContinuousClock.now - t).milliseconds)
            }
            print("k \(hits) at the default \(NeighbourSearch().probes) probes (the first phase's hits): p50 \(r3(percentile(times, 0.5))) ms  p99 \(r3(percentile(times, 0.99))) ms")
        }
    }

    /// The exhaustive scan the semantic channel used before the index: one Swift loop per vector.
    static func scalarScan(_ q: [Float], _ vectors: [Float], dims: Int) -> Float {
        var best: Float = -2
        vectors.withUnsafeBufferPointer { v in
            for c in 0..<(v.count / dims) {
                var dot: Float = 0
                for i in 0..<dims { dot += q[i] * v[c * dims + i] }
                best = max(best, dot)
            }
        }
        return best
    }

    private func seconds(_ d: Duration) -> String { String(format: "%.1f", d.seconds) }
    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
    }
    private func r3(_ v: Double) -> String { String(format: "%.3f", v) }
}

@inline(never) private func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// Clustered unit vectors: topic centres at random, subtopic centres near their topic, vectors near their
/// subtopic at a chosen cosine: roughly how sentence embeddings of one market's needs cluster.
private struct ClusteredVectors {
    let dims: Int
    let centres: [[Float]]
    let noise: Float

    init(dims: Int, topics: Int, subtopics: Int, cohesion: Float, random: inout BenchRandom) {
        self.dims = dims
        var centres: [[Float]] = []
        for _ in 0..<max(1, topics) {
            let topic = random.unitVector(dims)
            for _ in 0..<max(1, subtopics) {
                centres.append(normalised(zip(topic, random.gaussians(dims)).map { $0 + 0.06 * $1 }))
            }
        }
        self.centres = centres
        // |noise|² = dims σ² gives cosine 1/√(1 + dims σ²) to the centre.
        noise = ((1 / (cohesion * cohesion) - 1) / Float(dims)).squareRoot()
    }

    func sample(_ count: Int, random: inout BenchRandom) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count * dims)
        for _ in 0..<count {
            let centre = centres[Int(random.next() % UInt64(centres.count))]
            out.append(contentsOf: normalised(zip(centre, random.gaussians(dims)).map { $0 + noise * $1 }))
        }
        return out
    }
}

private func normalised(_ v: [Float]) -> [Float] {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? v.map { $0 / norm } : v
}

private struct BenchRandom {
    private var source: SplitMix64
    init(seed: UInt64) { source = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { source.next() }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
    mutating func gaussians(_ n: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(n + 1)
        while out.count < n {
            let u = max(uniform(), 1e-7), v = uniform()
            let r = (-2 * log(u)).squareRoot()
            out.append(r * cos(2 * .pi * v))
            out.append(r * sin(2 * .pi * v))
        }
        return Array(out.prefix(n))
    }
    mutating func unitVector(_ n: Int) -> [Float] { normalised(gaussians(n)) }
}
