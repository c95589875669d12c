import Foundation
import Testing
import VendorMatchCore
@testable import VendorMatchRanking

/// The learned second phase: native tree evaluation and TreeSHAP against XGBoost's own C API, model
/// files (round trip, refusal of corrupt or mismatched ones) and the engine's re-ranking and explanations.
@Suite struct SecondPhaseTests {
    /// A deterministic pseudo-random matrix with about 10% missing values.
    static func matrix(rows: Int, columns: Int, seed: UInt64) -> [Float] {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<(rows * columns)).map { _ in next() < 0.1 ? .nan : Float(next() * 4 - 1) }
    }

    /// A small ranking model trained by XGBoost on a synthetic task: groups of 20 rows, the label a
    /// noisy function of three columns (one of them often missing).
    static func trained(_ xgb: XGBoost, columns: Int, rows: Int = 4_000, rounds: Int = 40, maxDepth: Int = 5,
                        start: Data? = nil, startRounds: Int = 0) throws -> Data {
        let x = matrix(rows: rows, columns: columns, seed: 7)
        let labels: [Float] = (0..<rows).map { i in
            let a = x[i * columns], b = x[i * columns + 1], c = x[i * columns + 2]
            let s = (a.isNaN ? 0.5 : a) + 0.5 * (b.isNaN ? -1 : b) - (c.isNaN ? 0 : c * c)
            return s > 1.2 ? 2 : (s > 0.4 ? 1 : 0)
        }
        return try xgb.train(features: x, columns: columns, labels: labels, groups: Array(repeating: 20, count: rows / 20),
                             parameters: [("objective", "rank:ndcg"), ("eta", "0.2"), ("max_depth", "\(maxDepth)"), ("nthread", "1"),
                                          ("seed", "3"), ("verbosity", "0")], rounds: rounds, start: start, startRounds: startRounds)
    }

    /// `train --warm-start`: the new rounds follow the starting model's trees, which stay as they were.
    @Test func aWarmStartKeepsTheStartingTreesAndAddsRounds() throws {
        let xgb = try Self.xgboost()
        let columns = 8
        let start = try Self.trained(xgb, columns: columns, rounds: 10, maxDepth: 3)
        let continued = try Self.trained(xgb, columns: columns, rounds: 6, maxDepth: 3, start: start, startRounds: 10)
        let before = try TreeEnsemble(json: start, source: "start"), after = try TreeEnsemble(json: continued, source: "continued")
        #expect(before.treeCount == 10)
        #expect(after.treeCount == 16)
        let x = Self.matrix(rows: 500, columns: columns, seed: 5)
        // XGBoost's own prediction of the starting model equals the continued model's first ten trees.
        let startPredictions = try xgb.predict(model: start, features: x, columns: columns)
        let leaves = after.leafValues(matrix: x, columns: columns)
        var worst = 0.0, moved = 0
        for i in 0..<500 {
            let firstTen = (0..<10).reduce(Double(after.baseScore)) { $0 + Double(leaves[i * 16 + $1]) }
            worst = max(worst, abs(firstTen - Double(startPredictions[i])))
            let added = (10..<16).reduce(0.0) { $0 + Double(leaves[i * 16 + $1]) }
            if abs(added) > 1e-6 { moved += 1 }
        }
        #expect(worst < 1e-4, "the starting trees changed: largest difference \(worst)")
        #expect(moved > 250, "the added rounds moved only \(moved) of 500 rows")
    }

    static func xgboost() throws -> XGBoost {
        do { return try XGBoost.load() } catch {
            Issue.record("libxgboost is required for these tests (Tests/run.sh installs libxgboost-dev): \(error)")
            throw error
        }
    }

    @Test func nativeTreesPredictLikeXGBoostOnTenThousandRows() throws {
        let xgb = try Self.xgboost()
        let columns = 12
        let model = try Self.trained(xgb, columns: columns)
        let ensemble = try TreeEnsemble(json: model, source: "test")
        #expect(ensemble.treeCount == 40)
        let x = Self.matrix(rows: 10_000, columns: columns, seed: 99)
        let theirs = try xgb.predict(model: model, features: x, columns: columns)
        let ours = ensemble.predict(matrix: x, columns: columns)
        #expect(theirs.count == 10_000)
        var worst = 0.0, differentLeaves = 0
        for i in 0..<theirs.count {
            let d = abs(Double(theirs[i]) - ours[i])
            worst = max(worst, d)
            if d > 1e-4 { differentLeaves += 1 }
        }
        #expect(differentLeaves == 0, "largest difference \(worst)")
        // The batch traversal (complete trees) gives the per-row walk's sums bit for bit.
        x.withUnsafeBufferPointer { m in
            for i in stride(from: 0, to: 10_000, by: 7) {
                #expect(ours[i] == ensemble.predict(UnsafeBufferPointer(rebasing: m[(i * columns)..<((i + 1) * columns)])))
            }
        }
        // The predictions vary: a model that ignored its input would pass the comparison trivially.
        #expect(Set(ours.map { ($0 * 1000).rounded() }).count > 100)
    }

    /// The batch kernel (sixteen rows a step where the CPU has AVX-512, up to depth 5; the portable loop
    /// beyond, and for the rows left over) against walking each tree's nodes, bit for bit on every row, at
    /// several depths and row counts that are not multiples of 16, with about 10% missing values.
    @Test(arguments: [2, 4, 5, 6] as [Int])
    func theBatchKernelSumsLikeTheNodeWalk(maxDepth: Int) throws {
        let xgb = try Self.xgboost()
        let columns = 9
        let model = try Self.trained(xgb, columns: columns, rows: 2_000, rounds: 30, maxDepth: maxDepth)
        let ensemble = try TreeEnsemble(json: model, source: "test")
        // Values exactly at split thresholds as well: a value equal to its threshold goes right.
        let complete = try #require(ensemble.complete)
        var cuts = [[Float]](repeating: [], count: columns)
        for (f, t) in zip(complete.feature, complete.threshold) where t.isFinite { cuts[Int(f)].append(t) }
        var g = SplitMix64(seed: UInt64(maxDepth))
        let atCuts: [Float] = (0..<(333 * columns)).map { i in
            let c = cuts[i % columns]
            return c.isEmpty || g.next() % 10 == 0 ? .nan : c[Int(g.next() % UInt64(c.count))]
        }
        for rows in [1, 15, 16, 17, 333, 1_000] {
            let m = Self.matrix(rows: rows, columns: columns, seed: UInt64(rows))
            for matrix in rows == 333 ? [m, atCuts] : [m] {
                let batch = ensemble.predict(matrix: matrix, columns: columns)
                let walked = ensemble.predictByWalking(matrix: matrix, columns: columns)
                #expect(batch == walked, "depth \(maxDepth), \(rows) rows")
            }
        }
    }

    @Test func contributionsAreXGBoostsExactOnesAndAddUpToThePrediction() throws {
        let xgb = try Self.xgboost()
        let columns = 12
        let model = try Self.trained(xgb, columns: columns)
        let ensemble = try TreeEnsemble(json: model, source: "test")
        let rows = 300
        let x = Self.matrix(rows: rows, columns: columns, seed: 5)
        let theirs = try xgb.predict(model: model, features: x, columns: columns, contributions: true)
        #expect(theirs.count == rows * (columns + 1))
        var worst = 0.0
        x.withUnsafeBufferPointer { m in
            for i in 0..<rows {
                let row = UnsafeBufferPointer(rebasing: m[(i * columns)..<((i + 1) * columns)])
                let phi = ensemble.contributions(row)
                for j in 0...columns { worst = max(worst, abs(phi[j] - Double(theirs[i * (columns + 1) + j]))) }
                #expect(abs(phi.reduce(0, +) - ensemble.predict(row)) < 1e-9)
            }
        }
        #expect(worst < 1e-4, "largest contribution difference \(worst)")
    }

    /// The per-leaf tables against the recursion (an independent algorithm: Lundberg's EXTEND/UNWIND
    /// over each path), on the shipped trees (600 trees of depth 4, 75 features) and on XGBoost's depth-5
    /// test model, over rows with missing values.
    @Test func leafPatternContributionsEqualTheRecursion() throws {
        let shipped = try TreeEnsemble.load(from: repositoryModels.appendingPathComponent("ranking-model.trees.json"))
        #expect(shipped.leafPatterns != nil)
        var models = [shipped]
        if let xgb = try? XGBoost.load() { models.append(try TreeEnsemble(json: try Self.trained(xgb, columns: 12), source: "test")) }
        for (m, ensemble) in models.enumerated() {
            let columns = ensemble.featureCount, rows = 400
            var x = Self.matrix(rows: rows, columns: columns, seed: 11 + UInt64(m))
            // Feature values around the trees' own thresholds, so rows take many different paths.
            let thresholds = ensemble.nodes.filter { $0.left >= 0 }.map(\.threshold)
            for i in x.indices where !x[i].isNaN && i % 3 != 0 { x[i] = thresholds[(i * 7919) % thresholds.count] + (i % 2 == 0 ? -1e-3 : 0) }
            var worst = 0.0, nonzero = 0
            x.withUnsafeBufferPointer { all in
                let together = ensemble.contributions(matrix: all, rows: rows)
                for i in 0..<rows {
                    let row = UnsafeBufferPointer(rebasing: all[(i * columns)..<((i + 1) * columns)])
                    let fast = ensemble.contributions(row), slow = ensemble.recursiveContributions(row)
                    #expect(together[i] == fast, "row \(i): all rows together give what the row alone gives")
                    for j in 0...columns {
                        worst = max(worst, abs(fast[j] - slow[j]))
                        if abs(slow[j]) > 1e-6 { nonzero += 1 }
                    }
                }
            }
            #expect(worst < 1e-9, "model \(m): largest difference \(worst)")
            #expect(nonzero > rows * 5, "model \(m): the rows should touch many features")
        }
    }

    /// One stump worked by hand: x0 < 0.5 goes left (leaf +1, cover 3), else right (leaf -1, cover 1);
    /// missing goes right; base score 0.5.
    static let stump = """
    {"learner": {"learner_model_param": {"base_score": "5E-1", "num_feature": "2"},
      "gradient_booster": {"name": "gbtree", "model": {"trees": [{
        "left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
        "split_conditions": [0.5, 1.0, -1.0], "default_left": [0, 0, 0], "sum_hessian": [4, 3, 1]}]}}},
     "version": [1, 6, 0]}
    """

    @Test func handWorkedStump() throws {
        let e = try TreeEnsemble(json: Data(Self.stump.utf8), source: "stump")
        func check(_ row: [Float], prediction: Double, phi0: Double) {
            row.withUnsafeBufferPointer { r in
                #expect(e.predict(r) == prediction)
                let phi = e.contributions(r)
                // Expected value of the tree: (3·1 + 1·(−1)) / 4 = 0.5; with the base score the bias is 1.0.
                #expect(abs(phi[2] - 1.0) < 1e-12)
                #expect(abs(phi[0] - phi0) < 1e-12)
                #expect(phi[1] == 0)
            }
        }
        check([0.2, 7], prediction: 1.5, phi0: 0.5)
        check([0.9, 7], prediction: -0.5, phi0: -1.5)
        check([.nan, 7], prediction: -0.5, phi0: -1.5)
        check([0.5, .nan], prediction: -0.5, phi0: -1.5) // not below the split: right
    }

    // MARK: Model files

    /// A model directory with a linear first phase and the given trees as second phase.
    static func modelFiles(trees: Data, features: [String] = Feature.signature) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vm-second-phase-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try trees.write(to: dir.appendingPathComponent("m.trees.json"))
        var model = RankingModel.defaults
        model.secondPhase = SecondPhase(candidates: 50, features: features, trees: "m.trees.json", ensemble: nil)
        let url = dir.appendingPathComponent("m.json")
        try model.write(to: url)
        return url
    }

    @Test func modelRoundTripGivesTheSameScores() throws {
        let xgb = try Self.xgboost()
        let columns = Feature.allCases.count
        let trees = try Self.trained(xgb, columns: columns, rows: 2_000, rounds: 20)
        let url = try Self.modelFiles(trees: trees)
        let loaded = try RankingModel.load(from: url)
        let ensemble = try #require(loaded.secondPhase?.ensemble)
        #expect(loaded.secondPhase?.candidates == 50)
        let x = Self.matrix(rows: 500, columns: columns, seed: 11)
        let theirs = try xgb.predict(model: trees, features: x, columns: columns)
        let ours = ensemble.predict(matrix: x, columns: columns)
        for i in 0..<500 { #expect(abs(Double(theirs[i]) - ours[i]) < 1e-4) }
        // Written again and read back: the same model.
        let again = url.deletingLastPathComponent().appendingPathComponent("again.json")
        try loaded.write(to: again)
        #expect(try RankingModel.load(from: again) == loaded)
    }

    @Test func mismatchedOrCorruptModelsAreRefusedNamingTheProblem() throws {
        let trees = Data(Self.stump.utf8)
        // Other features than this binary's.
        var other = Feature.signature
        other[3] = "request.service_named@2"
        let mismatched = try Self.modelFiles(trees: trees, features: other)
        do {
            _ = try RankingModel.load(from: mismatched)
            Issue.record("a model trained on other features was loaded")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("request.service_named@2"))
        }
        // The features match but the trees read 2 columns.
        let narrow = try Self.modelFiles(trees: trees)
        do {
            _ = try RankingModel.load(from: narrow)
            Issue.record("trees of the wrong width were loaded")
        } catch {
            #expect(error.message.contains("reads 2 features"))
        }
        // A corrupt trees file.
        let corrupt = try Self.modelFiles(trees: Data("{\"learner\": [1, 2".utf8))
        do {
            _ = try RankingModel.load(from: corrupt)
            Issue.record("a corrupt trees file was loaded")
        } catch {
            #expect(error.message.contains("not an XGBoost JSON model"))
        }
    }

    // MARK: The engine

    /// A model whose trees rank by one feature: `trust.saturated` above 0 scores +1, else -1, plus a
    /// small second split on `quality.shrunk`.
    static func trustTrees() -> Data {
        let trust = Feature.trustSaturated.rawValue, quality = Feature.qualityShrunk.rawValue
        return Data("""
        {"learner": {"learner_model_param": {"base_score": "0", "num_feature": "\(Feature.allCases.count)"},
          "gradient_booster": {"name": "gbtree", "model": {"trees": [
            {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [\(trust), 0, 0],
             "split_conditions": [0.0001, -1.0, 1.0], "default_left": [1, 0, 0], "sum_hessian": [10, 6, 4]},
            {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [\(quality), 0, 0],
             "split_conditions": [0.6, 0.0, 0.25], "default_left": [1, 0, 0], "sum_hessian": [10, 5, 5]}]}}},
         "version": [1, 6, 0]}
        """.utf8)
    }

    @Test func engineReRanksByTheTreesAndExplainsWithTheirContributions() throws {
        let url = try Self.modelFiles(trees: Self.trustTrees())
        let model = try RankingModel.load(from: url)
        let e = engine(model: model)
        for request in [
            BuyerRequest(id: "a", industry: "522", need: "loan default prediction"),
            BuyerRequest(id: "b", buyerOrg: "buyer-a", size: .large, serviceTypes: ["data"]),
            BuyerRequest(id: "d"),
        ] {
            let list = try e.shortlist(request)
            #expect(!list.vendors.isEmpty)
            for v in list.vendors {
                // Score: 1 with trust, -1 without; +0.25 more with shrunk quality of at least 0.6.
                #expect([-1.0, -0.75, 1.0, 1.25].contains(v.score))
                #expect(abs(v.components.total - v.score) < 1e-9)
                let trustShare = v.referrals.reduce(0) { $0 + $1.contribution }
                if !v.referrals.isEmpty { #expect(abs(trustShare - v.components.trust) < 1e-9) }
                #expect(v.components.industry == 0 && v.components.need == 0)
            }
            let scores = list.vendors.map(\.score)
            #expect(scores == scores.sorted(by: >))
        }
    }

    /// Feature rows of a long candidate list are filled in parts on two cores (`RowParts`): each row must
    /// be the one the single-part fill gives for the same candidate at the same rank, and every rank be there.
    @Test func featureRowsFilledInPartsEqualTheOnePartRows() throws {
        var g = SplitMix(state: 42)
        var catalogue = Catalogue()
        for v in 0..<240 {
            let id = "v\(v)"
            catalogue.vendors.append(LiveMarket.vendor(id, &g))
            for c in 0..<3 { catalogue.caseStudies.append(LiveMarket.caseStudy("c\(v)-\(c)", vendor: id, &g)) }
        }
        let e = engine(catalogue)
        let columns = FeatureExtractor.count, rank = Feature.firstRank.rawValue
        for request in LiveMarket.requests(seed: 3) {
            let many = try e.featureRows(for: request, limit: 200)
            let few = try e.featureRows(for: request, limit: FeatureExtractor.rowsPerPart - 1)
            let n = few.vendorIDs.count
            #expect(many.vendorIDs.count > FeatureExtractor.rowsPerPart, "request \(request.id) has too few candidates to be split")
            #expect(Array(many.vendorIDs.prefix(n)) == few.vendorIDs)
            #expect(many.matrix.prefix(n * columns).map(\.bitPattern) == few.matrix.map(\.bitPattern))
            for i in 0..<many.vendorIDs.count { #expect(many.matrix[i * columns + rank] == Float(i + 1)) }
        }
    }
}
