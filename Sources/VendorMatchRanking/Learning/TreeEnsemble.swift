import CTreeKernel
import Foundation
import VendorMatchCore

/// A boosted tree ensemble read from an XGBoost JSON model file (`XGBoosterSaveModel` to `*.json`),
/// evaluated natively: the same traversal as XGBoost (`x < split` goes left, a missing value goes the
/// node's default way; leaf values summed onto the base score), and exact per-feature
/// contributions by TreeSHAP (Lundberg et al., the algorithm of XGBoost's `pred_contribs`).
public struct TreeEnsemble: Sendable, Equatable {
    /// Nodes of every tree, flat; `roots[t]` is tree `t`'s first node.
    var nodes: [Node] = []
    /// Sum of hessians that reached the node (XGBoost's cover).
    var cover: [Double] = []
    /// Cover-weighted mean leaf value under each node (TreeSHAP's expectations).
    var meanValue: [Double] = []
    var roots: [Int] = []
    var depth: [Int] = []
    public private(set) var baseScore: Float = 0
    public private(set) var featureCount = 0
    /// The same trees as complete binary trees of one depth, for the branch-free batch traversal
    /// (`nil` when a tree is deeper than `CompleteTrees.maxDepth`).
    var complete: CompleteTrees?
    var flat = FlatNodes([], roots: [])
    /// TreeSHAP's contributions precomputed per leaf (`nil` for trees too deep for the tables).
    var leafPatterns: LeafPatternSHAP?

    public var treeCount: Int { roots.count }

    public init(json data: Data, source: String) throws(VMError) {
        func bad(_ what: String) -> VMError { VMError(.invalidInput, "\(source): not an XGBoost JSON model (\(what))") }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let learner = root["learner"] as? [String: Any] else { throw bad("no learner") }
        guard let params = learner["learner_model_param"] as? [String: Any],
              let base = (params["base_score"] as? String).flatMap(Float.init) ?? (params["base_score"] as? Double).map(Float.init),
              let nf = (params["num_feature"] as? String).flatMap(Int.init) ?? (params["num_feature"] as? Int)
        else { throw bad("no learner_model_param.base_score / num_feature") }
        baseScore = base
        featureCount = nf
        guard let booster = learner["gradient_booster"] as? [String: Any], let model = booster["model"] as? [String: Any],
              let trees = model["trees"] as? [[String: Any]] else { throw bad("no gradient_booster.model.trees (only gbtree is read)") }
        func numbers(_ tree: [String: Any], _ key: String) throws(VMError) -> [Double] {
            guard let a = tree[key] as? [Any] else { throw bad("tree without \(key)") }
            return a.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
        }
        for tree in trees {
            let l = try numbers(tree, "left_children"), r = try numbers(tree, "right_children")
            let idx = try numbers(tree, "split_indices"), cond = try numbers(tree, "split_conditions")
            let dl = try numbers(tree, "default_left"), hess = try numbers(tree, "sum_hessian")
            let n = l.count
            guard n > 0, [r.count, idx.count, cond.count, dl.count, hess.count].allSatisfy({ $0 == n }) else { throw bad("tree arrays of unequal length") }
            let offset = nodes.count
            roots.append(offset)
            for i in 0..<n {
                let isLeaf = l[i] < 0
                guard isLeaf || (Int(l[i]) < n && Int(r[i]) < n && Int(idx[i]) < nf) else { throw bad("node \(i) points outside its tree") }
                nodes.append(Node(left: isLeaf ? -1 : Int32(offset + Int(l[i])), right: isLeaf ? -1 : Int32(offset + Int(r[i])),
                                  feature: isLeaf ? 0 : Int32(idx[i]), threshold: Float(cond[i]), defaultLeft: dl[i] != 0))
                cover.append(hess[i])
            }
        }
        meanValue = [Double](repeating: 0, count: nodes.count)
        for root in roots {
            _ = fillMean(root)
            depth.append(maxDepth(root))
        }
        complete = CompleteTrees(nodes: nodes, roots: roots, depth: depth.max() ?? 0, featureCount: nf)
        flat = FlatNodes(nodes, roots: roots)
        leafPatterns = LeafPatternSHAP(nodes: nodes, cover: cover, roots: roots, complete: complete)
    }

    /// Trees padded to complete binary trees of the ensemble's depth: a leaf above the bottom becomes
    /// splits that always go left (threshold +∞, missing left) down to copies of its value.
    struct CompleteTrees: Equatable {
        static let maxDepth = 10
        var depth: Int32
        var feature: [UInt16] = []
        var threshold: [Float] = []
        var missingRight: [UInt8] = []
        var leaf: [Float] = []

        init?(nodes: [Node], roots: [Int], depth: Int, featureCount: Int) {
            guard depth <= CompleteTrees.maxDepth, featureCount <= Int(UInt16.max), !roots.isEmpty else { return nil }
            self.depth = Int32(depth)
            let splits = (1 << depth) - 1, leaves = 1 << depth
            feature = [UInt16](repeating: 0, count: roots.count * splits)
            threshold = [Float](repeating: .infinity, count: roots.count * splits)
            missingRight = [UInt8](repeating: 0, count: roots.count * splits)
            leaf = [Float](repeating: 0, count: roots.count * leaves)
            for (t, root) in roots.enumerated() { place(nodes, node: root, position: 0, tree: t, splits: splits, leaves: leaves) }
        }

        private mutating func place(_ nodes: [Node], node: Int, position: Int, tree: Int, splits: Int, leaves: Int) {
            let n = nodes[node]
            if position >= splits {
                leaf[tree * leaves + position - splits] = n.threshold // a leaf: its value
                return
            }
            if n.left < 0 {
                // Padding: always left (and right too, should +∞ ever be a feature value).
                place(nodes, node: node, position: 2 * position + 1, tree: tree, splits: splits, leaves: leaves)
                place(nodes, node: node, position: 2 * position + 2, tree: tree, splits: splits, leaves: leaves)
                return
            }
            feature[tree * splits + position] = UInt16(n.feature)
            threshold[tree * splits + position] = n.threshold
            missingRight[tree * splits + position] = n.defaultLeft ? 0 : 1
            place(nodes, node: Int(n.left), position: 2 * position + 1, tree: tree, splits: splits, leaves: leaves)
            place(nodes, node: Int(n.right), position: 2 * position + 2, tree: tree, splits: splits, leaves: leaves)
        }

        /// Adds each tree's leaf to `out[i]`, tree after tree (the order `predict(row)` sums in).
        func predict(_ matrix: UnsafeBufferPointer<Float>, rows: Int, columns: Int, into out: UnsafeMutableBufferPointer<Double>) {
            withKernelTrees { vm_trees_predict($0, matrix.baseAddress, rows, columns, out.baseAddress) }
        }

        /// The trees as the C kernels read them, valid inside `body`.
        func withKernelTrees<R>(_ body: (UnsafePointer<vm_complete_trees>) -> R) -> R {
            feature.withUnsafeBufferPointer { f in
                threshold.withUnsafeBufferPointer { t in
                    missingRight.withUnsafeBufferPointer { m in
                        leaf.withUnsafeBufferPointer { l in
                            var trees = vm_complete_trees(feature: f.baseAddress, threshold: t.baseAddress, missingRight: m.baseAddress,
                                                          leaf: l.baseAddress, trees: Int32(l.count >> Int(depth)), depth: depth)
                            return body(&trees)
                        }
                    }
                }
            }
        }
    }

    private mutating func fillMean(_ node: Int) -> Double {
        let n = nodes[node]
        if n.left < 0 {
            meanValue[node] = Double(n.threshold)
        } else {
            let l = Int(n.left), r = Int(n.right)
            let ml = fillMean(l), mr = fillMean(r)
            let c = cover[node]
            meanValue[node] = c > 0 ? (ml * cover[l] + mr * cover[r]) / c : 0.5 * (ml + mr)
        }
        return meanValue[node]
    }

    private func maxDepth(_ node: Int) -> Int {
        let n = nodes[node]
        return n.left < 0 ? 0 : 1 + max(maxDepth(Int(n.left)), maxDepth(Int(n.right)))
    }

    public static func load(from url: URL) throws(VMError) -> TreeEnsemble {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw VMError(.invalidInput, "cannot read tree model \(url.path): \(error.localizedDescription)")
        }
        return try TreeEnsemble(json: data, source: url.path)
    }

    /// One node, packed for the traversal loop (20 bytes): children (-1 for a leaf), the split feature and
    /// threshold (`x < threshold` goes left), the way a missing value goes; a leaf's `threshold` is its value.
    struct Node: Equatable {
        var left: Int32
        var right: Int32
        var feature: Int32
        var threshold: Float
        var defaultLeft: Bool
    }

    @inline(__always)
    private static func leaf(_ nodes: UnsafePointer<Node>, _ root: Int, _ row: UnsafePointer<Float>) -> Int {
        var n = nodes[root]
        var node = root
        while n.left >= 0 {
            let x = row[Int(n.feature)]
            let goLeft = x.isNaN ? n.defaultLeft : x < n.threshold
            node = Int(goLeft ? n.left : n.right)
            n = nodes[node]
        }
        return node
    }

    /// The model's margin for one row of `featureCount` values (NaN = missing): the base score plus one
    /// leaf of every tree, summed in `Double` (XGBoost sums in `Float`; the two agree to float precision,
    /// and the `Double` sum is what the contributions add up to).
    public func predict(_ row: UnsafeBufferPointer<Float>) -> Double {
        precondition(row.count >= featureCount)
        return nodes.withUnsafeBufferPointer { nodes in
            roots.withUnsafeBufferPointer { roots in
                var sum = Double(baseScore)
                for root in roots { sum += Double(nodes[TreeEnsemble.leaf(nodes.baseAddress!, root, row.baseAddress!)].threshold) }
                return sum
            }
        }
    }

    /// Row counts from which margins and exact contributions are computed in parts on several cores
    /// (`RowParts`): 300 candidates' margins take about 1.4 ms at 1 M case studies, 10 rows' contributions
    /// about 1.3 ms, far above the hand-off's cost.
    static let predictRowsPerPart = 64
    static let contributionRowsPerPart = 4

    /// Margins of every row of a row-major matrix.
    public func predict(matrix: [Float], columns: Int) -> [Double] {
        precondition(columns == featureCount)
        let rows = columns == 0 ? 0 : matrix.count / columns
        guard rows > 0, !roots.isEmpty else { return [Double](repeating: Double(baseScore), count: rows) }
        var out = [Double](repeating: Double(baseScore), count: rows)
        if let complete {
            // Each row sums its trees in the same order whichever part it is in: the parts change nothing.
            matrix.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let out = out
                    RowParts.forEach(rows: rows, minimumRows: TreeEnsemble.predictRowsPerPart) { part in
                        complete.predict(UnsafeBufferPointer(rebasing: m[(part.lowerBound * columns)..<(part.upperBound * columns)]),
                                         rows: part.count, columns: columns,
                                         into: UnsafeMutableBufferPointer(rebasing: out[part]))
                    }
                }
            }
            return out
        }
        return predictByWalking(matrix: matrix, columns: columns)
    }

    /// `predict(matrix:columns:)` by walking each tree's nodes (the fallback for trees deeper than the
    /// batch kernel takes; `bench` times it beside the kernel). The same sums, bit for bit.
    public func predictByWalking(matrix: [Float], columns: Int) -> [Double] {
        precondition(columns == featureCount)
        let rows = columns == 0 ? 0 : matrix.count / columns
        var out = [Double](repeating: Double(baseScore), count: rows)
        guard rows > 0, !roots.isEmpty else { return out }
        matrix.withUnsafeBufferPointer { m in
            nodes.withUnsafeBufferPointer { nodes in
                roots.withUnsafeBufferPointer { roots in
                    out.withUnsafeMutableBufferPointer { out in
                        let base = m.baseAddress!, n = nodes.baseAddress!
                        // Tree by tree over all rows, so one tree's nodes stay in cache; each row still sums
                        // its trees in order (the same bits as row by row).
                        for root in roots {
                            for i in 0..<rows { out[i] += Double(n[TreeEnsemble.leaf(n, root, base + i * columns)].threshold) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The leaf value each tree gives each row (`rows × treeCount`), for choosing a number of rounds.
    public func leafValues(matrix: [Float], columns: Int) -> [Float] {
        let rows = matrix.count / columns
        var out = [Float](repeating: 0, count: rows * roots.count)
        matrix.withUnsafeBufferPointer { m in
            nodes.withUnsafeBufferPointer { nodes in
                let n = nodes.baseAddress!
                for i in 0..<rows {
                    let row = m.baseAddress! + i * columns
                    for (t, root) in roots.enumerated() { out[i * roots.count + t] = n[TreeEnsemble.leaf(n, root, row)].threshold }
                }
            }
        }
        return out
    }

    // MARK: TreeSHAP

    /// The nodes as the C kernel's flat arrays (TreeSHAP reads them).
    struct FlatNodes: Equatable {
        var left: [Int32], right: [Int32], feature: [Int32], threshold: [Float], defaultLeft: [UInt8], roots: [Int64]

        init(_ nodes: [Node], roots: [Int]) {
            left = nodes.map(\.left); right = nodes.map(\.right); feature = nodes.map(\.feature)
            threshold = nodes.map(\.threshold); defaultLeft = nodes.map { $0.defaultLeft ? 1 : 0 }
            self.roots = roots.map(Int64.init)
        }
    }

    /// Exact SHAP contributions of one row: `featureCount` values, then the bias (the base score plus
    /// every tree's expected value). They add up to `predict(row)` up to rounding. Lundberg's
    /// path-dependent TreeSHAP (XGBoost's `pred_contribs`).
    /// Read from the per-leaf tables (`LeafPatternSHAP`), or by the recursion for trees too deep for them.
    public func contributions(_ row: UnsafeBufferPointer<Float>) -> [Double] {
        precondition(row.count >= featureCount)
        return contributions(matrix: UnsafeBufferPointer(rebasing: row[row.startIndex..<(row.startIndex + featureCount)]), rows: 1)[0]
    }

    /// `contributions` of each row of a row-major matrix (`rows` × `featureCount`), computed together:
    /// the per-leaf tables are read once for all rows.
    public func contributions(matrix: UnsafeBufferPointer<Float>, rows: Int) -> [[Double]] {
        precondition(matrix.count >= rows * featureCount)
        let columns = featureCount
        guard let leafPatterns else {
            return (0..<rows).map { r in recursiveContributions(UnsafeBufferPointer(rebasing: matrix[(r * columns)..<((r + 1) * columns)])) }
        }
        var bias = Double(baseScore)
        for root in roots { bias += meanValue[root] }
        var phi = [Double](repeating: 0, count: rows * (columns + 1))
        phi.withUnsafeMutableBufferPointer { out in
            // Rows apart: each row's contributions are summed tree by tree in the same order in any part.
            nonisolated(unsafe) let out = out
            RowParts.forEach(rows: rows, minimumRows: TreeEnsemble.contributionRowsPerPart) { part in
                leafPatterns.add(matrix.baseAddress! + part.lowerBound * columns, rows: part.count, columns: columns,
                                 into: out.baseAddress! + part.lowerBound * (columns + 1))
            }
        }
        return (0..<rows).map { r in
            var row = Array(phi[(r * (columns + 1))..<((r + 1) * (columns + 1))])
            row[columns] = bias
            return row
        }
    }

    /// `contributions` by Lundberg's recursion over each tree (XGBoost's `RegTree::TreeShap`), in the C kernel.
    public func recursiveContributions(_ row: UnsafeBufferPointer<Float>) -> [Double] {
        precondition(row.count >= featureCount)
        var phi = [Double](repeating: 0, count: featureCount + 1)
        var bias = Double(baseScore)
        for root in roots { bias += meanValue[root] }
        let status = phi.withUnsafeMutableBufferPointer { phi in
            flat.left.withUnsafeBufferPointer { left in
                flat.right.withUnsafeBufferPointer { right in
                    flat.feature.withUnsafeBufferPointer { feature in
                        flat.threshold.withUnsafeBufferPointer { threshold in
                            flat.defaultLeft.withUnsafeBufferPointer { defaultLeft in
                                cover.withUnsafeBufferPointer { cover in
                                    flat.roots.withUnsafeBufferPointer { roots in
                                        var t = vm_tree_nodes(left: left.baseAddress, right: right.baseAddress, feature: feature.baseAddress,
                                                              threshold: threshold.baseAddress, defaultLeft: defaultLeft.baseAddress,
                                                              cover: cover.baseAddress, roots: roots.baseAddress,
                                                              trees: Int32(roots.count), maxDepth: Int32(depth.max() ?? 0))
                                        return vm_tree_shap(&t, row.baseAddress, phi.baseAddress)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        precondition(status == 0, "out of memory for TreeSHAP's path")
        phi[featureCount] = bias
        return phi
    }

    /// Path-attribution contributions (Saabas; XGBoost's `approx_contribs`): along the row's path in each
    /// tree, each split's feature gets the change of the expected value from the node to the child taken.
    /// They add up to `predict(row)` like the exact ones, at the cost of one walk per tree.
    public func approximateContributions(_ row: UnsafeBufferPointer<Float>) -> [Double] {
        precondition(row.count >= featureCount)
        var phi = [Double](repeating: 0, count: featureCount + 1)
        var bias = Double(baseScore)
        phi.withUnsafeMutableBufferPointer { phi in
            nodes.withUnsafeBufferPointer { nodes in
                meanValue.withUnsafeBufferPointer { mean in
                    for root in roots {
                        bias += mean[root]
                        var node = root
                        var n = nodes[node]
                        while n.left >= 0 {
                            let x = row[Int(n.feature)]
                            let child = Int((x.isNaN ? n.defaultLeft : x < n.threshold) ? n.left : n.right)
                            phi[Int(n.feature)] += mean[child] - mean[node]
                            node = child
                            n = nodes[node]
                        }
                    }
                }
            }
        }
        phi[featureCount] = bias
        return phi
    }
}
