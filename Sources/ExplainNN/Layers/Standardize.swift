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
        for i in out.indices { out[i] = (out[i] - mean[i % w]) / std[i % w] }
        let std = self.std
        return (Tensor(shape: input.shape, scalars: out), { dy in
            var dx = dy.scalars
            for i in dx.indices { dx[i] /= std[i % w] }
            return (Tensor(shape: dy.shape, scalars: dx), [])
        })
    }
}
