/// How the semantic need channel finds the case studies nearest a request once the catalogue is large:
/// an inverted-file index (seeded spherical k-means centroids, each case-study vector in the list of its
/// nearest centroid, stored as int8), of which a request scans the lists nearest its vector and rescores
/// the best candidates exactly. Smaller catalogues are scanned exhaustively.
public struct NeighbourSearch: Sendable, Equatable {
    /// Below this many case-study vectors every vector is scanned: exact, and as fast at that size.
    public var minimumCases: Int
    /// Inverted lists (centroids); `nil`: about √n of the vectors at build time.
    public var lists: Int?
    /// Lists scanned per request (those whose centroids are nearest its vector).
    public var probes: Int
    /// Case studies the first phase takes from the index per request (by exact cosine).
    public var hits: Int
    /// Candidates (by int8 score) rescored exactly with the float vectors, as a multiple of the hits asked for.
    public var rescoreFactor: Int
    /// Vectors k-means trains on, per list (a seeded sample of the catalogue's).
    public var samplePerList: Int
    /// k-means iterations.
    public var iterations: Int
    /// Seed of the sample and of the starting centroids: the same catalogue gives the same index.
    public var seed: UInt64

    /// - Parameters:
    ///   - minimumCases: 50,000 (an exhaustive scan of 50,000 × 384 floats takes a few milliseconds).
    ///   - lists: `nil` (√n); `probes`: 24 (recall@100 0.95 on BENCHMARKS.md's clustered million); `hits`: 300; `rescoreFactor`: 2 (600 candidates rescored);
    ///   - samplePerList: 32; `iterations`: 8; `seed`: 17.
    public init(minimumCases: Int = 50_000, lists: Int? = nil, probes: Int = 24, hits: Int = 300, rescoreFactor: Int = 2,
                samplePerList: Int = 32, iterations: Int = 8, seed: UInt64 = 17) {
        self.minimumCases = minimumCases
        self.lists = lists
        self.probes = probes
        self.hits = hits
        self.rescoreFactor = rescoreFactor
        self.samplePerList = samplePerList
        self.iterations = iterations
        self.seed = seed
    }

    /// The lists a catalogue of `count` vectors is split into.
    func listCount(for count: Int) -> Int { max(1, min(count, lists ?? Int(Double(count).squareRoot().rounded()))) }
}
