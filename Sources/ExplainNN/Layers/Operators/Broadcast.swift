import ExplainTensor

/// An elementwise binary operation of two batched tensors, with numpy broadcasting over their sample shapes.
///
/// Both inputs have the same number of rows N. Their sample shapes are aligned on the right, and an axis of size 1
/// (or missing on the left) stretches to the other input's size, so `[3, 1]` and `[4]` give `[3, 4]`. The pullback sums
/// each input's gradient over the axes along which it was stretched.
public struct Broadcast: MultiInputLayer {
    /// The elementwise operation a ∘ b.
    public enum Operation: Sendable, Equatable {
        case add, sub, mul, div

        /// The type string of the layers that apply it: `add`, `sub`, `mul` or `div`.
        public var typeName: String {
            switch self {
            case .add: "add"
            case .sub: "sub"
            case .mul: "mul"
            case .div: "div"
            }
        }
    }

    public var name: String
    /// What the layer computes of its inputs a (first) and b (second).
    public var operation: Operation
    public var type: String { operation.typeName }
    /// Sums and differences are affine; products and quotients of two inputs are not.
    public var propagationKind: PropagationKind { operation == .add || operation == .sub ? .affine : .other }

    /// Creates a layer computing `operation` of its two inputs.
    public init(name: String, operation: Operation) {
        self.name = name
        self.operation = operation
    }

    public func outputShape(forInputs inputShapes: [[Int]]) throws(ExplainError) -> [Int] {
        guard inputShapes.count == 2 else {
            throw ExplainError(.invalidModel, "\(type) needs two inputs, got \(inputShapes.count)")
        }
        guard let shape = BroadcastIndexing.shape(inputShapes[0], inputShapes[1]) else {
            throw ExplainError(.invalidModel, "\(type) inputs of shapes \(inputShapes[0]) and \(inputShapes[1]) do not broadcast")
        }
        return shape
    }

    public func callAsFunction(_ inputs: [Tensor], mode: Mode) -> (output: Tensor, pullback: MultiPullback) {
        precondition(inputs.count == 2 && inputs[0].batchSize == inputs[1].batchSize,
                     "\(type): inputs \(inputs.map(\.shape)) need two batches of equal size")
        let a = inputs[0], b = inputs[1], n = a.batchSize
        guard let sample = BroadcastIndexing.shape(a.sampleShape, b.sampleShape) else {
            preconditionFailure("\(type): sample shapes \(a.sampleShape) and \(b.sampleShape) do not broadcast")
        }
        let target = [n] + sample
        let stridesA = BroadcastIndexing.strides([n] + BroadcastIndexing.padded(a.sampleShape, to: sample.count))
        let stridesB = BroadcastIndexing.strides([n] + BroadcastIndexing.padded(b.sampleShape, to: sample.count))
        let operation = self.operation
        let output = operation.combine(a.scalars, b.scalars, target: target, stridesA, stridesB)
        return (Tensor(shape: target, scalars: output), { dy in
            let (da, db) = operation.gradients(dy.scalars, a.scalars, b.scalars, target: target, stridesA, stridesB,
                                               needsFirst: true, needsSecond: true)
            return ([Tensor(shape: a.shape, scalars: da), Tensor(shape: b.shape, scalars: db)], [])
        })
    }
}
