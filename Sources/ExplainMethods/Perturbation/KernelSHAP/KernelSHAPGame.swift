import ExplainTensor

/// One row's KernelSHAP run: the coalition plan, the game values evaluated so far, and the rounds of sampling.
struct KernelSHAPGame {
    let evaluator: CoalitionEvaluator
    let link: KernelSHAPLink
    /// link(E f) per output.
    let bases: [Double]
    /// link(f(x)) − link(E f) per output.
    let gaps: [Double]
    var plan: CoalitionPlan
    /// Raw v(S) per coalition and output, `[coalition × outputs]`.
    var values: [Double] = []
    /// Model rows evaluated for coalitions.
    var evaluations = 0
    /// Set when sampled coalitions are evaluated on a few background rows each.
    var sampledBackground: SampledBackground?

    /// Values and standard errors `[output][player]`.
    struct Solution {
        var values: [[Double]]
        var stdErrors: [[Double]]
        var usedFallback: Bool
        /// Whether the standard errors rest on enough sampled pairs (`KernelSHAPRegression.Solution`); a tolerance
        /// is never met without it.
        var hasReliableErrors = true
        var isConverged: Bool
        /// One point per solve so far, `[output][round]` (`ConvergencePoint`).
        var convergence: [[ConvergencePoint]] = []
    }

    var outputCount: Int { evaluator.outputCount }
    /// The share of the coalition budget evaluated so far.
    var fractionDone: Double { min(1, Double(plan.table.count) / Double(max(plan.budget, 1))) }
    var playerCount: Int { plan.playerCount }

    /// Evaluates the enumerated coalitions, then samples the rest of the budget — in one round, or with a tolerance
    /// in doubling rounds (the first an eighth of the budget, at most 2M + 2048 coalitions) until max SE ≤
    /// tolerance · (max φ − min φ) for every output in `watched`; no round is drawn after one that met it.
    /// `progress` receives the fraction of the budget evaluated after each round.
    mutating func run(predictor: some BatchPredictor, tolerance: Double?, watched: [Int],
                      rng: inout SplitMix64, progress: ((Double) -> Void)? = nil) throws -> Solution {
        try evaluatePending(predictor: predictor)
        progress?(fractionDone)
        guard !plan.isExhaustive else { return solve(converged: { _ in true }) }
        guard let tolerance else {
            if sampledBackground != nil {
                // A pilot round fits the control variate's coefficients for the rest.
                plan.sample(coalitions: max(plan.budgetLeft / 10, 16 * plan.remainingClasses.count), rng: &rng)
                drawBackground(rng: &rng)
                try evaluatePending(predictor: predictor)
                fitControl()
                progress?(fractionDone)
            }
            plan.sample(coalitions: plan.budgetLeft, rng: &rng)
            drawBackground(rng: &rng)
            try evaluatePending(predictor: predictor)
            var solution = solve(converged: { _ in false })
            solution.convergence = trace(after: solution, before: [])
            return solution
        }
        // An eighth of the budget, but no more than the default budget's worth (2M + 2048), so that a large budget
        // with a loose tolerance stops after a few cheap rounds.
        let firstRound = max(min(plan.budgetLeft / 8, KernelSHAPExplainer.defaultBudget(playerCount: playerCount)),
                             8 * plan.remainingClasses.count + 4 * playerCount)
        var sampled = 0
        var round = firstRound
        var points = [[ConvergencePoint]]()
        while true {
            let added = plan.sample(coalitions: round, rng: &rng)
            sampled += added
            drawBackground(rng: &rng)
            try evaluatePending(predictor: predictor)
            fitControl()
            progress?(fractionDone)
            var solution = solve { Self.meets(tolerance, $0, outputs: watched) }
            points = trace(after: solution, before: points)
            solution.convergence = points
            if solution.isConverged || added == 0 || plan.budgetLeft < 2 { return solution }
            round = max(sampled, 2)
        }
    }

    /// `points` with one more point per output for `solution`: the model rows so far (the row and the background
    /// included, as `KernelSHAPResult.modelEvaluations` counts them), the coalitions, and the errors.
    private func trace(after solution: Solution, before points: [[ConvergencePoint]]) -> [[ConvergencePoint]] {
        (0..<outputCount).map { o in
            (o < points.count ? points[o] : []) + [ConvergencePoint(
                modelEvaluations: evaluator.backgroundCount + 1 + evaluations, coalitions: plan.table.count,
                values: solution.values[o], stdErrors: solution.stdErrors[o])]
        }
    }

    /// Keeps the `k` largest |φ| of each output and re-solves the constrained regression on them alone.
    func restricted(to k: Int, from full: Solution) -> Solution {
        var out = full
        for o in 0..<outputCount {
            let ranked = (0..<playerCount).sorted { abs(full.values[o][$0]) > abs(full.values[o][$1]) }
            let kept = Array(ranked.prefix(k)).sorted()
            let part = regression().solve(players: kept, outputs: [o])
            out.values[o] = [Double](repeating: 0, count: playerCount)
            out.stdErrors[o] = [Double](repeating: 0, count: playerCount)
            for (position, player) in kept.enumerated() {
                out.values[o][player] = part.values[0][position]
                out.stdErrors[o][player] = part.stdErrors[0][position]
            }
            out.usedFallback = out.usedFallback || part.usedFallback
            out.hasReliableErrors = out.hasReliableErrors && part.hasReliableErrors
        }
        return out
    }

    /// Whether the largest standard error of every output in `outputs` is within `tolerance` of its value range:
    /// the quantity each output's convergence trace records.
    static func meets(_ tolerance: Double, _ solution: Solution, outputs: [Int]) -> Bool {
        outputs.allSatisfy { o in
            ConvergencePoint(modelEvaluations: 0, coalitions: 0, values: solution.values[o],
                             stdErrors: solution.stdErrors[o]).meets(tolerance)
        }
    }

    /// Evaluates v(S) for the coalitions added since the last call.
    private mutating func evaluatePending(predictor: some BatchPredictor) throws {
        let done = values.count / max(1, outputCount)
        guard done < plan.table.count else { return }
        guard var sampling = sampledBackground else {
            evaluations += try evaluator.evaluate(plan.table, range: done..<plan.table.count, predictor: predictor,
                                                  into: &values)
            return
        }
        let enumerated = plan.enumeratedWeights.count
        if done < enumerated {
            var perBackground: [Double]? = []
            evaluations += try evaluator.evaluate(plan.table, range: done..<enumerated, predictor: predictor,
                                                  into: &values, perBackground: &perBackground)
            sampling.control = controlVariate(perBackground ?? [], sampling: sampling)
            sampledBackground = sampling
        }
        guard let control = sampling.fitted ?? sampling.control, values.count / outputCount < plan.table.count
        else { return }
        sampledBackground = nil  // keeps `sampling.parts` uniquely referenced
        defer { sampledBackground = sampling }
        evaluations += try evaluator.evaluate(
            plan.table, range: (values.count / outputCount)..<plan.table.count, draws: sampling.draws,
            firstSampled: enumerated, perCoalition: sampling.perCoalition, control: control, predictor: predictor,
            into: &values, parts: &sampling.parts, keepParts: sampling.fitted == nil)
    }

    /// The regression over every coalition so far, targets in link space.
    private func regression() -> KernelSHAPRegression {
        var targets = values
        for i in 0..<plan.table.count {
            for o in 0..<outputCount { targets[i * outputCount + o] = link.apply(targets[i * outputCount + o]) - bases[o] }
        }
        return KernelSHAPRegression(table: plan.table, weights: plan.weights(), targets: targets,
                                    outputCount: outputCount, gaps: gaps, partners: plan.partners, pairs: plan.pairs,
                                    strata: plan.strata())
    }

    private func solve(converged: (Solution) -> Bool) -> Solution {
        let s = regression().solve(players: Array(0..<playerCount), outputs: Array(0..<outputCount))
        var solution = Solution(values: s.values, stdErrors: s.stdErrors, usedFallback: s.usedFallback,
                                hasReliableErrors: s.hasReliableErrors, isConverged: false)
        solution.isConverged = s.hasReliableErrors && converged(solution)
        return solution
    }
}
