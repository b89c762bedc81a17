@testable import ExplainMethods
import ExplainTensor
import Testing

/// The blocked regression (pairs, dsyrk, rank-one centring) against the textbook formulas written out densely.
@Suite("KernelSHAP regression: values and sandwich standard errors against a dense oracle")
struct KernelSHAPRegressionTests {
    @Test("values and standard errors match the dense formulas, with repeated pairs and strata in several rounds",
          arguments: KernelSHAPSampler.allCases)
    func matchesDenseOracle(sampler: KernelSHAPSampler) throws {
        var plan = CoalitionPlan(playerCount: 9, budget: 240, sampler: sampler)
        var rng = SplitMix64(seed: 77)
        // Two rounds, so the strata of later pairs interleave with earlier ones.
        plan.sample(coalitions: 90, rng: &rng)
        plan.sample(coalitions: plan.budgetLeft, rng: &rng)
        if sampler == .kernel { #expect(plan.pairs.contains { $0.count > 1 }, "the kernel sampler draws with replacement") }
        let regression = Self.regression(plan: plan, rng: &rng)
        let design = PairDesign(players: Array(0..<9), playerCount: 9, wordCount: plan.table.wordCount)
        #expect(regression.classIntercepts(design, outputs: [0, 1]).groupCount > 0, "some sampled class has an intercept")
        Self.checkAgainstOracle(regression, plan: plan)
    }

    @Test("strata with a single draw are collapsed into one for the standard errors, which stay positive")
    func collapsedStrata() throws {
        var plan = CoalitionPlan(playerCount: 9, budget: 24, sampler: .leverage, firstClassOnly: true)
        var rng = SplitMix64(seed: 5)
        plan.sample(coalitions: plan.budgetLeft, rng: &rng)
        #expect(plan.strata().filter { $0.draws > 0 }.allSatisfy { $0.draws == 1 } && plan.pairs.count == 3)
        let errors = Self.checkAgainstOracle(Self.regression(plan: plan, rng: &rng), plan: plan)
        #expect(errors.allSatisfy { $0.allSatisfy { $0 > 0 } }, "\(errors)")
    }

    /// A regression over `plan` with random targets for two outputs.
    static func regression(plan: CoalitionPlan, rng: inout SplitMix64) -> KernelSHAPRegression {
        let targets = (0..<(plan.table.count * 2)).map { _ in rng.nextNormal() }
        return KernelSHAPRegression(table: plan.table, weights: plan.weights(), targets: targets, outputCount: 2,
                                    gaps: [0.7, -1.3], partners: plan.partners, pairs: plan.pairs,
                                    strata: plan.strata())
    }

    /// Compares the regression's values and standard errors with `denseOracle`; returns the standard errors.
    @discardableResult
    static func checkAgainstOracle(_ regression: KernelSHAPRegression, plan: CoalitionPlan) -> [[Double]] {
        let m = plan.playerCount
        let solution = regression.solve(players: Array(0..<m), outputs: [0, 1])
        let oracle = Self.denseOracle(plan: plan, targets: regression.targets, outputs: 2, gaps: regression.gaps)
        for o in 0..<2 {
            let scale = oracle.errors[o].max() ?? 1
            #expect(scale > 0)
            for j in 0..<m {
                #expect(abs(solution.values[o][j] - oracle.values[o][j]) <= 1e-10, "output \(o) player \(j) value")
                #expect(abs(solution.stdErrors[o][j] - oracle.errors[o][j]) <= 1e-9 * scale,
                        "output \(o) player \(j): \(solution.stdErrors[o][j]) vs \(oracle.errors[o][j])")
            }
        }
        return solution.stdErrors
    }

    /// φ from the constrained normal equations over every coalition, with a dummy column per coalition size for the
    /// sampled sizes whose class has an intercept, and √diag of the φ block of A⁻¹ G A⁻¹ with
    /// G = Σ_s c_s Σ_u n_u (g_u − ḡ_s)(g_u − ḡ_s)ᵀ built from explicitly centred pair gradients (both members'
    /// design rows, dummies included, times their residuals); strata with one draw form one stratum of gradients
    /// scaled by their own scale, with c = n/(n − 1).
    static func denseOracle(plan: CoalitionPlan, targets: [Double], outputs: Int, gaps: [Double])
        -> (values: [[Double]], errors: [[Double]]) {
        let m = plan.playerCount, q = m - 1, last = m - 1
        let weights = plan.weights()
        func z(_ i: Int, _ j: Int) -> Double { plan.table.contains(i, player: j) ? 1 : 0 }
        func size(_ i: Int) -> Int { (0..<m).filter { plan.table.contains(i, player: $0) }.count }
        // Sizes with their own intercept: both sizes of every class of at least `minimumPairs` sampled pairs, the
        // middle class excepted.
        var pairsPerClass = [Int: Int]()
        for pair in plan.pairs { pairsPerClass[min(size(pair.first), m - size(pair.first)), default: 0] += 1 }
        let dummySizes = pairsPerClass.keys.sorted()
            .filter { 2 * $0 != m && pairsPerClass[$0, default: 0] >= KernelSHAPRegression.ClassIntercepts.minimumPairs }
            .flatMap { [$0, m - $0] }
        let sampled = Set(plan.pairs.flatMap { [$0.first, $0.second] })
        let n = q + dummySizes.count
        func row(_ i: Int) -> [Double] {
            let dummies = dummySizes.map { sampled.contains(i) && size(i) == $0 ? 1.0 : 0 }
            return (0..<q).map { z(i, $0) - z(i, last) } + dummies
        }
        func target(_ i: Int, _ o: Int) -> Double { targets[i * outputs + o] - z(i, last) * gaps[o] }
        var a = [Double](repeating: 0, count: n * n)
        var b = [[Double]](repeating: [Double](repeating: 0, count: n), count: outputs)
        for i in 0..<plan.table.count where weights[i] > 0 {
            let x = row(i)
            for r in 0..<n { for c in 0..<n { a[r * n + c] += weights[i] * x[r] * x[c] } }
            for o in 0..<outputs { for r in 0..<n { b[o][r] += weights[i] * x[r] * target(i, o) } }
        }
        let inverse = WeightedRidge.inverse(a, n: n)
        let theta = b.map { column in (0..<n).map { r in (0..<n).reduce(0.0) { $0 + inverse[r * n + $1] * column[$1] } } }
        let values = (0..<outputs).map { o in Array(theta[o][0..<q]) + [gaps[o] - theta[o][0..<q].reduce(0, +)] }
        let strata = plan.strata()
        let errors = (0..<outputs).map { o -> [Double] in
            var g = [Double](repeating: 0, count: n * n)
            // Strata with one draw are collapsed into one, their gradients scaled by their own scale.
            let singles = strata.indices.filter { strata[$0].draws == 1 }
            var groups = strata.indices.filter { strata[$0].draws > 1 }.map { [$0] }
            if singles.count >= 2 { groups.append(singles) }
            for group in groups {
                let collapsed = group.count > 1
                let stratum = strata[group[0]]
                let members = plan.pairs.filter { group.contains($0.stratum) }
                let gradients = members.map { pair -> [Double] in
                    var gradient = [Double](repeating: 0, count: n)
                    for i in [pair.first, pair.second] {
                        let x = row(i)
                        let residual = target(i, o) - (0..<n).reduce(0.0) { $0 + x[$1] * theta[o][$1] }
                        for r in 0..<n { gradient[r] += x[r] * residual }
                    }
                    // HC2 for the intercept: residuals scaled by 1/√(1 − w_u/W_c), W_c the class's weight.
                    func sizeClass(_ p: SampledPair) -> Int { min(size(p.first), m - size(p.first)) }
                    guard dummySizes.contains(size(pair.first)) else { return gradient }
                    let classWeight = plan.pairs.filter { sizeClass($0) == sizeClass(pair) }
                        .reduce(0.0) { $0 + weights[$1.first] }
                    return gradient.map { $0 / (1 - weights[pair.first] / classWeight).squareRoot() }
                }
                let scaled = collapsed ? zip(members, gradients).map { pair, g in g.map { strata[pair.stratum].scale * $0 } }
                    : gradients
                let drawn = members.reduce(0.0) { $0 + $1.count }
                let mean = (0..<n).map { j in zip(members, scaled).reduce(0.0) { $0 + $1.0.count * $1.1[j] } / drawn }
                let c = collapsed ? drawn / (drawn - 1)
                    : stratum.scale * stratum.scale * stratum.draws * (1 - stratum.finitePopulationFraction)
                        / (stratum.draws - 1)
                for (pair, gradient) in zip(members, scaled) {
                    for r in 0..<n {
                        for k in 0..<n { g[r * n + k] += c * pair.count * (gradient[r] - mean[r]) * (gradient[k] - mean[k]) }
                    }
                }
            }
            var covariance = [Double](repeating: 0, count: q * q)
            for r in 0..<q {
                for k in 0..<q {
                    var total = 0.0
                    for i in 0..<n { for j in 0..<n { total += inverse[r * n + i] * g[i * n + j] * inverse[j * n + k] } }
                    covariance[r * q + k] = total
                }
            }
            return (0..<q).map { covariance[$0 * q + $0].squareRoot() } + [covariance.reduce(0, +).squareRoot()]
        }
        return (values, errors)
    }
}
