@testable import ExplainMethods
import ExplainTensor
import Testing

@Suite("Control-variate mix: weighted within-stratum least squares with shrinkage")
struct ControlMixFitTests {
    /// D₀ = stratum offset + Σ_k β_k D_k + noise, with random D_k and weights.
    static func fit(beta: [Double], noise: Double, samples: Int, seed: UInt64) -> ControlMixFit {
        var rng = SplitMix64(seed: seed)
        let strata = 5
        let offsets = (0..<strata).map { _ in 10 * rng.nextNormal() }
        var fit = ControlMixFit(components: beta.count, strata: strata)
        var values = [Double](repeating: 0, count: 1 + beta.count)
        for _ in 0..<samples {
            let s = rng.nextInt(below: strata)
            for k in beta.indices { values[1 + k] = rng.nextNormal() }
            values[0] = offsets[s] + noise * rng.nextNormal()
            for k in beta.indices { values[0] += beta[k] * values[1 + k] }
            let weight = 0.5 + rng.nextUniform()
            values.withUnsafeBufferPointer { fit.add(stratum: s, weight: weight, $0.baseAddress!) }
        }
        return fit
    }

    @Test("recovers the coefficients despite per-stratum offsets")
    func recovers() {
        let truth = [0.27, 0.61]
        let beta = Self.fit(beta: truth, noise: 0.05, samples: 2000, seed: 1).coefficients(prior: [0.5, 0.5])
        for k in 0..<2 { #expect(abs(beta[k] - truth[k]) < 0.01, "β_\(k) = \(beta[k])") }
    }

    @Test("exact data gives the exact coefficients")
    func exact() {
        let truth = [-0.4, 1.3, 0.2]
        let beta = Self.fit(beta: truth, noise: 0, samples: 100, seed: 2).coefficients(prior: [0.5, 0.5, 0.5])
        for k in 0..<3 { #expect(abs(beta[k] - truth[k]) < 1e-9) }
    }

    @Test("shrinking towards a correct prior lowers the squared error; too few samples give the prior")
    func shrinks() {
        var raw = 0.0, shrunk = 0.0
        for seed in 0..<40 {
            let fit = Self.fit(beta: [0.5, 0.5], noise: 20, samples: 200, seed: 10 + UInt64(seed))
            guard let estimate = fit.estimate() else { Issue.record("no estimate"); return }
            let beta = fit.coefficients(prior: [0.5, 0.5])
            raw += estimate.beta.reduce(0.0) { $0 + ($1 - 0.5) * ($1 - 0.5) }
            shrunk += beta.reduce(0.0) { $0 + ($1 - 0.5) * ($1 - 0.5) }
            // The reported variance is that of least squares: σ²/(n·Var D) ≈ 400/200 per component here.
            #expect(estimate.variance.allSatisfy { $0 > 1 && $0 < 4 }, "\(estimate.variance)")
        }
        #expect(shrunk < 0.8 * raw, "shrunk \(shrunk) against raw \(raw)")
        let few = Self.fit(beta: [0.1, 0.9], noise: 0, samples: 10, seed: 3).coefficients(prior: [0.5, 0.5])
        #expect(few == [0.5, 0.5])
    }
}
