import ExplainTensor

extension Dense {
    /// The weights and bias of this layer with a preceding `Standardize` folded in: W' = W / std and
    /// b' = b − W'·mean (in Double), so the standardised input is never materialised.
    /// - Parameter standardize: the mean and std of a `Standardize` layer just before this one, or nil.
    public func folded(standardize: (mean: [Float], std: [Float])?) -> (weight: [Float], bias: [Float]) {
        var w = weight.scalars, b = bias.scalars
        guard let (mean, std) = standardize else { return (w, b) }
        precondition(mean.count == inputCount && std.count == inputCount, "Dense \(name): standardize over \(mean.count) values")
        Self.fold(mean: mean, std: std, into: &w, bias: &b)
        return (w, b)
    }

    /// Folds y = (x − mean) / std into the affine map W·y + b (`[outputs × k]` and `[outputs]`, k = mean.count):
    /// W ← W / std column by column, b ← b − W·mean in Double.
    static func fold(mean: [Float], std: [Float], into w: inout [Float], bias b: inout [Float]) {
        let k = mean.count
        for o in 0..<b.count {
            var shift = 0.0
            for j in 0..<k {
                w[o * k + j] /= std[j]
                shift += Double(w[o * k + j]) * Double(mean[j])
            }
            b[o] = Float(Double(b[o]) - shift)
        }
    }

    /// y = x·Wᵀ + b for `[N, k]` rows and a `[outputs, k]` weight, optionally followed by ReLU (as `Activation`
    /// computes it). C starts as the bias rows and one β = 1 sgemm adds x·Wᵀ: with β = 0 OpenBLAS would clear C in a
    /// slower pass of its own.
    public static func affine(_ input: Tensor, weight: [Float], bias: [Float], outputs m: Int, relu: Bool) -> Tensor {
        let n = input.batchSize, k = input.sampleCount
        precondition(weight.count == m * k && bias.count == m, "Dense: weight \(weight.count) for \(k) → \(m)")
        var out = [Float](unsafeUninitializedCapacity: n * m) { o, initialized in
            bias.withUnsafeBufferPointer { b in
                guard let source = b.baseAddress, let base = o.baseAddress else { return }
                // A loop rather than one memmove call per row: rows are short (a 2-output head is 8 bytes).
                for r in 0..<n { for j in 0..<m { (base + r * m + j).initialize(to: source[j]) } }
            }
            initialized = n * m
        }
        input.scalars.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { o in
                    guard let x0 = x.baseAddress, let w0 = wp.baseAddress, let o0 = o.baseAddress else { return }
                    BLAS.gemm(x0, w0, o0, m: n, n: m, k: k, transposeB: true, beta: 1)
                    if relu { for i in 0..<(n * m) { o0[i] = o0[i] > 0 ? o0[i] : 0 } }
                }
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }
}
