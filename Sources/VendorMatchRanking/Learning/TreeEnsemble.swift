import Foundation
import VendorMatchCore

/// A boosted tree ensemble read from an XGBoost JSON model file (`XGBoosterSaveModel` to `*.json`),
/// evaluated natively: the same traversal as XGBoost (`x < split` goes left, a missing value goes the
/// node's default way, leaf values summed in `Float` onto the base score), and exact per-feature
/// contributions by TreeSHAP (Lundberg et al., the algorithm of XGBoost's `pred_contribs`).
public struct TreeEnsemble: Sendable, Equatable {
    /// Nodes of every tree, flat; `roots[t]` is tree `t`'s first node. Children are absolute indices
    /// (-1 for a leaf).
    var left: [Int32] = [], right: [Int32] = []
    var feature: [Int32] = []
    var threshold: [Float] = []
    var defaultLeft: [Bool] = []
    /// A leaf's value (the split condition of an inner node is in `threshold`).
    var leafValue: [Float] = []
    /// Sum of hessians that reached the node (XGBoost's cover).
    var cover: [Double] = []
    /// Cover-weighted mean leaf value under each node (TreeSHAP's expectations).
    var meanValue: [Double] = []
    var roots: [Int] = []
    var depth: [Int] = []
    public private(set) var baseScore: Float = 0
    public private(set) var featureCount = 0

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
            let offset = left.count
            roots.append(offset)
            for i in 0..<n {
                let isLeaf = l[i] < 0
                guard isLeaf || (Int(l[i]) < n && Int(r[i]) < n && Int(idx[i]) < nf) else { throw bad("node \(i) points outside its tree") }
                left.append(isLeaf ? -1 : Int32(offset + Int(l[i])))
                right.append(isLeaf ? -1 : Int32(offset + Int(r[i])))
                feature.append(isLeaf ? 0 : Int32(idx[i]))
                threshold.append(Float(cond[i]))
                leafValue.append(isLeaf ? Float(cond[i]) : 0)
                defaultLeft.append(dl[i] != 0)
                cover.append(hess[i])
            }
        }
        meanValue = [Double](repeating: 0, count: left.count)
        for root in roots {
            _ = fillMean(root)
            depth.append(maxDepth(root))
        }
    }

    private mutating func fillMean(_ node: Int) -> Double {
        if left[node] < 0 {
            meanValue[node] = Double(leafValue[node])
        } else {
            let l = Int(left[node]), r = Int(right[node])
            let ml = fillMean(l), mr = fillMean(r)
            let c = cover[node]
            meanValue[node] = c > 0 ? (ml * cover[l] + mr * cover[r]) / c : 0.5 * (ml + mr)
        }
        return meanValue[node]
    }

    private func maxDepth(_ node: Int) -> Int {
        left[node] < 0 ? 0 : 1 + max(maxDepth(Int(left[node])), maxDepth(Int(right[node])))
    }

    public static func load(from url: URL) throws(VMError) -> TreeEnsemble {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw VMError(.invalidInput, "cannot read tree model \(url.path): \(error.localizedDescription)")
        }
        return try TreeEnsemble(json: data, source: url.path)
    }

    @inline(__always)
    private func leaf(_ root: Int, _ row: UnsafeBufferPointer<Float>) -> Int {
        var node = root
        while left[node] >= 0 {
            let x = row[Int(feature[node])]
            if x.isNaN {
                node = Int(defaultLeft[node] ? left[node] : right[node])
            } else {
                node = Int(x < threshold[node] ? left[node] : right[node])
            }
        }
        return node
    }

    /// The model's margin for one row of `featureCount` values (NaN = missing): the base score plus one
    /// leaf of every tree, summed in `Double` (XGBoost sums in `Float`; the two agree to float precision,
    /// and the `Double` sum is what the contributions add up to).
    public func predict(_ row: UnsafeBufferPointer<Float>) -> Double {
        var sum = Double(baseScore)
        for root in roots { sum += Double(leafValue[leaf(root, row)]) }
        return sum
    }

    /// Margins of every row of a row-major matrix.
    public func predict(matrix: [Float], columns: Int) -> [Double] {
        precondition(columns == featureCount)
        let rows = columns == 0 ? 0 : matrix.count / columns
        return matrix.withUnsafeBufferPointer { m in
            (0..<rows).map { i in predict(UnsafeBufferPointer(rebasing: m[(i * columns)..<((i + 1) * columns)])) }
        }
    }

    /// The leaf value each tree gives each row (`rows × treeCount`), for choosing a number of rounds.
    public func leafValues(matrix: [Float], columns: Int) -> [Float] {
        let rows = matrix.count / columns
        var out = [Float](repeating: 0, count: rows * roots.count)
        matrix.withUnsafeBufferPointer { m in
            for i in 0..<rows {
                let row = UnsafeBufferPointer(rebasing: m[(i * columns)..<((i + 1) * columns)])
                for t in roots.indices { out[i * roots.count + t] = leafValue[leaf(roots[t], row)] }
            }
        }
        return out
    }

    // MARK: TreeSHAP

    private struct PathElement {
        var feature: Int
        var zeroFraction: Double
        var oneFraction: Double
        var weight: Double
    }

    /// Exact SHAP contributions of one row: `featureCount` values, then the bias (the base score plus
    /// every tree's expected value). They add up to `predict(row)` up to rounding.
    public func contributions(_ row: UnsafeBufferPointer<Float>) -> [Double] {
        var phi = [Double](repeating: 0, count: featureCount + 1)
        phi[featureCount] = Double(baseScore)
        for (t, root) in roots.enumerated() {
            let d = depth[t] + 3
            var path = [PathElement](repeating: PathElement(feature: -1, zeroFraction: 0, oneFraction: 0, weight: 0),
                                     count: d * (d + 1) / 2 + 2)
            shap(row, &phi, node: root, uniqueDepth: 0, parentOffset: 0, path: &path, parentZero: 1, parentOne: 1, parentFeature: -1)
            phi[featureCount] += meanValue[root]
        }
        return phi
    }

    private func extend(_ p: inout [PathElement], _ o: Int, _ depth: Int, zero: Double, one: Double, feature: Int) {
        p[o + depth] = PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: depth == 0 ? 1 : 0)
        var i = depth - 1
        while i >= 0 {
            p[o + i + 1].weight += one * p[o + i].weight * Double(i + 1) / Double(depth + 1)
            p[o + i].weight = zero * p[o + i].weight * Double(depth - i) / Double(depth + 1)
            i -= 1
        }
    }

    private func unwind(_ p: inout [PathElement], _ o: Int, _ depth: Int, _ pathIndex: Int) {
        let one = p[o + pathIndex].oneFraction, zero = p[o + pathIndex].zeroFraction
        var next = p[o + depth].weight
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let tmp = p[o + i].weight
                p[o + i].weight = next * Double(depth + 1) / (Double(i + 1) * one)
                next = tmp - p[o + i].weight * zero * Double(depth - i) / Double(depth + 1)
            } else {
                p[o + i].weight = p[o + i].weight * Double(depth + 1) / (zero * Double(depth - i))
            }
            i -= 1
        }
        for j in pathIndex..<depth {
            p[o + j].feature = p[o + j + 1].feature
            p[o + j].zeroFraction = p[o + j + 1].zeroFraction
            p[o + j].oneFraction = p[o + j + 1].oneFraction
        }
    }

    private func unwoundSum(_ p: [PathElement], _ o: Int, _ depth: Int, _ pathIndex: Int) -> Double {
        let one = p[o + pathIndex].oneFraction, zero = p[o + pathIndex].zeroFraction
        var next = p[o + depth].weight
        var total = 0.0
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let tmp = next * Double(depth + 1) / (Double(i + 1) * one)
                total += tmp
                next = p[o + i].weight - tmp * zero * (Double(depth - i) / Double(depth + 1))
            } else if zero != 0 {
                total += (p[o + i].weight / zero) / (Double(depth - i) / Double(depth + 1))
            }
            i -= 1
        }
        return total
    }

    private func shap(_ row: UnsafeBufferPointer<Float>, _ phi: inout [Double], node: Int, uniqueDepth: Int, parentOffset: Int,
                      path: inout [PathElement], parentZero: Double, parentOne: Double, parentFeature: Int) {
        var depth = uniqueDepth
        // This node's path is a copy of the parent's, stored right after it.
        let offset = parentOffset + depth + 1
        for i in 0...depth { path[offset + i] = path[parentOffset + i] }
        extend(&path, offset, depth, zero: parentZero, one: parentOne, feature: parentFeature)
        if left[node] < 0 {
            if depth >= 1 {
                for i in 1...depth {
                    let w = unwoundSum(path, offset, depth, i)
                    let e = path[offset + i]
                    phi[e.feature] += w * (e.oneFraction - e.zeroFraction) * Double(leafValue[node])
                }
            }
            return
        }
        let split = Int(feature[node])
        let x = row[split]
        let goesLeft = x.isNaN ? defaultLeft[node] : x < threshold[node]
        let hot = Int(goesLeft ? left[node] : right[node]), cold = Int(goesLeft ? right[node] : left[node])
        let w = cover[node]
        let hotZero = cover[hot] / w, coldZero = cover[cold] / w
        var incomingZero = 1.0, incomingOne = 1.0
        var pathIndex = 0
        while pathIndex <= depth, path[offset + pathIndex].feature != split { pathIndex += 1 }
        if pathIndex != depth + 1 {
            incomingZero = path[offset + pathIndex].zeroFraction
            incomingOne = path[offset + pathIndex].oneFraction
            unwind(&path, offset, depth, pathIndex)
            depth -= 1
        }
        shap(row, &phi, node: hot, uniqueDepth: depth + 1, parentOffset: offset, path: &path,
             parentZero: hotZero * incomingZero, parentOne: incomingOne, parentFeature: split)
        shap(row, &phi, node: cold, uniqueDepth: depth + 1, parentOffset: offset, path: &path,
             parentZero: coldZero * incomingZero, parentOne: 0, parentFeature: split)
    }
}
