import ExplainNN
import ExplainTensor

/// DeepSHAP: DeepLIFT averaged over a weighted background, as shap's `DeepExplainer` (and captum `DeepLiftShap`).
///
/// ```
/// φ_i = Σ_b w_b · φ_i^DeepLIFT(x; x′ = b)        base_value = E f = Σ_b w_b f(b)
/// SE_i² = B/(B − 1) · Σ_b w_b² (φ_i(b) − φ_i)²    (s²/B for uniform weights; 0 for one row)
/// completeness gap = Σ_i φ_i − (f(x) − E f)
/// ```
/// Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions" (DeepSHAP); the DeepLIFT pass is
/// `DeepLIFT`'s, so the gap is rounding except across a softmax. The standard errors are those of the background
/// sample's mean: they say how much φ would move with another background of the same size.
public struct DeepSHAP: Sendable {
    /// |Δx| below which a layer's gradient replaces Δy / Δx (captum's default, 1e-10).
    public var eps: Float
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    public init(eps: Float = 1e-10, batching: GradientBatching = GradientBatching()) {
        self.eps = eps
        self.batching = batching
    }

    /// The CONTRACT method name.
    public var method: String { "deepshap" }
    /// The method's parameters for the attribution JSON (the background is the run's).
    public var parameters: [String: String] { [:] }

    /// Explains every row for its target output against every background row.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - model: the network.
    ///   - background: the weighted reference rows.
    ///   - target: the explained output; `.predicted` takes the argmax of f(x) for each row.
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    /// - Returns: one explanation per row, with `base_value` E f, standard errors and the completeness diagnostics.
    /// - Throws: `ExplainError` for invalid rows, targets or an empty or mismatched background.
    /// - Complexity: N · B DeepLIFT pairs.
    public func explain(
        _ rows: Tensor, using model: Model, background: Background, target: Target = .predicted, rowIndices: [Int]? = nil
    ) throws -> [Explanation] {
        let width = model.inputWidth, outputCount = model.outputCount
        try GradientSupport.validate(rows, width: width)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let refs = background.rows, b = refs.batchSize
        guard b > 0 else { throw ExplainError(.invalidArgument, "deepshap needs at least one background row", at: "background") }
        guard refs.sampleCount == width else {
            throw ExplainError(.invalidArgument, "background rows have \(refs.sampleCount) values, the model expects \(width)", at: "background")
        }
        let n = x.batchSize
        guard n > 0 else { return [] }
        let rowOutputs = try batching.predict(model, x)
        let backgroundOutputs = try batching.predict(model, refs)
        let targets = try GradientSupport.targets(target, outputs: rowOutputs, outputCount: outputCount)
        let w = background.weights
        // Per row and feature: Σ w φ, Σ w² φ and Σ w² φ², in Double.
        var mean = [Double](repeating: 0, count: n * width), weighted = mean, squares = mean
        try DeepLIFTPairs.evaluate(
            model: model, rows: x, references: refs, pointCount: n * b, pair: { ($0 / b, $0 % b) },
            targets: targets, eps: eps, batching: batching
        ) { points, attributions in
            for (slot, p) in points.enumerated() {
                let r = p / b, wb = w[p % b]
                for j in 0..<width {
                    let v = Double(attributions[slot * width + j])
                    mean[r * width + j] += wb * v
                    weighted[r * width + j] += wb * wb * v
                    squares[r * width + j] += wb * wb * v * v
                }
            }
        }
        let w2 = w.reduce(0) { $0 + $1 * $1 }
        let correction = b > 1 ? Double(b) / Double(b - 1) : 0
        return try GradientSupport.finite((0..<n).map { r in
            let t = targets[r]
            let fx = Double(rowOutputs.scalars[r * outputCount + t])
            var expected = 0.0
            for i in 0..<b { expected += w[i] * Double(backgroundOutputs.scalars[i * outputCount + t]) }
            let range = (r * width)..<((r + 1) * width)
            let attributions = Array(mean[range])
            let errors = range.map { i in
                let spread = squares[i] - 2 * mean[i] * weighted[i] + mean[i] * mean[i] * w2
                return (correction * Swift.max(spread, 0)).squareRoot()
            }
            let (diagnostics, flags) = IntegratedGradients.completeness(
                sum: attributions.reduce(0, +), difference: fx - expected, evaluations: 2 * b)
            return Explanation(row: numbers[r], target: t, targetName: model.outputNames[t], prediction: fx,
                               baseValue: expected, attributions: attributions, stdErrors: errors,
                               diagnostics: diagnostics, flags: flags)
        })
    }
}
