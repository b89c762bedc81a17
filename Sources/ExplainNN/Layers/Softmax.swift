import ExplainTensor

/// Softmax over each sample's flattened values, computed stably by subtracting the row maximum.
///
/// The pullback is dx = y ⊙ (dy − ⟨dy, y⟩) per row, with the bracket referred to the row's largest probability y_m
/// (using Σ y = 1) so that it never subtracts two numbers close to 1:
/// ```
/// dy_j − ⟨dy, y⟩ = (dy_j − dy_m) + Σ_{k≠m} y_k (dy_m − dy_k)
/// ```
/// The y_k, k ≠ m, are the small, accurately rounded probabilities; ⟨dy, y⟩ itself rounds y_m to 1 once 1 − y_m is
/// below Float's ulp, which cancels y_m (1 − y_m) to 0 (or to a multiple of 6e-8) on a saturated row.
public struct Softmax: Layer {
    public var name: String
    public var type: String { "softmax" }

    public init(name: String) { self.name = name }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { inputShape }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let y = Softmax.apply(input)
        let n = input.batchSize, w = input.sampleCount
        return (y, { dy in
            (Tensor(shape: input.shape, scalars: Softmax.inputGradient(dy.scalars, probabilities: y.scalars, rows: n, width: w)), [])
        })
    }

    /// y ⊙ (dy − ⟨dy, y⟩) for `rows` rows of `width` probabilities, without cancellation (see the type's discussion).
    static func inputGradient(_ dy: [Float], probabilities y: [Float], rows n: Int, width w: Int) -> [Float] {
        precondition(dy.count == n * w && y.count == n * w, "Softmax: gradient \(dy.count) values, output \(y.count)")
        return [Float](unsafeUninitializedCapacity: n * w) { d, initialized in
            initialized = n * w
            guard w > 0 else { return }
            dy.withUnsafeBufferPointer { g in
                y.withUnsafeBufferPointer { p in
                    for r in 0..<n {
                        let row = r * w
                        var m = row
                        for j in row..<(row + w) where p[j] > p[m] { m = j }
                        let reference = g[m]
                        // Σ_{k≠m} y_k (dy_m − dy_k); the k = m term is 0.
                        var spread: Float = 0
                        for k in row..<(row + w) { spread += p[k] * (reference - g[k]) }
                        for j in row..<(row + w) { d[j] = p[j] * ((g[j] - reference) + spread) }
                    }
                }
            }
        }
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
