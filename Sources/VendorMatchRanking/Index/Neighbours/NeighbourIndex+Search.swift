import CVectorKernel

extension NeighbourIndex {
    /// The `k` vectors nearest `query`, with their exact dot products (the int8 scan's best
    /// `k · rescoreFactor` rescored from the float `vectors`, flat by ordinal), best first (ties: lower ordinal).
    func nearest(_ query: [Float], k: Int, vectors: [Float], probes: Int? = nil) -> [(score: Float, id: Int32)] {
        let found = candidates(query, limit: k * max(1, configuration.rescoreFactor), probes: probes ?? configuration.probes)
        let exact = ExactDots.gather(query, vectors: vectors, dims: dims, rows: found)
        var top = TopScores(limit: k)
        for (s, o) in zip(exact, found) { top.offer(s, o) }
        return top.sortedPairs()
    }
}

/// Exact float dot products through the vector kernel, so an exhaustive scan and the rescoring of an
/// approximate search give a case study the same similarity to the bit.
enum ExactDots {
    /// `query · vectors[r]` for each row `r` of `rows` (flat vectors, `dims` floats each).
    static func gather(_ query: [Float], vectors: [Float], dims: Int, rows: [Int32]) -> [Float] {
        var out = [Float](repeating: 0, count: rows.count)
        guard !rows.isEmpty else { return out }
        vectors.withUnsafeBufferPointer { v in
            vm_dots_f32_gather(query, v.baseAddress!, rows, rows.count, dims, &out)
        }
        return out
    }

    /// `query · vectors[r]` for every row.
    static func all(_ query: [Float], vectors: [Float], dims: Int) -> [Float] {
        let rows = dims > 0 ? vectors.count / dims : 0
        var out = [Float](repeating: 0, count: rows)
        guard rows > 0 else { return out }
        vm_dots_f32(query, vectors, rows, dims, &out)
        return out
    }
}

/// Nearest-neighbour search over a fixed set of unit vectors, approximate (`NeighbourSearch`) and exact
/// side by side: what `vendormatch bench-neighbours` measures. The ranking index keeps its own.
public struct VectorNeighbours: Sendable {
    /// The vectors, flat (`dims` floats each); a vector's id is its position.
    public let vectors: [Float]
    public let dims: Int
    private let index: NeighbourIndex

    /// Builds the approximate index over every vector (k-means on a seeded sample, then every vector filed).
    public init(vectors: [Float], dims: Int, configuration: NeighbourSearch = NeighbourSearch()) {
        self.vectors = vectors
        self.dims = dims
        let count = dims > 0 ? vectors.count / dims : 0
        index = NeighbourIndex(vectors: vectors, dims: dims, members: (0..<Int32(count)).map { $0 }, configuration: configuration)
    }

    /// Inverted lists of the index.
    public var lists: Int { index.listCount }

    /// The approximate `k` nearest ids, best first (exact scores of the int8 scan's best candidates).
    public func approximate(_ query: [Float], k: Int, probes: Int? = nil) -> [Int32] {
        index.nearest(query, k: k, vectors: vectors, probes: probes).map(\.id)
    }

    /// The exact `k` nearest ids by a scan of every vector, best first (ties: lower id).
    public func exact(_ query: [Float], k: Int) -> [Int32] {
        let dots = ExactDots.all(query, vectors: vectors, dims: dims)
        return TopScores.best(k, of: dots.indices.lazy.map { (dots[$0], Int32($0)) })
    }
}
