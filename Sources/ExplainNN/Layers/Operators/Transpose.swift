import ExplainTensor

/// Permutes the sample axes: output axis i is input sample axis `permutation[i]`. The batch stays first.
///
/// The pullback permutes the gradient back with the inverse permutation.
public struct Transpose: Layer {
    public var name: String
    /// A permutation of `0..<rank` over the sample axes.
    public var permutation: [Int]
    public var type: String { "transpose" }
    public var propagationKind: PropagationKind { .affine }

    /// Creates a layer permuting the sample axes by `permutation`.
    public init(name: String, permutation: [Int]) {
        self.name = name
        self.permutation = permutation
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard permutation.sorted() == Array(0..<inputShape.count) else {
            throw ExplainError(.invalidModel, "transpose permutation \(permutation) does not permute the axes of inputs "
                               + "of shape \(inputShape)")
        }
        return permutation.map { inputShape[$0] }
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        precondition(permutation.sorted() == Array(0..<(input.shape.count - 1)), "Transpose: \(permutation) on \(input.shape)")
        let full = [0] + permutation.map { $0 + 1 }
        var inverse = full
        for (i, p) in full.enumerated() { inverse[p] = i }
        let output = Transpose.permuted(input, full)
        return (output, { dy in (Transpose.permuted(dy, inverse), []) })
    }

    /// `x` with its axes permuted: output axis i is axis `permutation[i]` of `x`.
    static func permuted(_ x: Tensor, _ permutation: [Int]) -> Tensor {
        let shape = permutation.map { x.shape[$0] }
        var strides = [Int](repeating: 1, count: x.shape.count)
        for axis in stride(from: x.shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * x.shape[axis + 1] }
        let moved = permutation.map { strides[$0] }
        let count = x.count
        guard count > 0, let width = shape.last else { return Tensor(shape: shape, scalars: x.scalars) }
        let last = shape.count - 1, inner = moved[last]
        let values = x.scalars.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                var index = [Int](repeating: 0, count: last)
                var base = 0, o = 0
                while o < count {
                    var offset = base
                    for _ in 0..<width {
                        out[o] = source[offset]
                        o += 1
                        offset += inner
                    }
                    var axis = last - 1
                    while axis >= 0 {
                        index[axis] += 1
                        base += moved[axis]
                        if index[axis] < shape[axis] { break }
                        base -= moved[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
                initialized = count
            }
        }
        return Tensor(shape: shape, scalars: values)
    }
}
