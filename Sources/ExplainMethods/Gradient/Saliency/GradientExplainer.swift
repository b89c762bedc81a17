import ExplainNN
import ExplainTensor

/// Plain gradient attributions: the gradient, its absolute value (saliency) or gradient × input.
///
/// ```
/// gradient:          φ_i = ∂f/∂x_i
/// saliency:          φ_i = |∂f/∂x_i|
/// gradient-x-input:  φ_i = x_i · ∂f/∂x_i
/// ```
/// f is the model's final output for the target (after softmax when the model ends in softmax). Saliency follows
/// Simonyan et al. 2014 (captum `Saliency`, `abs=True`); gradient × input follows Shrikumar et al. 2016 (captum
/// `InputXGradient`). The signed gradient is its own method, so its sign is never hidden.
public struct GradientExplainer: Sendable {
    /// Which function of the gradient is reported.
    public enum Kind: String, Sendable, CaseIterable {
        case gradient
        case saliency
        case gradientXInput = "gradient-x-input"
    }

    /// The reported function of the gradient.
    public var kind: Kind
    /// The memory budget of a pass (each row is its own pass, see `GradientBatching`).
    public var batching: GradientBatching

    public init(kind: Kind = .gradient, batching: GradientBatching = GradientBatching()) {
        self.kind = kind
        self.batching = batching
    }

    /// The CONTRACT method name (`gradient`, `saliency`, `gradient-x-input`).
    public var method: String { kind.rawValue }
    /// The method's parameters for the attribution JSON (these methods have none).
    public var parameters: [String: String] { [:] }

    /// Explains every row for its target output.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - predictor: the differentiable model.
    ///   - target: the explained output; `.predicted` takes each row's argmax.
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    /// - Returns: one explanation per row, in order; `base_value` and `std_errors` are nil.
    /// - Throws: `ExplainError` for rows of the wrong width or non-finite values, or an out-of-range target.
    /// - Complexity: N forward and backward passes of one row (one more forward per row for `.predicted` when the
    ///   predictor is not a `Model`).
    public func explain<P: DifferentiablePredictor>(
        _ rows: Tensor, using predictor: P, target: Target = .predicted, rowIndices: [Int]? = nil
    ) throws -> [Explanation] {
        let width = predictor.inputWidth
        try GradientSupport.validate(rows, width: width)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        // One row per pass, so that no row's numbers depend on the others (`GradientBatching`).
        let (outputs, gradient, targets) = try batching.outputsAndGradients(predictor, x, target: target)
        let explanations = (0..<x.batchSize).map { r in
            let t = targets[r]
            let g = gradient.row(r)
            let phi: [Double]
            switch kind {
            case .gradient: phi = g.map(Double.init)
            case .saliency: phi = g.map { Double(Swift.abs($0)) }
            case .gradientXInput: phi = zip(g, x.row(r)).map { Double($0) * Double($1) }
            }
            return Explanation(
                row: numbers[r], target: t, targetName: GradientSupport.outputName(predictor, t),
                prediction: Double(outputs.scalars[r * predictor.outputCount + t]), attributions: phi)
        }
        return try GradientSupport.finite(explanations)
    }
}
