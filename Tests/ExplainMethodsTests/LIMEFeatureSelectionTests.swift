import ExplainTensor
import Testing
@testable import ExplainMethods

@Suite("LIME feature selection")
struct LIMEFeatureSelectionTests {
    static let sparse = [3.0, 0, 0, -2, 0, 0, 1.5, 0]

    @Test("forward, highest-weights, lasso-path and auto pick the relevant features of a sparse linear model",
          arguments: [LIMEFeatureSelection.forward, .highestWeights, .lassoPath, .auto],
          [LIMEDiscretization.quartile, .none])
    func sparseModel(selection: LIMEFeatureSelection, discretizer: LIMEDiscretization) throws {
        let (stats, background) = LIMEFixtures.training(width: 8)
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 2000,
                                          discretizer: discretizer, featureSelection: selection, numFeatures: 3)
        // x far from the training centre in every feature, so every z carries signal.
        let x = (0..<8).map { Float(stats.quartiles[$0][2] + stats.std[$0]) }
        var rng = SplitMix64(seed: 12)
        let e = try explainer.explain(x, row: 0, target: .index(0), predictor: LIMEFixtures.linear(Self.sparse),
                                      rng: &rng)
        let chosen = (0..<8).filter { e.attributions[$0] != 0 }
        #expect(chosen == [0, 3, 6])
        #expect(e.diagnostics["selected_features"] == 3)
        #expect((0..<8).filter { e.stdErrors?[$0] != 0 } == [0, 3, 6])
    }

    @Test("none keeps every feature")
    func noneKeepsAll() throws {
        let (stats, background) = LIMEFixtures.training(width: 8)
        let explainer = try LIMEExplainer(featureStats: stats, background: background, samples: 500,
                                          featureSelection: .none, numFeatures: 2)
        var rng = SplitMix64(seed: 1)
        let e = try explainer.explain([1, 2, 3, 4, 5, 6, 7, 8], row: 0, target: .index(1),
                                      predictor: LIMEFixtures.mlp(width: 8), rng: &rng)
        #expect(e.attributions.allSatisfy { $0 != 0 } && e.diagnostics["selected_features"] == 8)
    }

    /// A random least-squares problem as a Gram matrix and moments.
    func gramProblem(rows: Int, columns: Int, seed: UInt64) -> (WeightedRidge, [Double], [Double]) {
        var rng = SplitMix64(seed: seed)
        let z = (0..<(rows * columns)).map { _ in rng.nextNormal() }
        // Correlated columns make variables leave the lasso path now and then.
        var mixed = z
        for i in 0..<rows { for j in 1..<columns { mixed[i * columns + j] += 0.8 * z[i * columns + j - 1] } }
        let y = (0..<rows).map { i in
            (0..<columns).reduce(0.0) { $0 + (Double($1 % 3) - 1) * mixed[i * columns + $1] } + rng.nextNormal()
        }
        let ridge = WeightedRidge(design: mixed, rows: rows, columns: columns, targets: y,
                                  weights: [Double](repeating: 1, count: rows))
        return (ridge, ridge.gram, ridge.moments)
    }

    /// A problem whose lasso path drops a variable: c ≈ 0.7(a + b) enters first with a positive sign, but the least
    /// squares coefficient of c is −0.2, so it must leave the path and re-enter.
    func droppingProblem(seed: UInt64) -> WeightedRidge {
        var rng = SplitMix64(seed: seed)
        var z = [Double](), y = [Double]()
        for _ in 0..<60 {
            let a = rng.nextNormal(), b = rng.nextNormal()
            let c = 0.7 * (a + b) + 0.3 * rng.nextNormal()
            z += [a, b, c, rng.nextNormal(), rng.nextNormal()]
            y.append(a + b - 0.2 * c + 0.1 * rng.nextNormal())
        }
        return WeightedRidge(design: z, rows: 60, columns: 5, targets: y, weights: [Double](repeating: 1, count: 60))
    }

    /// Checks the lasso KKT conditions at every point of the path and that it ends at least squares.
    func checkPath(_ path: [[Double]], ridge: WeightedRidge) {
        let m = ridge.columnCount, gram = ridge.gram, moments = ridge.moments
        #expect(path.count >= m + 1)
        #expect(path[0].allSatisfy { $0 == 0 })
        for beta in path.dropFirst() {
            // c = Xᵀ(y − Xβ): |c_j| = λ with sign(β_j) on the support, |c_j| ≤ λ off it.
            let c = (0..<m).map { j in moments[j] - (0..<m).reduce(0.0) { $0 + gram[j * m + $1] * beta[$1] } }
            let support = (0..<m).filter { beta[$0] != 0 }
            guard let first = support.first else { continue }
            let lambda = abs(c[first])
            for j in 0..<m {
                if beta[j] != 0 {
                    #expect(abs(abs(c[j]) - lambda) < 1e-8 * max(lambda, 1))
                    #expect(c[j] * beta[j] >= 0 || lambda < 1e-8)
                } else {
                    #expect(abs(c[j]) <= lambda + 1e-8 * max(lambda, 1))
                }
            }
        }
        let ols = ridge.coefficients(columns: Array(0..<m), alpha: 0).values
        let last = path[path.count - 1]
        for j in 0..<m { #expect(abs(last[j] - ols[j]) < 1e-8 * max(1, abs(ols[j]))) }
    }

    @Test("every point of the lasso path satisfies the lasso KKT conditions and the path ends at least squares",
          arguments: [UInt64(1), 2, 3, 4, 5])
    func lassoPathKKT(seed: UInt64) {
        let (ridge, gram, moments) = gramProblem(rows: 60, columns: 7, seed: seed)
        checkPath(LIMEFeatureSelection.lassoPath(gram: gram, moments: moments, width: 7, rowCount: 60), ridge: ridge)
    }

    @Test("a variable whose coefficient crosses zero leaves the lasso path with an exact zero, KKT still holding",
          arguments: [UInt64(1), 2, 3])
    func lassoPathDrops(seed: UInt64) {
        let ridge = droppingProblem(seed: seed)
        let path = LIMEFeatureSelection.lassoPath(gram: ridge.gram, moments: ridge.moments, width: 5, rowCount: 60)
        let sizes = path.map { $0.filter { $0 != 0 }.count }
        #expect(zip(sizes, sizes.dropFirst()).contains { $0.0 >= $0.1 }, "the path must drop a variable: \(sizes)")
        #expect(path.contains { $0[2] == 0 && $0[0] != 0 && $0[1] != 0 })
        checkPath(path, ridge: ridge)
    }

    @Test("lasso-path selection keeps the first features to enter, and forward selection the best R² greedy steps")
    func lassoAndForwardOnGram() {
        let m = 6
        let (ridge, gram, moments) = gramProblem(rows: 80, columns: m, seed: 9)
        let path = LIMEFeatureSelection.lassoPath(gram: gram, moments: moments, width: m, rowCount: 80)
        let picked = LIMEFeatureSelection.lassoPath.select(ridge, count: 2, instance: [Double](repeating: 1, count: m))
        let lastWithTwo = path.last { beta in beta.filter { $0 != 0 }.count <= 2 }
        #expect(picked == (0..<m).filter { lastWithTwo?[$0] != 0 })
        // Forward: the first pick is the single feature with the best R², by brute force.
        let forward = LIMEFeatureSelection.forward.select(ridge, count: 1, instance: [])
        let best = (0..<m).max { ridge.rSquared(columns: [$0], alpha: 0) < ridge.rSquared(columns: [$1], alpha: 0) }
        #expect(forward == [best ?? -1])
        // auto is forward up to 6 features.
        #expect(LIMEFeatureSelection.auto.select(ridge, count: 3, instance: []) ==
                LIMEFeatureSelection.forward.select(ridge, count: 3, instance: []))
    }
}
