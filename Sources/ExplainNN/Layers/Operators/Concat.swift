import ExplainTensor

/// Joins its inputs along one sample axis; they agree on every other axis.
///
/// The pullback hands each input its slice of the output gradient.
public struct Concat: MultiInputLayer {
    public var name: String
    /// The sample axis the inputs are joined along (0 is the first axis after the batch).
    public var axis: Int
    public var type: String { "concat" }
    public var propagationKind: PropagationKind { .affine }

    /// Creates a layer joining its inputs along sample axis `axis`.
    public init(name: String, axis: Int) {
        self.name = name
        self.axis = axis
    }

    public func outputShape(forInputs inputShapes: [[Int]]) throws(ExplainError) -> [Int] {
        guard let first = inputShapes.first else { throw ExplainError(.invalidModel, "concat needs at least one input") }
        guard axis >= 0, axis < first.count else {
            throw ExplainError(.invalidModel, "concat axis \(axis) is outside inputs of shape \(first)")
        }
        var shape = first
        for other in inputShapes.dropFirst() {
            var same = other
            guard other.count == first.count else {
                throw ExplainError(.invalidModel, "concat inputs of shapes \(first) and \(other) differ in rank")
            }
            same[axis] = first[axis]
            guard same == first else {
                throw ExplainError(.invalidModel, "concat inputs of shapes \(first) and \(other) differ outside axis \(axis)")
            }
            shape[axis] += other[axis]
        }
        return shape
    }

    public func callAsFunction(_ inputs: [Tensor], mode: Mode) -> (output: Tensor, pullback: MultiPullback) {
        precondition(!inputs.isEmpty && inputs.allSatisfy { $0.shape.count == inputs[0].shape.count && $0.batchSize == inputs[0].batchSize },
                     "Concat: inputs \(inputs.map(\.shape))")
        let full = axis + 1
        let outer = inputs[0].shape[..<full].reduce(1, *)
        let chunks = inputs.map { $0.shape[full...].reduce(1, *) }
        let width = chunks.reduce(0, +)
        var shape = inputs[0].shape
        shape[full] = inputs.reduce(0) { $0 + $1.shape[full] }
        var out = [Float]()
        out.reserveCapacity(outer * width)
        for o in 0..<outer {
            for (input, chunk) in zip(inputs, chunks) { out.append(contentsOf: input.scalars[(o * chunk)..<((o + 1) * chunk)]) }
        }
        let inputShapes = inputs.map(\.shape)
        return (Tensor(shape: shape, scalars: out), { dy in
            var gradients = chunks.map { [Float](repeating: 0, count: outer * $0) }
            for o in 0..<outer {
                var start = o * width
                for (i, chunk) in chunks.enumerated() {
                    gradients[i].replaceSubrange((o * chunk)..<((o + 1) * chunk), with: dy.scalars[start..<(start + chunk)])
                    start += chunk
                }
            }
            return (zip(inputShapes, gradients).map { Tensor(shape: $0, scalars: $1) }, [])
        })
    }
}
