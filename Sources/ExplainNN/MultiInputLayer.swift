import ExplainTensor

/// Maps the gradient of the loss with respect to a multi-input layer's output to the gradients with respect to each
/// of its inputs (in the order of its inputs) and to its parameters.
public typealias MultiPullback = (_ outputGradient: Tensor) -> (inputs: [Tensor], parameters: [Tensor])

/// A layer of a graph model that reads several tensors: a residual addition, a concatenation, a product of two
/// activations.
///
/// Every input is a batch `[N] + shape` with the same N. In a model a multi-input layer is wired to its inputs by
/// `Model.inputIDs`; run on one tensor (the `Layer` requirements), it is applied to that tensor alone.
public protocol MultiInputLayer: Layer {
    /// The output shape of one sample for these input shapes, or an error naming what does not fit.
    func outputShape(forInputs inputShapes: [[Int]]) throws(ExplainError) -> [Int]
    /// Runs the layer on batches with the same number of rows.
    func callAsFunction(_ inputs: [Tensor], mode: Mode) -> (output: Tensor, pullback: MultiPullback)
}

extension MultiInputLayer {
    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        try outputShape(forInputs: [inputShape])
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let (y, pullback) = self([input], mode: mode)
        return (y, { dy in
            let g = pullback(dy)
            return (g.inputs[0], g.parameters)
        })
    }
}

/// How the modified backward passes (DeepLIFT, LRP, guided backprop) may treat a layer without knowing its type.
public enum PropagationKind: Sendable, Equatable {
    /// Affine in its inputs (dense, convolution, reshapes, sums, concatenation, scaling by constants): the chain
    /// rule is exact for differences, and relevance can be redistributed with the layer's own pullback.
    case affine
    /// A nonlinear function applied to every value separately (y_i = f(x_i)): DeepLIFT's rescale rule applies, and
    /// relevance passes through unchanged.
    case elementwise
    /// Anything else: each method decides by type, or refuses.
    case other
}
