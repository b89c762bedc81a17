import ExplainNN
import ExplainTensor

/// How a modified backward pass carries its signal across one layer.
///
/// The forward pass is the model's (`Model.trace`); a rule maps the signal at a layer's output to the signal at its
/// input, for the whole batch. The gradient is the rule that calls every layer's own pullback; DeepLIFT, guided
/// backprop, deconvolution and LRP replace it for some layer types and call the pullback for the rest.
public protocol BackwardRule {
    /// The signal at the input of layer `index` from `signal` at its output (both `[N] + shape`).
    ///
    /// - Throws: `ExplainError(.unsupported)` naming the layer when the rule has nothing for its type.
    func propagate(_ signal: Tensor, through trace: LayerTrace, at index: Int) throws(ExplainError) -> Tensor

    /// The signal at each input of a multi-input layer (a residual sum, a concatenation) of a graph model.
    /// The default is the chain rule, which is exact for sums and concatenations.
    func propagateInputs(_ signal: Tensor, through trace: LayerTrace, at index: Int) throws(ExplainError) -> [Tensor]
}

extension BackwardRule {
    public func propagateInputs(_ signal: Tensor, through trace: LayerTrace, at index: Int) throws(ExplainError) -> [Tensor] {
        trace.gradients(signal)
    }
}

extension LayerTrace {
    /// The ordinary chain rule across this layer: its pullback's input gradient.
    public func gradient(_ signal: Tensor) -> Tensor { inputsPullback(signal).inputs[0] }
    /// The ordinary chain rule to every input.
    public func gradients(_ signal: Tensor) -> [Tensor] { inputsPullback(signal).inputs }
}
