import ExplainTensor

/// Shapley values of KernelSHAP's interventional game by sampling permutations, each with its reverse.
///
/// ```
/// v(S) = Σ_b w_b f(x_S, b_S̄),   φ_i = E_π [v(Pre_π(i) ∪ {i}) − v(Pre_π(i))]
/// ```
/// Castro, Gómez & Tejada, "Polynomial calculation of the Shapley value based on sampling", Computers & OR 2009;
/// the game of shap's `KernelExplainer` and `PermutationExplainer` over the background, estimated as captum's
/// `ShapleyValueSampling` does but with antithetic pairs: every drawn permutation is followed by its reverse
/// (Mitchell et al., "Sampling permutations for Shapley value estimation", JMLR 2022), whose prefixes are the
/// complements of the forward prefixes. Each permutation's marginals add up to v(N) − v(∅) = f(x) − E f, so the
/// estimates do too, to float precision. A pair's mean marginals are independent draws, so each value's standard
/// error is their standard deviation over √pairs. Players are the features that vary, as in KernelSHAP.
public struct ShapleySampling: Sendable {
    /// The reference distribution.
    public let background: Background
    /// The permutations per row, reverses included (even).
    public let permutationCount: Int
    /// The most scalars one model call's rows and outputs may hold (as `KernelSHAPExplainer.chunkBudget`).
    public let chunkBudget: Int

    /// The default number of permutations: 32 antithetic pairs. At M = 30 that is 64 × 29 = 1,856 coalitions,
    /// about KernelSHAP's default budget of 2M + 2048 = 2,108, and 32 pairs give standard errors with 31 degrees of
    /// freedom (a 95 % interval of ±2.04 SE instead of ±1.96).
    public static let defaultPermutationCount = 64
    /// The largest number of permutations accepted.
    public static let maximumPermutationCount = 1 << 24
    /// The flag raised when a single pair leaves no spread to estimate the standard errors from (they are 0).
    public static let tooFewPairsFlag = "shapley_sampling_too_few_samples_for_std_errors"
    /// The most coalitions one batch of permutations holds (their masks and values), so memory is bounded.
    static let coalitionsPerBatch = 1 << 12

    /// Creates an explainer; an odd `permutations` is rounded up to the next pair.
    /// - Throws: `ExplainError(.invalidArgument)` for an empty or non-finite background, weights that are negative,
    ///   non-finite or all zero, permutations outside 1 … `maximumPermutationCount`, or a chunk budget below 1.
    public init(background: Background, permutations: Int = ShapleySampling.defaultPermutationCount,
                chunkBudget: Int = KernelSHAPExplainer.defaultChunkBudget) throws {
        let at = "shapley-sampling"
        try background.validate(at: at)
        guard (1...Self.maximumPermutationCount).contains(permutations) else {
            throw ExplainError(.invalidArgument, "samples must be between 1 and \(Self.maximumPermutationCount) "
                + "permutations, got \(permutations)", at: "\(at).samples")
        }
        guard chunkBudget >= 1 else {
            throw ExplainError(.invalidArgument, "chunk budget must be at least 1, got \(chunkBudget)",
                               at: "\(at).chunkBudget")
        }
        self.background = background
        permutationCount = 2 * ((permutations + 1) / 2)
        self.chunkBudget = chunkBudget
    }

    /// Every setting, as strings, for `AttributionResult.parameters`.
    public var parameters: [String: String] {
        ["samples": String(permutationCount), "antithetic": "true",
         "background_size": String(background.rows.batchSize)]
    }

    /// Explains one row for every model output.
    ///
    /// - Parameters:
    ///   - x: the row, `predictor.inputWidth` values.
    ///   - row: its index, echoed in the result.
    ///   - rng: the source of the permutations.
    /// - Returns: values and standard errors `[output][feature]`, f(x) and E f = Σ_b w_b f(b).
    /// - Throws: `ExplainError(.invalidInput)` for a bad row, `.invalidArgument` when the predictor's width differs
    ///   from the background's, `.numerical` for non-finite model outputs, and the predictor's errors.
    /// - Complexity: permutations × (M − 1) × K + K + 1 model evaluations for M varying features and K background
    ///   rows, fewer when permutations share a prefix in one batch.
    public func explain(_ x: [Float], row: Int = 0, predictor: some BatchPredictor,
                        rng: inout SplitMix64) throws -> PerturbationResult {
        let width = background.rows.sampleCount
        guard predictor.inputWidth == width else {
            throw ExplainError(.invalidArgument, "the model takes \(predictor.inputWidth) inputs; the background has "
                + "\(width) columns", at: "shapley-sampling.predictor")
        }
        try SetAblation.validate(x, row: row, predictor: predictor, method: "shapley-sampling")
        return try SetAblation.locating(row: row) { try explainRow(x, row: row, predictor: predictor, rng: &rng) }
    }

    private func explainRow(_ x: [Float], row: Int, predictor: some BatchPredictor,
                            rng: inout SplitMix64) throws -> PerturbationResult {
        let evaluator = CoalitionEvaluator(instance: x, background: background, outputCount: predictor.outputCount,
                                           chunkBudget: chunkBudget, affine: predictor as? any AffineInputPredictor)
        let (fx, mean, _) = try evaluator.endpoints(predictor: predictor)
        let outputs = predictor.outputCount, width = x.count, players = evaluator.columns
        var result = PerturbationResult(
            method: "shapley-sampling", row: row, outputs: fx, baseValues: mean,
            values: [[Double]](repeating: [Double](repeating: 0, count: width), count: outputs),
            stdErrors: [[Double]](repeating: [Double](repeating: 0, count: width), count: outputs),
            modelEvaluations: evaluator.backgroundCount + 1,
            diagnostics: ["permutations": Double(permutationCount), "varying_features": Double(players.count)])
        if players.count == 1 {
            for o in 0..<outputs { result.values[o][players[0]] = fx[o] - mean[o] }
        }
        guard players.count >= 2 else { return result }
        var sampler = PermutationPairs(evaluator: evaluator, instance: fx, mean: mean)
        let pairs = permutationCount / 2
        let perBatch = max(1, Self.coalitionsPerBatch / (2 * (players.count - 1)))
        var done = 0
        while done < pairs {
            let count = min(perBatch, pairs - done)
            try sampler.add(pairs: count, predictor: predictor, rng: &rng)
            done += count
        }
        let (values, errors) = sampler.estimates()
        for o in 0..<outputs {
            for (p, column) in players.enumerated() {
                result.values[o][column] = values[o * players.count + p]
                result.stdErrors?[o][column] = errors[o * players.count + p]
            }
        }
        result.modelEvaluations += sampler.evaluations
        if pairs < 2 { result.flags.append(Self.tooFewPairsFlag) }
        return result
    }
}
