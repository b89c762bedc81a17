import ExplainTensor

extension Dense {
    /// y = W·((x − mean) / std) + b without a pullback, optionally followed by ReLU in place.
    ///
    /// With `standardize` the scaling is folded into the weights, W' = W / std and b' = b − W'·mean (in Double), so the
    /// standardised input is never materialised. The result equals the layer-by-layer one up to float rounding.
    /// - Parameters:
    ///   - input: `[N, inputCount]` rows.
    ///   - standardize: the mean and std of a `Standardize` layer just before this one, or nil.
    ///   - relu: apply max(0, ·) to the output (a `relu` activation just after this one).
    public func inference(_ input: Tensor, standardize: (mean: [Float], std: [Float])? = nil, relu: Bool) -> Tensor {
        let n = input.batchSize, k = inputCount, m = outputCount
        precondition(input.sampleCount == k, "Dense \(name): rows of \(input.sampleCount) values, expected \(k)")
        var w = weight.scalars, b = bias.scalars
        if let (mean, std) = standardize {
            precondition(mean.count == k && std.count == k, "Dense \(name): standardize over \(mean.count) values")
            for o in 0..<m {
                var shift = 0.0
                for j in 0..<k {
                    w[o * k + j] /= std[j]
                    shift += Double(w[o * k + j]) * Double(mean[j])
                }
                b[o] = Float(Double(b[o]) - shift)
            }
        }
        var out = [Float](unsafeUninitializedCapacity: n * m) { o, initialized in
            b.withUnsafeBufferPointer { bias in
                guard let source = bias.baseAddress, let base = o.baseAddress else { return }
                for r in 0..<n { (base + r * m).initialize(from: source, count: m) }
            }
            initialized = n * m
        }
        input.scalars.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { o in
                    guard let x0 = x.baseAddress, let w0 = wp.baseAddress, let o0 = o.baseAddress else { return }
                    BLAS.gemm(x0, w0, o0, m: n, n: m, k: k, transposeB: true, beta: 1)
                }
            }
        }
        if relu {
            out.withUnsafeMutableBufferPointer { o in
                for i in o.indices { o[i] = o[i] > 0 ? o[i] : 0 }
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }
}
