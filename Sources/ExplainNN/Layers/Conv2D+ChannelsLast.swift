import ExplainTensor

/// A conv2d layer prepared for inference on channels-last blocks, `[N, H, W, C]` in and `[N, OH, OW, O]` out.
///
/// In this layout a window row (ky fixed, kx over the window, every channel) is one contiguous run of a zero-bordered
/// copy of the sample, so the patch matrix is built from `kh` copies per output position instead of one lookup per
/// patch entry, and the
/// sgemm's `[N·OH·OW, O]` product is already the output: no transposition afterwards. The weights are reordered once
/// to match, `[O, kh·kw·C]`. Outputs equal `Conv2D.inference`'s, transposed, up to float rounding (the products sum
/// in another order).
struct ChannelsLastConvolution {
    let geometry: Conv2D.Geometry
    let outputChannels: Int
    /// W reordered to `[O, kh, kw, C]`.
    let weight: [Float]
    let bias: [Float]
    let relu: Bool
    /// - Parameter input: the layer's input sample shape `[C, H, W]`.
    init(_ conv: Conv2D, input: [Int], relu: Bool) {
        let g = conv.geometry(input)
        geometry = g
        let o = conv.weight.shape[0]
        outputChannels = o
        self.relu = relu
        bias = conv.bias.scalars
        let source = conv.weight.scalars, taps = g.kh * g.kw
        weight = (0..<(o * g.patch)).map { index in
            // index = (o·taps + tap)·C + c  ←  source (o·C + c)·taps + tap
            let c = index % g.c, tap = (index / g.c) % taps, out = index / (g.c * taps)
            return source[(out * g.c + c) * taps + tap]
        }
    }

    /// The output sample shape in channels-first order, `[O, OH, OW]`.
    var outputShape: [Int] { [outputChannels, geometry.outH, geometry.outW] }

    /// `[N, OH, OW, O]` from `[N, H, W, C]` (any shape with C·H·W values per sample).
    func apply(_ input: Tensor) -> Tensor {
        let g = geometry, n = input.batchSize, o = outputChannels
        let p = g.positions, patch = g.patch, sampleSize = g.c * g.h * g.w
        precondition(input.sampleCount == sampleSize, "conv2d: \(input.sampleCount) values per sample, expected \(sampleSize)")
        // Each sample is copied into a zero-bordered `[H + 2·pad, W + 2·pad, C]` frame; a patch row is then kh runs of
        // kw·C contiguous values, one per window row.
        let pad = g.padding, frameW = g.w + 2 * pad, frameSize = (g.h + 2 * pad) * frameW * g.c
        let rowRun = g.kw * g.c, rowLength = g.w * g.c
        // Runs are copied 4 values at a time, so the last copy of a run may read and write up to 3 values past its end:
        // the next run overwrites them, and both buffers have 3 spare values at the end.
        let quads = (rowRun + 3) / 4, spare = 3
        var frame = [Float](repeating: 0, count: frameSize + spare)
        // Where each window row starts in the frame, in patch-matrix order (position, then ky).
        var starts = [Int]()
        starts.reserveCapacity(p * g.kh)
        for oy in 0..<g.outH {
            for ox in 0..<g.outW {
                for ky in 0..<g.kh { starts.append(((oy * g.stride + ky) * frameW + ox * g.stride) * g.c) }
            }
        }
        let cols = [Float](unsafeUninitializedCapacity: n * p * patch + spare) { dst, initialized in
            input.scalars.withUnsafeBufferPointer { src in
                frame.withUnsafeMutableBufferPointer { fp in
                    guard let d0 = dst.baseAddress, let s0 = src.baseAddress, let f0 = fp.baseAddress else { return }
                    (d0 + n * p * patch).initialize(repeating: 0, count: spare)
                    for s in 0..<n {
                        let sample = s0 + s * sampleSize
                        for y in 0..<g.h {
                            let from = sample + y * rowLength, to = f0 + ((y + pad) * frameW + pad) * g.c
                            for k in 0..<rowLength { to[k] = from[k] }
                        }
                        var out = d0 + s * p * patch
                        for start in starts {
                            let from = UnsafeRawPointer(f0 + start), to = UnsafeMutableRawPointer(out)
                            for q in 0..<quads {
                                to.storeBytes(of: from.loadUnaligned(fromByteOffset: 16 * q, as: SIMD4<Float>.self),
                                              toByteOffset: 16 * q, as: SIMD4<Float>.self)
                            }
                            out += rowRun
                        }
                    }
                }
            }
            initialized = n * p * patch + spare
        }
        let rows = n * p
        var product = [Float](unsafeUninitializedCapacity: rows * o) { dst, initialized in
            bias.withUnsafeBufferPointer { b in
                guard let d0 = dst.baseAddress, let b0 = b.baseAddress else { return }
                for r in 0..<rows { for k in 0..<o { (d0 + r * o + k).initialize(to: b0[k]) } }
            }
            initialized = rows * o
        }
        cols.withUnsafeBufferPointer { c in
            weight.withUnsafeBufferPointer { w in
                product.withUnsafeMutableBufferPointer { r in
                    guard let c0 = c.baseAddress, let w0 = w.baseAddress, let r0 = r.baseAddress else { return }
                    BLAS.gemm(c0, w0, r0, m: rows, n: o, k: patch, transposeB: true, beta: 1)
                    if relu { for i in 0..<(rows * o) { r0[i] = r0[i] > 0 ? r0[i] : 0 } }
                }
            }
        }
        return Tensor(shape: [n, g.outH, g.outW, o], scalars: product)
    }

    /// The number of values in `unrolled`'s matrix: outputs × inputs.
    var unrolledCount: Int { geometry.positions * outputChannels * geometry.c * geometry.h * geometry.w }

    /// Whether `unrolled`'s matrix is small (at most `Model.unrolledConvolutionLimit` values) and at most twice the
    /// multiply-adds of the patch product, so that one plain sgemm beats building the patch matrix.
    var isCheaperUnrolled: Bool {
        unrolledCount <= Model.unrolledConvolutionLimit && unrolledCount <= 2 * geometry.positions * outputChannels * geometry.patch
    }

    /// The convolution as a matrix `[OH·OW·O × C·H·W]` and bias: row (oy·OW + ox)·O + o (channels-last outputs), column
    /// (y·W + x)·C + c for channels-last inputs or (c·H + y)·W + x for channels-first ones. Zero padding contributes
    /// nothing, so only taps inside the input have entries.
    func unrolled(channelsLastInput: Bool) -> (weight: [Float], bias: [Float]) {
        let g = geometry, nO = outputChannels, width = g.c * g.h * g.w, hidden = g.positions * nO
        var w = [Float](repeating: 0, count: hidden * width)
        var b = [Float](repeating: 0, count: hidden)
        for oy in 0..<g.outH {
            for ox in 0..<g.outW {
                for o in 0..<nO {
                    let row = (oy * g.outW + ox) * nO + o
                    b[row] = bias[o]
                    for ky in 0..<g.kh {
                        let y = oy * g.stride + ky - g.padding
                        guard y >= 0 && y < g.h else { continue }
                        for kx in 0..<g.kw {
                            let x = ox * g.stride + kx - g.padding
                            guard x >= 0 && x < g.w else { continue }
                            for c in 0..<g.c {
                                let column = channelsLastInput ? (y * g.w + x) * g.c + c : (c * g.h + y) * g.w + x
                                w[row * width + column] = weight[((o * g.kh + ky) * g.kw + kx) * g.c + c]
                            }
                        }
                    }
                }
            }
        }
        return (w, b)
    }
}
