import ExplainNN
import ExplainTensor

/// Guided backpropagation and deconvolution: the gradient with ReLU layers' backward rule replaced.
///
/// ```
/// guided backprop:  at each ReLU, R_in = max(0, R_out ⊙ 1[x > 0]);  φ = R at the input
/// deconvolution:    at each ReLU, R_in = max(0, R_out);             φ = R at the input
/// ```
/// Springenberg et al. 2015, "Striving for Simplicity: The All Convolutional Net"; Zeiler & Fergus 2014,
/// "Visualizing and Understanding Convolutional Networks". The same quantities as captum `GuidedBackprop` and
/// `Deconvolution`: only `relu` layers change; leaky ReLU, tanh, sigmoid, softmax, pooling and the linear layers keep
/// their gradients. The seed is 1 at the target output (after softmax when the model ends in softmax). There is no
/// baseline and no completeness property, so `base_value` is nil.
public struct GuidedBackprop: Sendable {
    /// Which ReLU rule replaces the gradient.
    public enum Kind: String, Sendable, CaseIterable {
        case guidedBackprop = "guided-backprop"
        case deconvolution
    }

    /// The ReLU rule.
    public var kind: Kind
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    public init(kind: Kind = .guidedBackprop, batching: GradientBatching = GradientBatching()) {
        self.kind = kind
        self.batching = batching
    }

    /// The CONTRACT method name (`guided-backprop`, `deconvolution`).
    public var method: String { kind.rawValue }
    /// The method's parameters for the attribution JSON (these methods have none).
    public var parameters: [String: String] { [:] }

    /// Explains every row for its target output.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - model: the network whose ReLU layers are modified.
    ///   - target: the explained output; `.predicted` takes each row's argmax.
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    /// - Returns: one explanation per row, in order; `base_value` and `std_errors` are nil.
    /// - Throws: `ExplainError` for rows of the wrong width or non-finite values, or an out-of-range target.
    /// - Complexity: ⌈N / chunk⌉ forward and backward passes.
    public func explain(_ rows: Tensor, using model: Model, target: Target = .predicted,
                        rowIndices: [Int]? = nil) throws -> [Explanation] {
        try GradientSupport.validate(rows, width: model.inputWidth)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let rule = ReLUBackwardRule(kind: kind)
        var explanations: [Explanation] = []
        explanations.reserveCapacity(x.batchSize)
        try ModifiedBackprop.forEachChunk(x, model: model, target: target, batching: batching) { range, traces, outputs, targets in
            let seed = ModifiedBackprop.seed(shape: traces[traces.count - 1].output.shape, targets: targets)
            let signal = try ModifiedBackprop.backward(traces, from: seed, through: traces.indices, rule: rule)
            let width = model.inputWidth
            for (slot, r) in range.enumerated() {
                let t = targets[slot]
                explanations.append(Explanation(
                    row: numbers[r], target: t, targetName: model.outputNames[t],
                    prediction: Double(outputs.scalars[slot * model.outputCount + t]),
                    attributions: signal.scalars[(slot * width)..<((slot + 1) * width)].map(Double.init)))
            }
        }
        return try GradientSupport.finite(explanations)
    }
}
