import ExplainTensor

/// The mean of each channel over its spatial axes: `[C, H, W]` (or `[C]` + any spatial axes) to `[C, 1, 1]`, the rank
/// kept with every spatial axis of size 1.
///
/// The pullback spreads each channel's gradient evenly over its cells.
public struct GlobalAveragePool: Layer {
    public var name: String
    public var type: String { "global_avgpool" }
    public var propagationKind: PropagationKind { .affine }

    /// Creates a global average pooling layer.
    public init(name: String) { self.name = name }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard inputShape.count >= 2 else {
            throw ExplainError(.invalidModel, "global_avgpool needs [C] + spatial axes, got shape \(inputShape)")
        }
        guard inputShape.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw ExplainError(.invalidModel, "global_avgpool needs nonempty spatial axes, got shape \(inputShape)")
        }
        return [inputShape[0]] + [Int](repeating: 1, count: inputShape.count - 1)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        precondition(input.shape.count >= 3, "GlobalAveragePool: input \(input.shape)")
        let planes = input.shape[0] * input.shape[1], inner = input.shape.dropFirst(2).reduce(1, *)
        let shape = Array(input.shape[0..<2]) + [Int](repeating: 1, count: input.shape.count - 2)
        let inverse = 1 / Double(inner)
        // Sums in Double: a plane may hold thousands of cells.
        let means = input.scalars.withUnsafeBufferPointer { x in
            (0..<planes).map { p in
                var total = 0.0
                for i in (p * inner)..<((p + 1) * inner) { total += Double(x[i]) }
                return Float(total * inverse)
            }
        }
        let inputShape = input.shape, share = Float(inverse)
        return (Tensor(shape: shape, scalars: means), { dy in
            var dx = [Float](repeating: 0, count: planes * inner)
            for p in 0..<planes {
                let g = dy.scalars[p] * share
                for i in (p * inner)..<((p + 1) * inner) { dx[i] = g }
            }
            return (Tensor(shape: inputShape, scalars: dx), [])
        })
    }
}
