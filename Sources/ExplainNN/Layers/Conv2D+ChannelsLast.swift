import ExplainTensor

/// A conv2d layer prepared for inference on channels-last blocks, `[N, H, W, C]` in and `[N, OH, OW, O]` out.
///
/// The convolution runs directly on a zero-bordered copy of each sample, with no patch matrix: in this layout a window
/// row (ky fixed, kx over the window, every channel) is one contiguous run of the copy, so the small-matrix kernel
/// (`PackedAffine`) reads each output position's patch as `kh` segments of kw·C values straight from it, and writes
/// the `[OH·OW, O]` outputs, bias and ReLU included, in the layout the next layer reads. The weights are reordered once
/// to match, `[O, kh·kw·C]`. Outputs equal `Conv2D.inference`'s, transposed, up to float rounding (the products sum
/// in another order).
struct ChannelsLastConvolution {
    let geometry: Conv2D.Geometry
    let outputChannels: Int
    /// W reordered to `[O, kh, kw, C]`, with the bias, packed for the kernel.
    let map: PackedAffine
    let relu: Bool
    /// W reordered to `[O, kh, kw, C]`.
    var weight: [Float] { map.weight }
    var bias: [Float] { map.bias }

    /// - Parameter input: the layer's input sample shape `[C, H, W]`.
    init(_ conv: Conv2D, input: [Int], relu: Bool) {
        let g = conv.geometry(input)
        geometry = g
        let o = conv.weight.shape[0]
        outputChannels = o
        self.relu = relu
        let taps = g.kh * g.kw, channels = g.c
        // (o·taps + tap)·C + c  ←  source (o·C + c)·taps + tap
        let weight = [Float](unsafeUninitializedCapacity: o * g.patch) { to, initialized in
            conv.weight.scalars.withUnsafeBufferPointer { from in
                for out in 0..<o {
                    for c in 0..<channels {
                        for tap in 0..<taps { to[(out * taps + tap) * channels + c] = from[(out * channels + c) * taps + tap] }
                    }
                }
            }
            initialized = o * g.patch
        }
        map = PackedAffine(weight: weight, bias: conv.bias.scalars, outputs: o)
    }

    /// The output sample shape in channels-first order, `[O, OH, OW]`.
    var outputShape: [Int] { [outputChannels, geometry.outH, geometry.outW] }

    /// `[N, OH, OW, O]` from `[N, H, W, C]` (any shape with C·H·W values per sample).
    func apply(_ input: Tensor) -> Tensor {
        let g = geometry, n = input.batchSize, o = outputChannels
        let sampleSize = g.c * g.h * g.w, outputSize = g.positions * o
        precondition(input.sampleCount == sampleSize, "conv2d: \(input.sampleCount) values per sample, expected \(sampleSize)")
        // With padding, each sample is copied into a zero-bordered `[H + 2·pad, W + 2·pad, C]` frame (the border is
        // written once; each copy overwrites the interior); without, the kernel reads the sample itself.
        let pad = g.padding, frameW = g.w + 2 * pad, rowLength = g.w * g.c
        var frame = [Float](repeating: 0, count: pad > 0 ? (g.h + 2 * pad) * frameW * g.c : 0)
        let layout = PackedAffine.Layout(rowStride: g.stride * g.c, segments: g.kh, segmentLength: g.kw * g.c,
                                         segmentStride: frameW * g.c)
        let out = [Float](unsafeUninitializedCapacity: n * outputSize) { dst, initialized in
            input.scalars.withUnsafeBufferPointer { src in
                frame.withUnsafeMutableBufferPointer { fp in
                    guard let d0 = dst.baseAddress, let s0 = src.baseAddress else { return }
                    for s in 0..<n {
                        let sample = s0 + s * sampleSize
                        var source = UnsafePointer(sample)
                        if pad > 0, let f0 = fp.baseAddress {
                            for y in 0..<g.h {
                                (f0 + ((y + pad) * frameW + pad) * g.c).update(from: sample + y * rowLength, count: rowLength)
                            }
                            source = UnsafePointer(f0)
                        }
                        for oy in 0..<g.outH {
                            map.apply(source + oy * g.stride * frameW * g.c, rows: g.outW, layout: layout,
                                      into: d0 + s * outputSize + oy * g.outW * o, ldy: o, relu: relu)
                        }
                    }
                }
            }
            initialized = n * outputSize
        }
        return Tensor(shape: [n, g.outH, g.outW, o], scalars: out)
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
