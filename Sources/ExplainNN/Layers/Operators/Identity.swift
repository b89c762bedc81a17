import ExplainTensor

/// The input unchanged (ONNX Identity, Dropout at inference, Cast between float types).
public struct Identity: Layer {
    public var name: String
    public var type: String { "identity" }
    public var propagationKind: PropagationKind { .affine }

    /// Creates an identity layer.
    public init(name: String) { self.name = name }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { inputShape }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        (input, { dy in (dy, []) })
    }
}
