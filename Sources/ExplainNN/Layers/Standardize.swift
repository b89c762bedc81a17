import ExplainTensor

/// Feature scaling, y = (x − mean) / std, elementwise over the flattened input. Its statistics are fixed, not trained.
public struct Standardize: Layer {
    public var name: String
    public var type: String { "standardize" }
    public var mean: [Float]
    public var std: [Float]

    public init(name: String, mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "Standardize: \(mean.count) means, \(std.count) stds")
        self.name = name
        self.mean = mean
        self.std = std
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        let n = inputShape.reduce(1, *)
        guard n == mean.count else {
            throw ExplainError(.invalidModel, "standardize has \(mean.count) values, the input has \(n)")
        }
        return inputShape
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let w = mean.count
        var out = input.scalars
        let inverse = std.map { 1 / $0 }
        out.withUnsafeMutableBufferPointer { o in
            mean.withUnsafeBufferPointer { m in
                inverse.withUnsafeBufferPointer { s in
                    for r in 0..<(o.count / max(w, 1)) {
                        for j in 0..<w { o[r * w + j] = (o[r * w + j] - m[j]) * s[j] }
                    }
                }
            }
        }
        let std = self.std
        return (Tensor(shape: input.shape, scalars: out), { dy in
            var dx = dy.scalars
            dx.withUnsafeMutableBufferPointer { d in
                std.withUnsafeBufferPointer { s in
                    for r in 0..<(d.count / max(w, 1)) { for j in 0..<w { d[r * w + j] /= s[j] } }
                }
            }
            return (Tensor(shape: dy.shape, scalars: dx), [])
        })
    }
}
