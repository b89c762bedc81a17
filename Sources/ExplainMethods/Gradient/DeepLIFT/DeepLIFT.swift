import ExplainNN
import ExplainTensor

/// DeepLIFT with the rescale rule: attributions of f(x) − f(x′) propagated by multipliers Δoutput / Δinput.
///
/// ```
/// φ_i = m_i · (x_i − x′_i),  m = the rescale-rule multipliers of f at the input (see `DeepLIFTRule`)
/// completeness gap = Σ_i φ_i − (f(x) − f(x′))
/// ```
/// Shrikumar, Greenside & Kundaje 2017, "Learning Important Features Through Propagating Activation Differences";
/// the same quantity as captum `DeepLift` (rescale rule, eps 1e-10, softmax multipliers centred per row, captum's
/// max-pooling rule). Linear layers and the rescale rule conserve Δf exactly, so the gap is rounding — except across a
/// softmax, whose centred multipliers do not conserve it (captum's delta shows the same). With several baselines, φ and
/// f(x′) are averaged over them, as integrated gradients does.
///
/// Every explanation reports `completeness_gap`, `completeness_gap_relative` and `model_evaluations` in
/// `diagnostics`, with the flag `completeness_gap_above_1_percent` as integrated gradients raises it. `base_value` is
/// f(x′).
public struct DeepLIFT: Sendable {
    /// The reference input(s).
    public var baseline: GradientBaseline
    /// |Δx| below which a layer's gradient replaces Δy / Δx (captum's default, 1e-10).
    public var eps: Float
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    public init(baseline: GradientBaseline = .zeros, eps: Float = 1e-10, batching: GradientBatching = GradientBatching()) {
        self.baseline = baseline
        self.eps = eps
        self.batching = batching
    }

    /// The CONTRACT method name.
    public var method: String { "deeplift" }
    /// The parameters with CLI spellings: `baseline`.
    public var parameters: [String: String] { ["baseline": baseline.parameterValue] }

    /// Explains every row for its target output.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - model: the network (every layer needs a rule; all of ExplainNN's layers have one).
    ///   - target: the explained output; `.predicted` takes the argmax of f(x) for each row.
    ///   - featureStats, background: the training data, used by the `.mean` baseline.
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    /// - Returns: one explanation per row, with `base_value` f(x′) and the completeness diagnostics.
    /// - Throws: `ExplainError` for invalid rows, targets or baselines.
    /// - Complexity: N · K pairs (K baselines), each one forward pass of the row and of the baseline and one rule pass.
    public func explain(
        _ rows: Tensor, using model: Model, target: Target = .predicted,
        featureStats: FeatureStats? = nil, background: Background? = nil, rowIndices: [Int]? = nil
    ) throws -> [Explanation] {
        let width = model.inputWidth, outputCount = model.outputCount
        try GradientSupport.validate(rows, width: width)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let baselines = try baseline.resolved(width: width, featureStats: featureStats, background: background)
        let n = x.batchSize, k = baselines.batchSize
        guard n > 0 else { return [] }
        let rowOutputs = try batching.predict(model, x)
        let baselineOutputs = try batching.predict(model, baselines)
        let targets = try GradientSupport.targets(target, outputs: rowOutputs, outputCount: outputCount)
        var phi = [Double](repeating: 0, count: n * width)
        try DeepLIFTPairs.evaluate(
            model: model, rows: x, references: baselines, pointCount: n * k, pair: { ($0 / k, $0 % k) },
            targets: targets, eps: eps, batching: batching
        ) { points, attributions in
            for (slot, p) in points.enumerated() {
                let r = p / k
                for j in 0..<width { phi[r * width + j] += Double(attributions[slot * width + j]) / Double(k) }
            }
        }
        return try GradientSupport.finite((0..<n).map { r in
            let t = targets[r]
            let fx = Double(rowOutputs.scalars[r * outputCount + t])
            var fBase = 0.0
            for b in 0..<k { fBase += Double(baselineOutputs.scalars[b * outputCount + t]) }
            fBase /= Double(k)
            let attributions = Array(phi[(r * width)..<((r + 1) * width)])
            let (diagnostics, flags) = IntegratedGradients.completeness(
                sum: attributions.reduce(0, +), difference: fx - fBase, evaluations: 2 * k)
            return Explanation(row: numbers[r], target: t, targetName: model.outputNames[t], prediction: fx,
                               baseValue: fBase, attributions: attributions, diagnostics: diagnostics, flags: flags)
        })
    }
}
