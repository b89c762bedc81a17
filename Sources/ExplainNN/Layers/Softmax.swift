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
            dx.withUnsafeMutableBufferPointer { d in
                dy.scalars.withUnsafeBufferPointer { g in
                    y.scalars.withUnsafeBufferPointer { p in
                        for r in 0..<n {
                            var dot: Float = 0
                            for j in (r * w)..<((r + 1) * w) { dot += g[j] * p[j] }
                            for j in (r * w)..<((r + 1) * w) { d[j] = p[j] * (g[j] - dot) }
                        }
                    }
                }
            }
            return (Tensor(shape: input.shape, scalars: dx), [])
        })
    }

    /// Row-wise softmax of a batch.
    public static func apply(_ input: Tensor) -> Tensor {
        let n = input.batchSize, w = input.sampleCount
        var out = input.scalars
        out.withUnsafeMutableBufferPointer { o in
            guard let o0 = o.baseAddress else { return }
            if w == 2 {
                // The same operations as below, unrolled for two classes (binary classifiers' usual head).
                for r in 0..<n {
                    let row = o0 + 2 * r
                    let a = row[0], b = row[1], top = max(a, b)
                    let ea: Float = a == top && top.isFinite ? 1 : Math.exp(a - top)
                    let eb: Float = b == top && top.isFinite ? 1 : Math.exp(b - top)
                    let inverse = 1 / (ea + eb)
                    row[0] = ea * inverse
                    row[1] = eb * inverse
                }
                return
            }
            for r in 0..<n {
                let row = o0 + r * w
                var top = -Float.infinity
                for j in 0..<w { top = max(top, row[j]) }
                var total: Float = 0
                for j in 0..<w {
                    // exp(0) = 1 exactly, so the largest entries skip the call (unless infinite: ∞ − ∞ is NaN).
                    let e = row[j] == top && top.isFinite ? 1 : Math.exp(row[j] - top)
                    row[j] = e
                    total += e
                }
                let inverse = 1 / total
                for j in 0..<w { row[j] *= inverse }
            }
        }
        return Tensor(shape: input.shape, scalars: out)
    }
}
