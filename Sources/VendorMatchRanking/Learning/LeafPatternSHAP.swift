import CTreeKernel

/// Exact TreeSHAP contributions precomputed per leaf (the idea of Fast TreeSHAP v2, Yang 2021).
///
/// Path-dependent TreeSHAP gives a leaf with value `v`, whose path splits on `d` unique features, the
/// contribution `v · (o_k − z_k) · Σ_{S ⊆ U∖{k}} |S|!(d−|S|−1)!/d! · Π_{j∈S} o_j · Π_{j∉S, j≠k} z_j` for
/// each of them, where `z_j` is the product of the path's cover ratios at `j`'s splits and `o_j` is 1
/// when the row goes the path's way at every one of them, else 0. Only the `o` depend on the row, and
/// they are bits: each leaf keeps its `2^d × d` contributions, one row per agreement pattern, and a
/// row's contributions are one pass over each leaf's conditions and one table row. For the shipped
/// depth-4 trees that is about 20 times less work than the recursion (`vm_tree_shap`).
struct LeafPatternSHAP: Equatable {
    /// Above this many coefficients (deep trees: `2^d` grows fast) the recursion is used instead.
    static let maxCoefficients = 8_000_000

    var leafCondition: [Int32] = [0]
    var leafUnique: [UInt8] = []
    var leafCoefficient: [Int64] = []
    var slotFeature: [Int32] = []
    var conditionFeature: [Int32] = []
    var conditionThreshold: [Float] = []
    var conditionFlags: [UInt8] = []
    var conditionSlot: [UInt8] = []
    var coefficient: [Double] = []
    var maxUnique = 0

    /// `nil` when the tables would be too large (trees deeper than about 6 levels).
    init?(nodes: [TreeEnsemble.Node], cover: [Double], roots: [Int], depths: [Int]) {
        maxUnique = max(1, depths.max() ?? 1)
        guard maxUnique <= 16 else { return nil }
        var estimate = 0
        for (root, depth) in zip(roots, depths) { estimate += Self.leafCount(nodes, root) * (1 << depth) * depth }
        guard estimate <= Self.maxCoefficients else { return nil }
        coefficient.reserveCapacity(estimate)
        var path: [(feature: Int32, threshold: Float, left: Bool, defaultLeft: Bool, ratio: Double)] = []
        for root in roots { walk(nodes, cover, root, &path) }
    }

    private static func leafCount(_ nodes: [TreeEnsemble.Node], _ node: Int) -> Int {
        let n = nodes[node]
        return n.left < 0 ? 1 : leafCount(nodes, Int(n.left)) + leafCount(nodes, Int(n.right))
    }

    private mutating func walk(_ nodes: [TreeEnsemble.Node], _ cover: [Double], _ node: Int,
                               _ path: inout [(feature: Int32, threshold: Float, left: Bool, defaultLeft: Bool, ratio: Double)]) {
        let n = nodes[node]
        if n.left < 0 {
            addLeaf(value: Double(n.threshold), path: path)
            return
        }
        for (child, left) in [(Int(n.left), true), (Int(n.right), false)] {
            path.append((n.feature, n.threshold, left, n.defaultLeft, cover[child] / cover[node]))
            walk(nodes, cover, child, &path)
            path.removeLast()
        }
    }

    private mutating func addLeaf(value: Double, path: [(feature: Int32, threshold: Float, left: Bool, defaultLeft: Bool, ratio: Double)]) {
        var features: [Int32] = [], zero: [Double] = []
        for step in path {
            let slot: Int
            if let k = features.firstIndex(of: step.feature) {
                slot = k
                zero[k] *= step.ratio
            } else {
                slot = features.count
                features.append(step.feature)
                zero.append(step.ratio)
            }
            conditionFeature.append(step.feature)
            conditionThreshold.append(step.threshold)
            conditionFlags.append((step.left ? 1 : 0) | (step.defaultLeft ? 2 : 0))
            conditionSlot.append(UInt8(slot))
        }
        let d = features.count
        leafCondition.append(Int32(conditionFeature.count))
        leafUnique.append(UInt8(d))
        leafCoefficient.append(Int64(coefficient.count))
        slotFeature += features + [Int32](repeating: 0, count: maxUnique - d)
        guard d > 0 else { return }
        // |S|!(d−|S|−1)!/d! for |S| = 0..<d.
        var factorial = [1.0]
        for i in 1...d { factorial.append(factorial[i - 1] * Double(i)) }
        let weight = (0..<d).map { s in factorial[s] * factorial[d - s - 1] / factorial[d] }
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
                        let j = rest.trailingZeroBitCount
                        term *= zero[j]
                        rest &= rest - 1
                    }
                    total += term
                    if s == 0 { break }
                    s = (s - 1) & allowed
                }
                coefficient.append(value * (one - zero[k]) * total)
            }
        }
    }

    /// Adds the row's contributions to `phi[feature]`.
    func add(_ row: UnsafePointer<Float>, into phi: UnsafeMutablePointer<Double>) {
        leafCondition.withUnsafeBufferPointer { leafCondition in
        leafUnique.withUnsafeBufferPointer { leafUnique in
        leafCoefficient.withUnsafeBufferPointer { leafCoefficient in
        slotFeature.withUnsafeBufferPointer { slotFeature in
        conditionFeature.withUnsafeBufferPointer { conditionFeature in
        conditionThreshold.withUnsafeBufferPointer { conditionThreshold in
        conditionFlags.withUnsafeBufferPointer { conditionFlags in
        conditionSlot.withUnsafeBufferPointer { conditionSlot in
        coefficient.withUnsafeBufferPointer { coefficient in
            var s = vm_leaf_shap(leafCondition: leafCondition.baseAddress, leafUnique: leafUnique.baseAddress,
                                 leafCoefficient: leafCoefficient.baseAddress, slotFeature: slotFeature.baseAddress,
                                 conditionFeature: conditionFeature.baseAddress, conditionThreshold: conditionThreshold.baseAddress,
                                 conditionFlags: conditionFlags.baseAddress, conditionSlot: conditionSlot.baseAddress,
                                 coefficient: coefficient.baseAddress, leaves: Int32(leafUnique.count), maxUnique: Int32(maxUnique))
            vm_leaf_shap_row(&s, row, phi)
        } } } } } } } } }
    }
}
