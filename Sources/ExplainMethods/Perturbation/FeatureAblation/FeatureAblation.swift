import ExplainTensor

/// Feature ablation: the drop in the output when one feature (or one group of features) takes the baseline's value.
///
/// ```
/// φ_i = f(x) − f(x with x_G ← x'_G),   G the player (feature or group) that holds i
/// ```
/// captum `FeatureAblation` (Zeiler & Fergus 2014 for the occlusion idea). With several baseline rows, f of the
/// ablated row is averaged over them, as integrated gradients averages over its baselines, and `base_value` is f
/// averaged over the baselines. Features equal to every baseline row get 0 without a model evaluation. The
/// attributions need not add up to f(x) − f(x'): `additivity_gap` reports by how much they miss.
public struct FeatureAblation: Sendable {
    /// The reference input(s), as for integrated gradients.
    public let baseline: GradientBaseline
    /// The players: nil makes every input its own player; otherwise each set of input indices is ablated together
    /// and all its inputs get the set's difference (captum's `feature_mask`). Inputs in no set get 0.
    public let groups: [[Int]]?
    /// The most scalars one model call's rows and outputs may hold (as `KernelSHAPExplainer.chunkBudget`).
    public let chunkBudget: Int

    /// Creates an explainer.
    /// - Throws: `ExplainError(.invalidArgument)` for an empty group, a negative index, an index in two groups, or
    ///   a chunk budget below 1.
    public init(baseline: GradientBaseline = .zeros, groups: [[Int]]? = nil,
                chunkBudget: Int = KernelSHAPExplainer.defaultChunkBudget) throws {
        if let groups {
            var seen = Set<Int>()
            for (g, group) in groups.enumerated() {
                guard !group.isEmpty else {
                    throw ExplainError(.invalidArgument, "group \(g) is empty", at: "feature-ablation.groups")
                }
                for index in group {
                    guard index >= 0, seen.insert(index).inserted else {
                        throw ExplainError(.invalidArgument, index < 0 ? "group \(g) has the negative index \(index)"
                            : "input \(index) is in more than one group", at: "feature-ablation.groups")
                    }
                }
            }
        }
        guard chunkBudget >= 1 else {
            throw ExplainError(.invalidArgument, "chunk budget must be at least 1, got \(chunkBudget)",
                               at: "feature-ablation.chunkBudget")
        }
        self.baseline = baseline
        self.groups = groups
        self.chunkBudget = chunkBudget
    }

    /// Every setting, as strings, for `AttributionResult.parameters`.
    public var parameters: [String: String] {
        ["baseline": baseline.parameterValue, "players": groups.map { "\($0.count) groups" } ?? "features"]
    }

    /// Explains one row for every model output.
    ///
    /// - Parameters:
    ///   - x: the row, `predictor.inputWidth` values.
    ///   - row: its index, echoed in the result.
    ///   - featureStats, background: the training data, used by the `.mean` baseline.
    /// - Returns: φ `[output][feature]`, f(x), and f averaged over the baselines.
    /// - Throws: `ExplainError(.invalidInput)` for a bad row, `.invalidArgument` for a bad baseline or a group
    ///   index beyond the row, `.numerical` for non-finite model outputs, and the predictor's errors.
    /// - Complexity: (players + 1) × K + 1 model evaluations for K baseline rows, in one batch per `chunkBudget`.
    public func explain(_ x: [Float], row: Int = 0, predictor: some BatchPredictor, featureStats: FeatureStats? = nil,
                        background: Background? = nil) throws -> PerturbationResult {
        try SetAblation.validate(x, row: row, predictor: predictor, method: "feature-ablation")
        let width = x.count
        if let bad = groups?.joined().first(where: { $0 >= width }) {
            throw ExplainError(.invalidArgument, "input index \(bad) is beyond the model's \(width) inputs",
                               at: "feature-ablation.groups")
        }
        let baselines = try baseline.resolved(width: width, featureStats: featureStats, background: background)
        return try SetAblation.locating(row: row) {
            let ablation = try SetAblation(instance: x, baselines: baselines, predictor: predictor,
                                           chunkBudget: chunkBudget)
            let sets = groups ?? (0..<width).map { [$0] }
            let (differences, evaluations) = try ablation.differences(sets, predictor: predictor)
            let outputs = predictor.outputCount
            var values = [[Double]](repeating: [Double](repeating: 0, count: width), count: outputs)
            for (s, set) in sets.enumerated() {
                for o in 0..<outputs {
                    let d = differences[s * outputs + o]
                    for i in set { values[o][i] = d }
                }
            }
            return PerturbationResult(method: "feature-ablation", row: row, outputs: ablation.instanceOutputs,
                                      baseValues: ablation.baselineOutputs, values: values,
                                      modelEvaluations: ablation.endpointEvaluations + evaluations,
                                      diagnostics: ["players": Double(sets.count)])
        }
    }
}
