import VendorMatchCore
import CVectorKernel

/// An inverted-file index over unit vectors identified by ordinal: centroids fixed at build, each vector in
/// the list of its nearest centroid as int8 codes (`Int8Code`). Inserts and removals keep the lists exact
/// (a new vector goes to its nearest list); only a rebuild moves the centroids.
///
/// A value type: a copy shares its lists until one of them is written.
struct NeighbourIndex: Sendable {
    let dims: Int
    let configuration: NeighbourSearch
    /// Unit centroids, flat (`lists × dims`).
    let centroids: [Float]
    /// Per list: its ordinals, their int8 codes (flat, `dims` each) and their scales.
    private(set) var ordinals: [[Int32]]
    private(set) var codes: [[Int8]]
    private(set) var scales: [[Float]]
    /// Per ordinal: its list (-1: not indexed) and its position there.
    private(set) var list: [Int32] = []
    private(set) var position: [Int32] = []
    private(set) var count = 0

    var listCount: Int { ordinals.count }

    /// Trains centroids on a seeded sample of the vectors `vectors[o]` for the ordinals `members` (flat
    /// storage, `dims` floats per ordinal) and files every member.
    init(vectors: [Float], dims: Int, members: [Int32], configuration: NeighbourSearch) {
        self.dims = dims
        self.configuration = configuration
        let k = configuration.listCount(for: members.count)
        var random = SplitMix64(seed: configuration.seed ^ 0x5EED)
        var sample = members
        let wanted = min(sample.count, max(k, k * configuration.samplePerList))
        for i in 0..<wanted { sample.swapAt(i, i + Int(random.next() % UInt64(sample.count - i))) }
        var training = [Float]()
        training.reserveCapacity(wanted * dims)
        for o in sample.prefix(wanted) { training.append(contentsOf: vectors[Int(o) * dims..<(Int(o) + 1) * dims]) }
        centroids = SphericalKMeans.train(training, count: wanted, dims: dims, k: k, iterations: configuration.iterations,
                                          seed: configuration.seed)
        let lists = centroids.count / max(1, dims)
        ordinals = Array(repeating: [], count: lists)
        codes = Array(repeating: [], count: lists)
        scales = Array(repeating: [], count: lists)
        guard lists > 0 else { return }
        // Members in ascending ordinal order, so the lists (and ties in a search) do not depend on `members`'
        // order; assigned a block at a time (one copy of the whole catalogue would double its memory).
        let sorted = members.sorted()
        let block = 65_536
        var flat = [Float]()
        var assignment = [Int32](repeating: 0, count: block), best = [Float](repeating: 0, count: block)
        for start in stride(from: 0, to: sorted.count, by: block) {
            let chunk = sorted[start..<min(sorted.count, start + block)]
            flat.removeAll(keepingCapacity: true)
            for o in chunk { flat.append(contentsOf: vectors[Int(o) * dims..<(Int(o) + 1) * dims]) }
            SphericalKMeans.nearest(flat, count: chunk.count, centroids: centroids, k: lists, dims: dims,
                                    assignment: &assignment, best: &best)
            for (i, o) in chunk.enumerated() {
                file(o, vector: flat[i * dims..<(i + 1) * dims], into: Int(assignment[i]))
            }
        }
    }

    /// Files `vector` under `ordinal` in its nearest list (replacing what the ordinal had).
    mutating func insert(_ ordinal: Int32, vector: ArraySlice<Float>) {
        guard vector.count == dims, listCount > 0 else { return }
        remove(ordinal)
        var assignment: [Int32] = [0], best: [Float] = [0]
        SphericalKMeans.nearest(Array(vector), count: 1, centroids: centroids, k: listCount, dims: dims,
                                assignment: &assignment, best: &best)
        file(ordinal, vector: vector, into: Int(assignment[0]))
    }

    /// Takes `ordinal` out of its list (the list's last entry takes its place).
    mutating func remove(_ ordinal: Int32) {
        let o = Int(ordinal)
        guard o < list.count, list[o] >= 0 else { return }
        let l = Int(list[o]), p = Int(position[o]), last = ordinals[l].count - 1
        if p != last {
            let moved = ordinals[l][last]
            ordinals[l][p] = moved
            let d = dims
            codes[l].withUnsafeMutableBufferPointer { c in
                for j in 0..<d { c[p * d + j] = c[last * d + j] }
            }
            scales[l][p] = scales[l][last]
            position[Int(moved)] = Int32(p)
        }
        ordinals[l].removeLast()
        codes[l].removeLast(dims)
        scales[l].removeLast()
        list[o] = -1
        count -= 1
    }

    private mutating func file(_ ordinal: Int32, vector: ArraySlice<Float>, into l: Int) {
        let o = Int(ordinal)
        if list.count <= o {
            list.append(contentsOf: repeatElement(-1, count: o + 1 - list.count))
            position.append(contentsOf: repeatElement(-1, count: o + 1 - position.count))
        }
        list[o] = Int32(l)
        position[o] = Int32(ordinals[l].count)
        ordinals[l].append(ordinal)
        let scale = Int8Code.encode(vector, into: &codes[l])
        scales[l].append(scale)
        count += 1
    }

    /// The ordinals of the `limit` best candidates for `query` (a unit vector) by int8 dot product in the
    /// `probes` lists nearest it, best first (ties: lower ordinal). Approximate: rescore them exactly.
    func candidates(_ query: [Float], limit: Int, probes: Int) -> [Int32] {
        guard query.count == dims, listCount > 0, limit > 0 else { return [] }
        var toCentroid = [Float](repeating: 0, count: listCount)
        vm_dots_f32(query, centroids, listCount, dims, &toCentroid)
        let probed = TopScores.best(min(probes, listCount), of: toCentroid.indices.lazy.map { (toCentroid[$0], Int32($0)) })
        var code = [Int8]()
        code.reserveCapacity(dims)
        _ = Int8Code.encode(query, into: &code)
        var top = TopScores(limit: limit)
        var dots = [Int32]()
        for l in probed {
            let members = ordinals[Int(l)]
            guard !members.isEmpty else { continue }
            if dots.count < members.count { dots = [Int32](repeating: 0, count: members.count) }
            codes[Int(l)].withUnsafeBufferPointer { c in
                dots.withUnsafeMutableBufferPointer { d in
                    vm_dots_i8(code, c.baseAddress!, members.count, dims, d.baseAddress!)
                }
            }
            let scale = scales[Int(l)]
            for i in members.indices { top.offer(Float(dots[i]) * scale[i], members[i]) }
        }
        return top.sorted()
    }
}
