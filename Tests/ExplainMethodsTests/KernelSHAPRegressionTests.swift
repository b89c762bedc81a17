@testable import ExplainMethods
import ExplainTensor
import Testing

/// The blocked regression (pairs, dsyrk, rank-one centring) against the textbook formulas written out densely.
@Suite("KernelSHAP regression: values and sandwich standard errors against a dense oracle")
struct KernelSHAPRegressionTests {
    @Test("values and standard errors match the dense formulas, with repeated pairs and strata in several rounds",
          arguments: KernelSHAPSampler.allCases)
    func matchesDenseOracle(sampler: KernelSHAPSampler) throws {
        let m = 9, outputs = 2
        var plan = CoalitionPlan(playerCount: m, budget: 240, sampler: sampler)
        var rng = SplitMix64(seed: 77)
        // Two rounds, so the strata of later pairs interleave with earlier ones.
        plan.sample(coalitions: 90, rng: &rng)
        plan.sample(coalitions: plan.budgetLeft, rng: &rng)
        if sampler == .kernel { #expect(plan.pairs.contains { $0.count > 1 }, "the kernel sampler draws with replacement") }
        let targets = (0..<(plan.table.count * outputs)).map { _ in rng.nextNormal() }
        let gaps = [0.7, -1.3]
        let regression = KernelSHAPRegression(table: plan.table, weights: plan.weights(), targets: targets,
                                              outputCount: outputs, gaps: gaps, partners: plan.partners,
                                              pairs: plan.pairs, strata: plan.strata())
        let solution = regression.solve(players: Array(0..<m), outputs: [0, 1])
        let oracle = Self.denseOracle(plan: plan, targets: targets, outputs: outputs, gaps: gaps)
        for o in 0..<outputs {
            let scale = oracle.errors[o].max() ?? 1
            #expect(scale > 0)
            for j in 0..<m {
                #expect(abs(solution.values[o][j] - oracle.values[o][j]) <= 1e-10, "output \(o) player \(j) value")
                #expect(abs(solution.stdErrors[o][j] - oracle.errors[o][j]) <= 1e-9 * scale,
                        "output \(o) player \(j): \(solution.stdErrors[o][j]) vs \(oracle.errors[o][j])")
            }
        }
    }

    /// φ from the constrained normal equations over every coalition, and √diag of A⁻¹ G A⁻¹ with
    /// G = Σ_s c_s Σ_u n_u (g_u − ḡ_s)(g_u − ḡ_s)ᵀ built from explicitly centred pair gradients.
    static func denseOracle(plan: CoalitionPlan, targets: [Double], outputs: Int, gaps: [Double])
        -> (values: [[Double]], errors: [[Double]]) {
        let m = plan.playerCount, q = m - 1, last = m - 1
        let weights = plan.weights()
        func z(_ i: Int, _ j: Int) -> Double { plan.table.contains(i, player: j) ? 1 : 0 }
        var a = [Double](repeating: 0, count: q * q)
        var b = [[Double]](repeating: [Double](repeating: 0, count: q), count: outputs)
        for i in 0..<plan.table.count where weights[i] > 0 {
            let x = (0..<q).map { z(i, $0) - z(i, last) }
            for r in 0..<q { for c in 0..<q { a[r * q + c] += weights[i] * x[r] * x[c] } }
            for o in 0..<outputs {
                let y = targets[i * outputs + o] - z(i, last) * gaps[o]
                for r in 0..<q { b[o][r] += weights[i] * x[r] * y }
            }
        }
        let inverse = WeightedRidge.inverse(a, n: q)
        let reduced = b.map { column in (0..<q).map { r in (0..<q).reduce(0.0) { $0 + inverse[r * q + $1] * column[$1] } } }
        let values = (0..<outputs).map { o in reduced[o] + [gaps[o] - reduced[o].reduce(0, +)] }
        let strata = plan.strata()
        let errors = (0..<outputs).map { o -> [Double] in
            var g = [Double](repeating: 0, count: q * q)
            for (s, stratum) in strata.enumerated() where stratum.draws > 1 {
                let members = plan.pairs.filter { $0.stratum == s }
                let gradients = members.map { pair -> [Double] in
                    let (rep, other) = z(pair.first, last) == 0 ? (pair.first, pair.second) : (pair.second, pair.first)
                    let zs = (0..<q).map { z(rep, $0) }
                    let fitted = (0..<q).reduce(0.0) { $0 + zs[$1] * reduced[o][$1] }
                    let d = targets[rep * outputs + o] - targets[other * outputs + o] + gaps[o] - 2 * fitted
                    return zs.map { d * $0 }
                }
                let drawn = members.reduce(0.0) { $0 + $1.count }
                let mean = (0..<q).map { j in zip(members, gradients).reduce(0.0) { $0 + $1.0.count * $1.1[j] } / drawn }
                let c = stratum.scale * stratum.scale * stratum.draws * (1 - stratum.finitePopulationFraction)
                    / (stratum.draws - 1)
                for (pair, gradient) in zip(members, gradients) {
                    for r in 0..<q {
                        for k in 0..<q { g[r * q + k] += c * pair.count * (gradient[r] - mean[r]) * (gradient[k] - mean[k]) }
                    }
                }
            }
            var covariance = [Double](repeating: 0, count: q * q)
            for r in 0..<q {
                for k in 0..<q {
                    var total = 0.0
                    for i in 0..<q { for j in 0..<q { total += inverse[r * q + i] * g[i * q + j] * inverse[j * q + k] } }
                    covariance[r * q + k] = total
                }
            }
            return (0..<q).map { covariance[$0 * q + $0].squareRoot() } + [covariance.reduce(0, +).squareRoot()]
        }
        return (values, errors)
    }
}
