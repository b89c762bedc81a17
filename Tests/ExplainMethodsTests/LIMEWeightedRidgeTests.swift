import ExplainTensor
import Testing
@testable import ExplainMethods

@Suite("LIME weighted ridge")
struct LIMEWeightedRidgeTests {
    struct Problem {
        var z: [Double], y: [Double], w: [Double]
        let rows: Int, columns: Int
    }

    func problem(rows: Int = 300, columns: Int = 4, seed: UInt64 = 1) -> Problem {
        var rng = SplitMix64(seed: seed)
        let z = (0..<(rows * columns)).map { _ in rng.nextNormal() + 0.5 }
        let y = (0..<rows).map { i in
            (0..<columns).reduce(0.3) { $0 + Double($1 + 1) * z[i * columns + $1] } + z[i * columns] * z[i * columns] + rng.nextNormal()
        }
        let w = (0..<rows).map { _ in rng.nextUniform() }
        return Problem(z: z, y: y, w: w, rows: rows, columns: columns)
    }

    @Test("coefficients and intercept solve the augmented normal equations with an unpenalised intercept")
    func matchesAugmentedNormalEquations() {
        let p = problem()
        let fit = WeightedRidge(design: p.z, rows: p.rows, columns: p.columns, targets: p.y, weights: p.w)
            .fit(alpha: 2.5)
        // [1, z] θ with penalty diag(0, α, …, α): (XᵀWX + P) θ = XᵀWy.
        let k = p.columns + 1
        var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
        for i in 0..<p.rows {
            let x = [1.0] + Array(p.z[(i * p.columns)..<((i + 1) * p.columns)])
            for r in 0..<k {
                b[r] += p.w[i] * x[r] * p.y[i]
                for c in 0..<k { a[r * k + c] += p.w[i] * x[r] * x[c] }
            }
        }
        for r in 1..<k { a[r * k + r] += 2.5 }
        let theta = LinearSolve.symmetric(a, n: k, b).x
        #expect(abs(fit.intercept - theta[0]) < 1e-9)
        for j in 0..<p.columns { #expect(abs(fit.coefficients[j] - theta[j + 1]) < 1e-9) }
        // Weighted R² from explicit residuals.
        let total = p.w.reduce(0, +)
        let yMean = zip(p.w, p.y).reduce(0) { $0 + $1.0 * $1.1 } / total
        var rss = 0.0, tss = 0.0
        for i in 0..<p.rows {
            let pred = fit.predict(Array(p.z[(i * p.columns)..<((i + 1) * p.columns)]))
            rss += p.w[i] * (p.y[i] - pred) * (p.y[i] - pred)
            tss += p.w[i] * (p.y[i] - yMean) * (p.y[i] - yMean)
        }
        #expect(abs(fit.rSquared - (1 - rss / tss)) < 1e-12)
    }

    @Test("the Gram-matrix R² of a column subset equals the R² of the fitted rows")
    func gramScoreMatchesFit() {
        let p = problem()
        let ridge = WeightedRidge(design: p.z, rows: p.rows, columns: p.columns, targets: p.y, weights: p.w)
        for columns in [[0], [1, 3], [0, 2, 3]] {
            for alpha in [0.0, 0.01, 1] {
                #expect(abs(ridge.rSquared(columns: columns, alpha: alpha) - ridge.fit(columns: columns, alpha: alpha).rSquared) < 1e-10)
            }
        }
        let subset = ridge.fit(columns: [2, 0], alpha: 1)
        #expect(subset.columns == [0, 2] && subset.coefficients[1] == 0 && subset.standardErrors[3] == 0)
    }

    @Test("sandwich standard errors match the spread of refits on fresh random designs")
    func sandwichCalibrated() {
        // The target is nonlinear in z and the weights are random, so the classical σ²(ZᵀWZ)⁻¹ would be wrong; the
        // sandwich must still match the coefficient spread over 200 independent samples (within 25%: the spread
        // of 200 draws is itself uncertain by about 5%).
        var coefficients = [[Double]](), errors = [[Double]]()
        for seed in 0..<200 {
            let p = problem(rows: 400, columns: 3, seed: UInt64(seed) + 100)
            let fit = WeightedRidge(design: p.z, rows: p.rows, columns: p.columns, targets: p.y, weights: p.w).fit(alpha: 1)
            coefficients.append(fit.coefficients)
            errors.append(fit.standardErrors)
        }
        for j in 0..<3 {
            let values = coefficients.map { $0[j] }
            let mean = values.reduce(0, +) / 200
            let spread = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 199).squareRoot()
            let reported = errors.map { $0[j] }.reduce(0, +) / 200
            #expect(abs(reported / spread - 1) < 0.25, "column \(j): \(reported) vs \(spread)")
        }
    }

    @Test("a zero-variance column gets coefficient 0 and error 0 instead of NaN")
    func constantColumn() {
        var p = problem(columns: 3)
        for i in 0..<p.rows { p.z[i * 3 + 1] = 1 }
        let fit = WeightedRidge(design: p.z, rows: p.rows, columns: 3, targets: p.y, weights: p.w).fit(alpha: 1)
        #expect(fit.coefficients[1] == 0 && fit.standardErrors[1] == 0)
        #expect(fit.coefficients.allSatisfy { $0.isFinite } && fit.rSquared.isFinite)
    }
}
