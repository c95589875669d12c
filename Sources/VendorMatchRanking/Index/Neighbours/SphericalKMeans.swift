import VendorMatchCore
import Dispatch
import CVectorKernel

/// Seeded spherical k-means: centroids are unit vectors, a vector belongs to the centroid with the
/// largest dot product. The same vectors, `k`, iterations and seed give the same centroids.
enum SphericalKMeans {
    /// `k` unit centroids (flat, `dims` floats each) of the unit vectors `vectors` (flat, `count` of them).
    /// Starts from `k` distinct vectors drawn with `seed`; an emptied cluster takes the vector that is
    /// farthest from its own centroid.
    static func train(_ vectors: [Float], count: Int, dims: Int, k: Int, iterations: Int, seed: UInt64) -> [Float] {
        let k = min(k, count)
        guard k > 0, dims > 0 else { return [] }
        var random = SplitMix64(seed: seed)
        // A partial Fisher–Yates shuffle picks the starting vectors.
        var order = Array(0..<count)
        for i in 0..<k { order.swapAt(i, i + Int(random.next() % UInt64(count - i))) }
        var centroids = [Float](repeating: 0, count: k * dims)
        for i in 0..<k {
            centroids.replaceSubrange(i * dims..<(i + 1) * dims, with: vectors[order[i] * dims..<(order[i] + 1) * dims])
        }
        var assignment = [Int32](repeating: 0, count: count)
        var best = [Float](repeating: 0, count: count)
        for _ in 0..<max(1, iterations) {
            nearest(vectors, count: count, centroids: centroids, k: k, dims: dims, assignment: &assignment, best: &best)
            var sums = [Float](repeating: 0, count: k * dims)
            var members = [Int](repeating: 0, count: k)
            for i in 0..<count {
                let c = Int(assignment[i])
                members[c] += 1
                for j in 0..<dims { sums[c * dims + j] += vectors[i * dims + j] }
            }
            // Emptied clusters, in order, take the worst-placed vectors (ties: the lower index).
            if members.contains(0) {
                var worst = (0..<count).sorted { best[$0] != best[$1] ? best[$0] < best[$1] : $0 < $1 }.makeIterator()
                for c in 0..<k where members[c] == 0 {
                    guard let i = worst.next() else { break }
                    for j in 0..<dims { sums[c * dims + j] = vectors[i * dims + j] }
                }
            }
            for c in 0..<k {
                var norm: Float = 0
                for j in 0..<dims { norm += sums[c * dims + j] * sums[c * dims + j] }
                norm = norm.squareRoot()
                guard norm > 0 else { continue }
                for j in 0..<dims { centroids[c * dims + j] = sums[c * dims + j] / norm }
            }
        }
        return centroids
    }

    /// The nearest centroid of each vector and its dot product, on two threads for large inputs (each
    /// vector's answer is computed alone, so the split does not change it).
    static func nearest(_ vectors: [Float], count: Int, centroids: [Float], k: Int, dims: Int,
                        assignment: inout [Int32], best: inout [Float]) {
        let parts = count * k >= 4_000_000 ? 2 : 1
        vectors.withUnsafeBufferPointer { v in
            centroids.withUnsafeBufferPointer { c in
                assignment.withUnsafeMutableBufferPointer { a in
                    best.withUnsafeMutableBufferPointer { b in
                        nonisolated(unsafe) let v = v
                        nonisolated(unsafe) let c = c
                        nonisolated(unsafe) let a = a
                        nonisolated(unsafe) let b = b
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            let lo = count * part / parts, hi = count * (part + 1) / parts
                            guard hi > lo else { return }
                            vm_nearest_centroids(v.baseAddress! + lo * dims, hi - lo, c.baseAddress!, k, dims,
                                                 a.baseAddress! + lo, b.baseAddress! + lo)
                        }
                    }
                }
            }
        }
    }
}

