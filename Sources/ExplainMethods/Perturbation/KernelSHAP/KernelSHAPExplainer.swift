import ExplainTensor

/// Model-agnostic Shapley values of the interventional game over a weighted background (KernelSHAP).
///
/// ```
/// v(S) = Σ_b w_b f(x_S, b_S̄),   φ = argmin Σ_S k(S) (v(S) − v(∅) − Σ_{i∈S} φ_i)²  s.t. Σ φ = v(N) − v(∅)
/// k(S) = (M−1) / (C(M,|S|)·|S|·(M−|S|))
/// ```
/// Lundberg & Lee, "A unified approach to interpreting model predictions", NeurIPS 2017; the semantics of shap's
/// `KernelExplainer` with `l1_reg` off (ALGORITHMS.md). Players are the M features whose value differs from some
/// background value. When 2^M − 2 coalitions fit in the budget every one is evaluated and the values are exact;
/// otherwise whole sizes are enumerated from the outside in and the rest sampled in complement pairs, and every
/// value gets a standard error (Covert & Lee, "Improving KernelSHAP", AISTATS 2021). Every output is explained
/// from the same model evaluations. With `backgroundPerCoalition` set, sampled coalitions are evaluated on a few
/// drawn background rows each, with a control variate that keeps the estimate unbiased (`BackgroundControlVariate`).
public struct KernelSHAPExplainer: Sendable {
    /// The reference distribution.
    public let background: Background
    /// The budget of distinct coalitions; nil means 2M + 2048.
    public let samples: Int?
    public let sampler: KernelSHAPSampler
    /// When set, draw rounds of coalitions until max SE ≤ tolerance · (max φ − min φ) for every output, or the
    /// budget runs out.
    public let tolerance: Double?
    public let link: KernelSHAPLink
    /// When set, keep only the k largest |φ| per output and re-solve the constrained regression on them.
    public let topFeatures: Int?
    /// The most scalars one model call's rows and outputs may hold (a `Model` bounds its own activations by running
    /// rows through its layers in blocks, `Model.infer`). At least one coalition's background block is evaluated
    /// per call.
    public let chunkBudget: Int
    /// When set below the background's row count, each sampled coalition is evaluated on this many background rows
    /// drawn by weight (shared with its complement) instead of all of them, with a control variate built from
    /// sizes 1 and M − 1 on the whole background (`BackgroundControlVariate`). The values stay unbiased and their
    /// standard errors include the background noise; each sampled coalition costs this many model rows instead of
    /// the background's size. Needs the identity link. Exact (enumerated) runs ignore it.
    public let backgroundPerCoalition: Int?

    /// The default `chunkBudget`: 2^16 scalars (256 KiB of Float32), so each model call stays in cache.
    public static let defaultChunkBudget = 1 << 16
    /// Backgrounds larger than this get a cost warning.
    public static let backgroundWarningThreshold = 200
    /// The largest coalition budget accepted: every coalition's mask, weight and values stay in memory (about
    /// 100 + 16 × outputs bytes each, so 2^25 coalitions take a few GB).
    public static let maximumSamples = 1 << 25

    /// Creates an explainer.
    /// - Throws: `ExplainError(.invalidArgument)` for an empty or non-finite background, a budget below 1, a
    ///   tolerance outside (0, 1), `topFeatures` below 1, or a chunk budget below 1.
    public init(background: Background, samples: Int? = nil, sampler: KernelSHAPSampler = .default,
                tolerance: Double? = nil, link: KernelSHAPLink = .identity, topFeatures: Int? = nil,
                chunkBudget: Int = KernelSHAPExplainer.defaultChunkBudget,
                backgroundPerCoalition: Int? = nil) throws {
        let at = "kernelshap"
        try background.validate(at: at)
        if let samples, samples < 1 || samples > Self.maximumSamples {
            throw ExplainError(.invalidArgument, "samples must be between 1 and \(Self.maximumSamples) (every "
                + "coalition's value is kept in memory), got \(samples)", at: "\(at).samples")
        }
        if let tolerance, !(tolerance > 0 && tolerance < 1) {
            throw ExplainError(.invalidArgument, "tolerance must be in (0, 1), got \(tolerance)", at: "\(at).tolerance")
        }
        if let topFeatures, topFeatures < 1 {
            throw ExplainError(.invalidArgument, "top features must be at least 1, got \(topFeatures)",
                               at: "\(at).topFeatures")
        }
        guard chunkBudget >= 1 else {
            throw ExplainError(.invalidArgument, "chunk budget must be at least 1, got \(chunkBudget)",
                               at: "\(at).chunkBudget")
        }
        if let m = backgroundPerCoalition {
            guard m >= 1 else {
                throw ExplainError(.invalidArgument, "background rows per coalition must be at least 1, got \(m)",
                                   at: "\(at).backgroundPerCoalition")
            }
            guard link == .identity else {
                throw ExplainError(.invalidArgument, "a sampled background needs the identity link (the logit of a "
                    + "noisy estimate is biased)", at: "\(at).backgroundPerCoalition")
            }
        }
        self.backgroundPerCoalition = backgroundPerCoalition
        self.background = background
        self.samples = samples
        self.sampler = sampler
        self.tolerance = tolerance
        self.link = link
        self.topFeatures = topFeatures
        self.chunkBudget = chunkBudget
    }

    /// Every setting, as strings, for `AttributionResult.parameters`.
    public var parameters: [String: String] {
        [
            "samples": samples.map(String.init) ?? "auto",
            "sampler": sampler.rawValue,
            "tolerance": tolerance.map { "\($0)" } ?? "none",
            "link": link.rawValue,
            "top_features": topFeatures.map(String.init) ?? "all",
            "background_size": String(background.rows.batchSize),
            "background_per_coalition": backgroundPerCoalition.map(String.init) ?? "all",
        ]
    }

    /// Explains one row for every model output.
    ///
    /// - Parameters:
    ///   - x: the row, `predictor.inputWidth` values.
    ///   - row: its index, echoed in the result.
    ///   - target: the output the caller will explain; with a `tolerance`, sampling stops as soon as this output's
    ///     error bars meet it (nil: when every output's do). Values are computed for all outputs either way.
    ///   - rng: the source of every random draw (unused when the coalitions are enumerated).
    ///   - progress: called after each model call with the share of the coalition budget evaluated so far.
    /// - Returns: values, standard errors and diagnostics for all outputs.
    /// - Throws: `ExplainError(.invalidInput)` for a row of the wrong width or with non-finite values,
    ///   `.invalidArgument` when the predictor's width differs from the background's, `.numerical` when the model
    ///   returns non-finite outputs, and the predictor's own errors.
    /// - Complexity: (coalitions + 1) × background rows + 1 model evaluations.
    public func explain(_ x: [Float], row: Int = 0, target: Target? = nil, predictor: some BatchPredictor,
                        rng: inout SplitMix64, progress: ((Double) -> Void)? = nil) throws -> KernelSHAPResult {
        do {
            return try explainRow(x, row: row, target: target, predictor: predictor, rng: &rng, progress: progress)
        } catch var error as ExplainError where error.location.isEmpty {
            // The evaluator's errors (non-finite model outputs) do not know the row.
            error.location = "row \(row)"
            throw error
        }
    }

    private func explainRow(_ x: [Float], row: Int, target: Target?, predictor: some BatchPredictor,
                            rng: inout SplitMix64, progress: ((Double) -> Void)?) throws -> KernelSHAPResult {
        let width = background.rows.sampleCount
        guard predictor.inputWidth == width, predictor.outputCount >= 1 else {
            throw ExplainError(.invalidArgument, "the model takes \(predictor.inputWidth) inputs and gives "
                + "\(predictor.outputCount) outputs; the background has \(width) columns", at: "kernelshap.predictor")
        }
        guard x.count == width else {
            throw ExplainError(.invalidInput, "the row has \(x.count) values, expected \(width)", at: "row \(row)")
        }
        if let j = x.firstIndex(where: { !$0.isFinite }) {
            throw ExplainError(.invalidInput, "feature \(j) is not finite", at: "row \(row)")
        }
        var evaluator = CoalitionEvaluator(instance: x, background: background, outputCount: predictor.outputCount,
                                           chunkBudget: chunkBudget, affine: predictor as? any AffineInputPredictor)
        let (rawPrediction, rawMean, rawBaselines) = try evaluator.endpoints(predictor: predictor)
        let predictions = rawPrediction.map(link.apply)
        let bases = rawMean.map(link.apply)
        let gaps = zip(predictions, bases).map { $0 - $1 }
        let outputs = predictor.outputCount
        let players = evaluator.columns
        var result = KernelSHAPResult(
            row: row, outputs: rawPrediction, predictions: predictions, baseValues: bases,
            values: [[Double]](repeating: [Double](repeating: 0, count: width), count: outputs),
            stdErrors: [[Double]](repeating: [Double](repeating: 0, count: width), count: outputs),
            modelEvaluations: evaluator.backgroundCount + 1, coalitions: 0, varyingFeatureCount: players.count,
            isExact: true, isConverged: true, tolerance: tolerance, usedSolverFallback: false)
        if players.count == 1 {
            for o in 0..<outputs { result.values[o][players[0]] = gaps[o] }
        }
        guard players.count >= 2 else { return result }
        let budget = budget(playerCount: players.count)
        let affordable = Self.affordableCoalitions(playerCount: players.count, outputCount: outputs)
        guard budget <= affordable else {
            throw ExplainError(.invalidArgument, "\(budget) coalitions of \(players.count) varying features would need "
                + "more than \(Self.coalitionMemoryLimit >> 30) GiB of coalition masks and values; at most \(affordable) "
                + "fit, so lower samples", at: "row \(row): kernelshap.samples")
        }
        var plan: CoalitionPlan
        var sampling: KernelSHAPGame.SampledBackground?
        if let m = sampledBackgroundRows, m < evaluator.backgroundCount, !enumeratesAll(playerCount: players.count) {
            plan = CoalitionPlan(playerCount: players.count, budget: max(budget, 2 * players.count + 2),
                                 sampler: sampler, firstClassOnly: true)
            plan.valuesAreEstimates = true
            sampling = KernelSHAPGame.SampledBackground(perCoalition: m, instance: rawPrediction,
                                                        baselines: rawBaselines)
        } else {
            plan = CoalitionPlan(playerCount: players.count, budget: budget, sampler: sampler,
                                 enumerationBudget: tolerance == nil ? nil : Self.defaultBudget(playerCount: players.count))
        }
        if let progress {
            let total = Double(max(plan.budget, 1))
            evaluator.progress = { progress(min(1, Double($0) / total)) }
        }
        let watched = target.map { [$0.resolve(outputs: rawPrediction.map { Float($0) })] } ?? Array(0..<outputs)
        guard watched.allSatisfy({ (0..<outputs).contains($0) }) else {
            throw ExplainError(.invalidArgument, "target \(watched[0]) is out of range for \(outputs) outputs",
                               at: "kernelshap.target")
        }
        var game = KernelSHAPGame(evaluator: evaluator, link: link, bases: bases, gaps: gaps, plan: plan)
        game.sampledBackground = sampling
        game.values.reserveCapacity(min(plan.budget, CoalitionTable.upFrontCapacity) * outputs)
        var solution = try game.run(predictor: predictor, tolerance: tolerance, watched: watched, rng: &rng,
                                    progress: progress)
        if let k = topFeatures, k < players.count {
            solution = game.restricted(to: k, from: solution)
        }
        for o in 0..<outputs {
            for (p, column) in players.enumerated() {
                result.values[o][column] = solution.values[o][p]
                result.stdErrors[o][column] = solution.stdErrors[o][p]
            }
        }
        result.modelEvaluations += game.evaluations
        result.coalitions = game.plan.table.count
        result.isExact = game.plan.isExhaustive
        result.isConverged = solution.isConverged
        result.usedSolverFallback = solution.usedFallback
        result.hasReliableStdErrors = solution.hasReliableErrors
        result.convergence = solution.convergence
        return result
    }
}
