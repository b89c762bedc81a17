import ExplainTensor

/// Flattens each sample (CHW → flat, row-major). The data is not moved.
public struct Flatten: Layer {
    public var name: String
    public var type: String { "flatten" }

    public init(name: String) { self.name = name }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { [inputShape.reduce(1, *)] }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let shape = input.shape
        return (input.reshaped([input.batchSize, input.sampleCount]), { dy in (dy.reshaped(shape), []) })
    }
}
