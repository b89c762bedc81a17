import ExplainTensor

/// The same values with another sample shape of equal size (ONNX Reshape, Flatten, Squeeze, Unsqueeze). The data is
/// not moved.
public struct Reshape: Layer {
    public var name: String
    /// The sample shape of the output.
    public var shape: [Int]
    public var type: String { "reshape" }
    public var propagationKind: PropagationKind { .affine }

    /// Creates a layer giving each sample the shape `shape`.
    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == inputShape.reduce(1, *) else {
            throw ExplainError(.invalidModel, "reshape to \(shape) does not hold the \(inputShape.reduce(1, *)) values "
                               + "of inputs of shape \(inputShape)")
        }
        return shape
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let inputShape = input.shape
        return (input.reshaped([input.batchSize] + shape), { dy in (dy.reshaped(inputShape), []) })
    }
}
