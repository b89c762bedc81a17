import ExplainTensor

/// A predictor whose first step is affine, f(x) = g(W·x + c), and that can run g alone.
///
/// KernelSHAP uses it for exact first-layer shortcuts: a coalition row (x_S, b_S̄) has pre-activations
/// W·b + c + W_S (x_S − b_S), so a coalition's block over the background is the background's pre-activations plus a
/// product with only |S| (or, from the instance's side, M − |S|) columns of W, instead of every row times all of W.
/// The values are the same up to float rounding.
public protocol AffineInputPredictor: BatchPredictor {
    /// W `[hidden, inputWidth]` row-major and c `[hidden]`, or nil when this predictor cannot split off its first step
    /// right now (then callers use `predict`).
    var inputAffine: (weight: [Float], bias: [Float])? { get }

    /// g: outputs `[N, outputCount]` from pre-activations `[N, hidden]`.
    func predict(preActivations: Tensor) throws -> Tensor

    /// g prepared once for many calls, with whatever does not change between them worked out up front (a model's
    /// layer plan). The default is `predict(preActivations:)` itself.
    func preActivationPredictor() -> (Tensor) throws -> Tensor
}

extension AffineInputPredictor {
    public func preActivationPredictor() -> (Tensor) throws -> Tensor {
        { try self.predict(preActivations: $0) }
    }
}
