import ExplainTensor

extension Conv2D {
    /// Outputs `[N, O, OH, OW]` without a pullback, optionally followed by ReLU (as `Activation` computes it).
    ///
    /// The patch matrix is gathered through a per-geometry table of source offsets instead of copying kernel-row
    /// runs, and nothing is kept for a backward pass. The result equals `callAsFunction`'s exactly: the same
    /// patch matrix and the same sgemm.
    public func inference(_ input: Tensor, relu: Bool) -> Tensor {
        let n = input.batchSize, o = weight.shape[0]
        let g = geometry(input.sampleShape)
        let p = g.positions, patch = g.patch, sampleSize = g.c * g.h * g.w
        let sources = Conv2D.patchSources(g)
        let rows = n * p
        let cols = [Float](unsafeUninitializedCapacity: rows * patch) { dst, initialized in
            input.scalars.withUnsafeBufferPointer { src in
                sources.withUnsafeBufferPointer { table in
                    guard let d0 = dst.baseAddress, let s0 = src.baseAddress, let t0 = table.baseAddress else { return }
                    for s in 0..<n {
                        let sample = s0 + s * sampleSize, out = d0 + s * p * patch
                        for k in 0..<(p * patch) {
                            let index = Int(t0[k])
                            out[k] = index >= 0 ? sample[index] : 0
                        }
                    }
                }
            }
            initialized = rows * patch
        }
        // sgemm accumulates into zeros (β = 1) to skip OpenBLAS's slower scaling pass, as in `callAsFunction`.
        var product = [Float](repeating: 0, count: rows * o)
        cols.withUnsafeBufferPointer { c in
            weight.scalars.withUnsafeBufferPointer { w in
                product.withUnsafeMutableBufferPointer { r in
                    guard let c0 = c.baseAddress, let w0 = w.baseAddress, let r0 = r.baseAddress else { return }
                    BLAS.gemm(c0, w0, r0, m: rows, n: o, k: patch, transposeB: true, beta: 1)
                }
            }
        }
        let out = Conv2D.channelsFirst(product, batch: n, channels: o, positions: p, bias: bias.scalars, relu: relu)
        return Tensor(shape: [n, o, g.outH, g.outW], scalars: out)
    }

    /// The sgemm's `[N, P, O]` product in `[N, O, P]` order, plus the bias, optionally followed by ReLU (as
    /// `Activation` computes it).
    static func channelsFirst(_ product: [Float], batch n: Int, channels o: Int, positions p: Int, bias: [Float],
                              relu: Bool) -> [Float] {
        [Float](unsafeUninitializedCapacity: n * p * o) { dst, initialized in
            product.withUnsafeBufferPointer { src in
                bias.withUnsafeBufferPointer { b in
                    guard let d0 = dst.baseAddress, let s0 = src.baseAddress, let b0 = b.baseAddress else { return }
                    for s in 0..<n {
                        for ch in 0..<o {
                            let bc = b0[ch], target = d0 + (s * o + ch) * p, source = s0 + s * p * o + ch
                            if relu {
                                for q in 0..<p {
                                    let v = source[q * o] + bc
                                    target[q] = v > 0 ? v : 0
                                }
                            } else {
                                for q in 0..<p { target[q] = source[q * o] + bc }
                            }
                        }
                    }
                }
            }
            initialized = n * p * o
        }
    }

    /// For each entry of one sample's patch matrix `[OH·OW, C·kh·kw]`, its offset in the sample's CHW input, or −1
    /// where the window covers the zero padding.
    static func patchSources(_ g: Geometry) -> [Int32] {
        var table = [Int32](repeating: -1, count: g.positions * g.patch)
        forEachWindowRow(batch: 1, g) { colIndex, srcIndex, length in
            for k in 0..<length { table[colIndex + k] = Int32(srcIndex + k) }
        }
        return table
    }
}
