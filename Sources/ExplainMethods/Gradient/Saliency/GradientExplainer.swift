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
    /// How many rows go through one forward/backward pass.
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
    /// - Complexity: ⌈N / chunk⌉ forward and backward passes (one more forward per chunk for `.predicted` when the
    ///   predictor is not a `Model`).
    public func explain<P: DifferentiablePredictor>(
        _ rows: Tensor, using predictor: P, target: Target = .predicted, rowIndices: [Int]? = nil
    ) throws -> [Explanation] {
        let width = predictor.inputWidth
        try GradientSupport.validate(rows, width: width)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let chunk = batching.pointsPerChunk(for: predictor)
        var explanations: [Explanation] = []
        explanations.reserveCapacity(x.batchSize)
        var start = 0
        while start < x.batchSize {
            let range = start..<Swift.min(x.batchSize, start + chunk)
            let block = x.rows(range)
            let (outputs, gradient, targets) = try GradientSupport.outputsAndGradients(predictor, block, target: target)
            for (slot, r) in range.enumerated() {
                let t = targets[slot]
                let g = gradient.row(slot)
                let phi: [Double]
                switch kind {
                case .gradient: phi = g.map(Double.init)
                case .saliency: phi = g.map { Double(Swift.abs($0)) }
                case .gradientXInput: phi = zip(g, block.row(slot)).map { Double($0) * Double($1) }
                }
                explanations.append(Explanation(
                    row: numbers[r], target: t, targetName: GradientSupport.outputName(predictor, t),
                    prediction: Double(outputs.scalars[slot * predictor.outputCount + t]), attributions: phi))
            }
            start = range.upperBound
        }
        return try GradientSupport.finite(explanations)
    }
}
