import CTreeKernel

/// Exact TreeSHAP contributions precomputed per leaf (the idea of Fast TreeSHAP v2, Yang 2021).
///
/// Path-dependent TreeSHAP gives a leaf with value `v`, whose path splits on `d` unique features, the
/// contribution `v · (o_k − z_k) · Σ_{S ⊆ U∖{k}} |S|!(d−|S|−1)!/d! · Π_{j∈S} o_j · Π_{j∉S, j≠k} z_j` for
/// each of them, where `z_j` is the product of the path's cover ratios at `j`'s splits and `o_j` is 1
/// when the row goes the path's way at every one of them, else 0. Only the `o` depend on the row, and
/// they follow from which of the path's `m` splits the row agrees with: each leaf keeps its `2^m × d`
/// contributions, one row per agreement pattern. A row's contributions are then one pass over each
/// tree's splits (as a prediction makes) and one table row per leaf, instead of the recursion's
/// `O(leaves × depth²)` path arithmetic (`vm_tree_shap`).
struct LeafPatternSHAP: Equatable {
    /// Deepest trees the tables take (one bit per split of a complete tree in 64 bits), and the most
    /// coefficients they may hold; beyond either the recursion is used.
    static let maxDepth = 6
    static let maxCoefficients = 8_000_000

    var treeLeaf: [Int32] = [0]
    var leafConditions: [UInt8] = []
    var leafUnique: [UInt8] = []
    var leafWantLeft: [UInt32] = []
    var leafCoefficient: [Int64] = []
    var conditionPosition: [UInt16] = []
    var slotFeature: [Int32] = []
    var coefficient: [Double] = []
    let complete: TreeEnsemble.CompleteTrees

    private typealias Step = (position: Int, feature: Int32, left: Bool, ratio: Double)

    /// `nil` when the trees are too deep or the tables would be too large.
    init?(nodes: [TreeEnsemble.Node], cover: [Double], roots: [Int], complete: TreeEnsemble.CompleteTrees?) {
        guard let complete, Int(complete.depth) <= Self.maxDepth else { return nil }
        self.complete = complete
        let depth = Int(complete.depth)
        var leaves = 0
        for root in roots { leaves += Self.leafCount(nodes, root) }
        guard leaves * (1 << depth) * depth <= Self.maxCoefficients else { return nil }
        coefficient.reserveCapacity(leaves * (1 << depth) * depth)
        var path: [Step] = []
        for root in roots {
            walk(nodes, cover, root, position: 0, depth: depth, &path)
            treeLeaf.append(Int32(leafUnique.count))
        }
    }

    private static func leafCount(_ nodes: [TreeEnsemble.Node], _ node: Int) -> Int {
        let n = nodes[node]
        return n.left < 0 ? 1 : leafCount(nodes, Int(n.left)) + leafCount(nodes, Int(n.right))
    }

    private mutating func walk(_ nodes: [TreeEnsemble.Node], _ cover: [Double], _ node: Int, position: Int, depth: Int, _ path: inout [Step]) {
        let n = nodes[node]
        if n.left < 0 {
            addLeaf(value: Double(n.threshold), path: path, depth: depth)
            return
        }
        for (child, left) in [(Int(n.left), true), (Int(n.right), false)] {
            path.append((position, n.feature, left, cover[child] / cover[node]))
            walk(nodes, cover, child, position: 2 * position + (left ? 1 : 2), depth: depth, &path)
            path.removeLast()
        }
    }

    private mutating func addLeaf(value: Double, path: [Step], depth: Int) {
        var features: [Int32] = [], zero: [Double] = [], slotOf: [Int] = []
        var wantLeft: UInt32 = 0
        for (i, step) in path.enumerated() {
            if let k = features.firstIndex(of: step.feature) {
                slotOf.append(k)
                zero[k] *= step.ratio
            } else {
                slotOf.append(features.count)
                features.append(step.feature)
                zero.append(step.ratio)
            }
            if step.left { wantLeft |= 1 << i }
        }
        let m = path.count, d = features.count
        leafConditions.append(UInt8(m))
        leafUnique.append(UInt8(d))
        leafWantLeft.append(wantLeft)
        leafCoefficient.append(Int64(coefficient.count))
        conditionPosition += path.map { UInt16($0.position) } + [UInt16](repeating: 0, count: depth - m)
        slotFeature += features + [Int32](repeating: 0, count: depth - d)
        guard d > 0 else { return }
        // By pattern of the unique features the row agrees with.
        var factorial = [1.0]
        for i in 1...d { factorial.append(factorial[i - 1] * Double(i)) }
        let weight = (0..<d).map { s in factorial[s] * factorial[d - s - 1] / factorial[d] }
        var bySlots = [Double](repeating: 0, count: (1 << d) * d)
        for pattern in 0..<(1 << d) {
            for k in 0..<d {
                let one = Double((pattern >> k) & 1)
                let others = ((1 << d) - 1) & ~(1 << k)
                let allowed = pattern & others
                var total = 0.0
                // Every S ⊆ allowed (submask enumeration, the empty set included).
                var s = allowed
                while true {
                    var term = weight[s.nonzeroBitCount]
                    var rest = others & ~s
                    while rest != 0 {
                        term *= zero[rest.trailingZeroBitCount]
                        rest &= rest - 1
                    }
                    total += term
                    if s == 0 { break }
                    s = (s - 1) & allowed
                }
                bySlots[pattern * d + k] = value * (one - zero[k]) * total
            }
        }
        // By pattern of the splits: a feature agrees when the row agrees at every one of its splits.
        for splits in 0..<(1 << m) {
            var pattern = (1 << d) - 1
            for i in 0..<m where (splits >> i) & 1 == 0 { pattern &= ~(1 << slotOf[i]) }
            coefficient += bySlots[(pattern * d)..<((pattern + 1) * d)]
        }
    }

    /// Adds each row's contributions to `phi[row * (columns + 1) + feature]`.
    func add(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into phi: UnsafeMutablePointer<Double>) {
        complete.withKernelTrees { trees in
        treeLeaf.withUnsafeBufferPointer { treeLeaf in
        leafConditions.withUnsafeBufferPointer { leafConditions in
        leafUnique.withUnsafeBufferPointer { leafUnique in
        leafWantLeft.withUnsafeBufferPointer { leafWantLeft in
        leafCoefficient.withUnsafeBufferPointer { leafCoefficient in
        conditionPosition.withUnsafeBufferPointer { conditionPosition in
        slotFeature.withUnsafeBufferPointer { slotFeature in
        coefficient.withUnsafeBufferPointer { coefficient in
            var s = vm_leaf_shap(trees: trees, treeLeaf: treeLeaf.baseAddress, leafConditions: leafConditions.baseAddress,
                                 leafUnique: leafUnique.baseAddress, leafWantLeft: leafWantLeft.baseAddress,
                                 leafCoefficient: leafCoefficient.baseAddress, conditionPosition: conditionPosition.baseAddress,
                                 slotFeature: slotFeature.baseAddress, coefficient: coefficient.baseAddress)
            vm_leaf_shap_rows(&s, matrix, rows, columns, phi)
        } } } } } } } } }
    }
}
