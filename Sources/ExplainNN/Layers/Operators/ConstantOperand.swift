import ExplainTensor

/// An elementwise operation of a batch with a constant tensor: y = x ∘ c, or y = c ∘ x, with numpy broadcasting.
///
/// The constant broadcasts against the whole batch `[N] + sampleShape`: it has at most one axis more than a sample,
/// and that leading axis (the batch's) has size 1. The output may be larger than the input where an input axis of
/// size 1 meets a longer constant axis; the pullback then sums the gradient back over the stretched axes.
public struct ConstantOperand: Layer {
    public var name: String
    /// What the layer computes of the input and the constant.
    public var operation: Broadcast.Operation
    /// The constant operand.
    public var constant: Tensor
    /// Whether the constant is the first operand (c ∘ x) rather than the second (x ∘ c).
    public var constantFirst: Bool
    public var type: String { operation.typeName }
    /// Affine in x, except a constant divided by x.
    public var propagationKind: PropagationKind { operation == .div && constantFirst ? .other : .affine }

    /// Creates a layer computing `x ∘ constant` (or `constant ∘ x` when `constantFirst`).
    public init(name: String, operation: Broadcast.Operation, constant: Tensor, constantFirst: Bool = false) {
        self.name = name
        self.operation = operation
        self.constant = constant
        self.constantFirst = constantFirst
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard let sample = constantSampleShape(rank: inputShape.count) else {
            throw ExplainError(.invalidModel, "\(type) constant of shape \(constant.shape) has more axes than a batch of "
                               + "inputs [N] + \(inputShape), or a batch axis that is not 1")
        }
        guard let shape = BroadcastIndexing.shape(inputShape, sample) else {
            throw ExplainError(.invalidModel, "\(type) constant of shape \(constant.shape) does not broadcast against inputs "
                               + "of shape \(inputShape)")
        }
        return shape
    }

    /// The constant's shape as seen by one sample of `rank` axes, padded to that rank, or nil when it has too many
    /// axes or its batch axis is not 1.
    func constantSampleShape(rank: Int) -> [Int]? {
        var shape = constant.shape
        if shape.count == rank + 1 {
            guard shape[0] == 1 else { return nil }
            shape.removeFirst()
        }
        guard shape.count <= rank else { return nil }
        return BroadcastIndexing.padded(shape, to: rank)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let n = input.batchSize, inputSample = input.sampleShape
        guard let constantSample = constantSampleShape(rank: inputSample.count),
              let sample = BroadcastIndexing.shape(inputSample, constantSample) else {
            preconditionFailure("\(type): constant \(constant.shape) does not broadcast against inputs \(inputSample)")
        }
        let target = [n] + sample
        let stridesX = BroadcastIndexing.strides(input.shape)
        let stridesC = BroadcastIndexing.strides([1] + constantSample)
        let operation = self.operation, c = constant.scalars, first = constantFirst
        let output = first
            ? operation.combine(c, input.scalars, target: target, stridesC, stridesX)
            : operation.combine(input.scalars, c, target: target, stridesX, stridesC)
        return (Tensor(shape: target, scalars: output), { dy in
            let dx = first
                ? operation.gradients(dy.scalars, c, input.scalars, target: target, stridesC, stridesX,
                                      needsFirst: false, needsSecond: true).second
                : operation.gradients(dy.scalars, input.scalars, c, target: target, stridesX, stridesC,
                                      needsFirst: true, needsSecond: false).first
            return (Tensor(shape: input.shape, scalars: dx), [])
        })
    }
}
