import ExplainNN
import ExplainTensor

/// Integrated gradients: the path integral of the gradient from a baseline x' to the input x.
///
/// ```
/// φ_i = (x_i − x'_i) · ∫₀¹ ∂f/∂x_i(x' + α(x − x')) dα  ≈  (x_i − x'_i) · Σ_k w_k ∂f/∂x_i(x' + α_k(x − x'))
/// completeness gap = Σ_i φ_i − (f(x) − f(x'))
/// ```
/// Sundararajan, Taly & Yan 2017, "Axiomatic Attribution for Deep Networks"; the same quantity as captum
/// `IntegratedGradients` (whose `convergence_delta` is the gap). With several baselines, φ and f(x') are averaged
/// over them, and so is the gap.
///
/// Every explanation reports `completeness_gap`, `completeness_gap_relative` (|gap| / |f(x) − f(x')|) and
/// `model_evaluations` in `diagnostics`, and the flag `completeness_gap_above_1_percent` when
/// |gap| > max(0.01 · |f(x) − f(x')|, 1e-6) (the floor keeps Float32 rounding on a near-zero difference from raising
/// it). `base_value` is f(x').
public struct IntegratedGradients: Sendable {
    /// The flag raised when the completeness gap exceeds 1% of f(x) − f(x').
    public static let gapFlag = "completeness_gap_above_1_percent"

    /// The number of quadrature steps n (the trapezoid rule evaluates n + 1 points).
    public var stepCount: Int
    /// The quadrature rule.
    public var rule: QuadratureRule
    /// The reference input(s).
    public var baseline: GradientBaseline
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    /// The largest step count accepted (the Gauss–Legendre nodes cost O(n²) to find; captum users take 50 to a few
    /// thousand).
    public static let maximumStepCount = 1 << 14

    /// - Precondition: 1 ≤ `stepCount` ≤ `maximumStepCount` (validate user input before, e.g. in the CLI).
    public init(stepCount: Int = 50, rule: QuadratureRule = .gaussLegendre, baseline: GradientBaseline = .zeros,
                batching: GradientBatching = GradientBatching()) {
        precondition((1...Self.maximumStepCount).contains(stepCount),
                     "IntegratedGradients: stepCount must be between 1 and \(Self.maximumStepCount)")
        self.stepCount = stepCount
        self.rule = rule
        self.baseline = baseline
        self.batching = batching
    }

    /// The CONTRACT method name.
    public var method: String { "integrated-gradients" }
    /// The parameters with CLI spellings: `steps`, `rule`, `baseline`.
    public var parameters: [String: String] {
        ["steps": String(stepCount), "rule": rule.rawValue, "baseline": baseline.parameterValue]
    }

    /// Explains every row for its target output.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - predictor: the differentiable model.
    ///   - target: the explained output; `.predicted` takes the argmax of f(x) for each row.
    ///   - featureStats, background: the training data, used by the `.mean` baseline.
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    /// - Returns: one explanation per row, with `base_value` f(x') and the completeness diagnostics.
    /// - Throws: `ExplainError` for invalid rows, targets or baselines, or errors of the predictor.
    /// - Complexity: N · K · n gradient evaluations (K baselines), in chunks of `batching`; two extra forward passes.
    public func explain<P: DifferentiablePredictor>(
        _ rows: Tensor, using predictor: P, target: Target = .predicted,
        featureStats: FeatureStats? = nil, background: Background? = nil, rowIndices: [Int]? = nil
    ) throws -> [Explanation] {
        let width = predictor.inputWidth, outputCount = predictor.outputCount
        try GradientSupport.validate(rows, width: width)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let baselines = try baseline.resolved(width: width, featureStats: featureStats, background: background)
        let n = x.batchSize, b = baselines.batchSize
        guard n > 0 else { return [] }
        let rowOutputs = try batching.predict(predictor, x)
        let baselineOutputs = try batching.predict(predictor, baselines)
        let targets = try GradientSupport.targets(target, outputs: rowOutputs, outputCount: outputCount)
        let (alphas, weights) = rule.nodes(stepCount: stepCount)
        let k = alphas.count, pathLength = b * k
        // φ_r accumulates Σ_b Σ_k (w_k / K_b) (x − x'_b) ⊙ ∇f(x'_b + α_k (x − x'_b)) in Double.
        var phi = [Double](repeating: 0, count: n * width)
        let scale = weights.map { $0 / Double(b) }
        try x.scalars.withUnsafeBufferPointer { xs in
            try baselines.scalars.withUnsafeBufferPointer { bs in
                try batching.evaluate(predictor, pointCount: n * pathLength, pointsPerRow: pathLength, fill: { point, out in
                    let r = point / pathLength, base = (point / k) % b, alpha = Float(alphas[point % k])
                    for j in 0..<width {
                        let start = bs[base * width + j]
                        out[j] = start + alpha * (xs[r * width + j] - start)
                    }
                }, target: { targets[$0 / pathLength] }, consume: { points, _, gradients in
                    gradients.scalars.withUnsafeBufferPointer { g in
                        phi.withUnsafeMutableBufferPointer { acc in
                            for (slot, point) in points.enumerated() {
                                let r = point / pathLength, base = (point / k) % b, w = scale[point % k]
                                for j in 0..<width {
                                    let delta = Double(xs[r * width + j]) - Double(bs[base * width + j])
                                    acc[r * width + j] += w * delta * Double(g[slot * width + j])
                                }
                            }
                        }
                    }
                })
            }
        }
        return try GradientSupport.finite((0..<n).map { r in
            let t = targets[r]
            let fx = Double(rowOutputs.scalars[r * outputCount + t])
            var fBase = 0.0
            for base in 0..<b { fBase += Double(baselineOutputs.scalars[base * outputCount + t]) }
            fBase /= Double(b)
            let attributions = Array(phi[(r * width)..<((r + 1) * width)])
            let (diagnostics, flags) = IntegratedGradients.completeness(
                sum: attributions.reduce(0, +), difference: fx - fBase, evaluations: pathLength)
            return Explanation(row: numbers[r], target: t, targetName: GradientSupport.outputName(predictor, t), prediction: fx,
                               baseValue: fBase, attributions: attributions, diagnostics: diagnostics, flags: flags)
        })
    }

    /// The completeness diagnostics and flag for attributions summing to `sum` when f(x) − f(x') is `difference`.
    static func completeness(sum: Double, difference: Double, evaluations: Int) -> ([String: Double], [String]) {
        let gap = sum - difference
        let relative = Swift.abs(gap) / Swift.max(Swift.abs(difference), 1e-12)
        let flagged = Swift.abs(gap) > Swift.max(0.01 * Swift.abs(difference), 1e-6)
        return (["completeness_gap": gap, "completeness_gap_relative": relative, "model_evaluations": Double(evaluations)],
                flagged ? [gapFlag] : [])
    }
}
