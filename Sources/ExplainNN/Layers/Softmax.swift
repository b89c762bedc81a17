import ExplainTensor

/// Softmax over each sample's flattened values, computed stably by subtracting the row maximum.
///
/// The pullback is dx = y ⊙ (dy − ⟨dy, y⟩) per row.
public struct Softmax: Layer {
    public var name: String
    public var type: String { "softmax" }

    public init(name: String) { self.name = name }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { inputShape }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let y = Softmax.apply(input)
        let n = input.batchSize, w = input.sampleCount
        return (y, { dy in
            var dx = [Float](repeating: 0, count: n * w)
            for r in 0..<n {
                var dot: Float = 0
                for j in 0..<w { dot += dy.scalars[r * w + j] * y.scalars[r * w + j] }
                for j in 0..<w { dx[r * w + j] = y.scalars[r * w + j] * (dy.scalars[r * w + j] - dot) }
            }
            return (Tensor(shape: input.shape, scalars: dx), [])
        })
    }

    /// Row-wise softmax of a batch.
    public static func apply(_ input: Tensor) -> Tensor {
        let n = input.batchSize, w = input.sampleCount
        var out = input.scalars
        for r in 0..<n {
            var top = -Float.infinity
            for j in 0..<w { top = max(top, out[r * w + j]) }
            var total: Float = 0
            for j in 0..<w {
                let e = Math.exp(out[r * w + j] - top)
                out[r * w + j] = e
                total += e
            }
            for j in 0..<w { out[r * w + j] /= total }
        }
        return Tensor(shape: input.shape, scalars: out)
    }
}
