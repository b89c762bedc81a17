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
        let count = input.count
        precondition(w > 0 ? count % w == 0 : count == 0, "Standardize: \(count) values are not rows of \(w)")
        let inverse = std.map { 1 / $0 }
        // Written straight into new buffers, row by row.
        let out = input.scalars.withUnsafeBufferPointer { x in
            mean.withUnsafeBufferPointer { m in
                inverse.withUnsafeBufferPointer { s in
                    [Float](unsafeUninitializedCapacity: count) { o, initialized in
                        for r in 0..<(count / max(w, 1)) {
                            for j in 0..<w { o[r * w + j] = (x[r * w + j] - m[j]) * s[j] }
                        }
                        initialized = count
                    }
                }
            }
        }
        let std = self.std
        return (Tensor(shape: input.shape, scalars: out), { dy in
            let count = dy.count
            let dx = dy.scalars.withUnsafeBufferPointer { g in
                std.withUnsafeBufferPointer { s in
                    [Float](unsafeUninitializedCapacity: count) { d, initialized in
                        for r in 0..<(count / max(w, 1)) { for j in 0..<w { d[r * w + j] = g[r * w + j] / s[j] } }
                        initialized = count
                    }
                }
            }
            return (Tensor(shape: dy.shape, scalars: dx), [])
        })
    }
}
