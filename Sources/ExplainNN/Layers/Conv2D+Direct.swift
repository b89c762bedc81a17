import ExplainTensor

/// The explainers' conv2d: forward and input gradient as direct channels-last convolutions (`ChannelsLastConvolution`,
/// the small-matrix kernel), for calls that need no parameter gradients.
///
/// For stride 1 the input gradient of a convolution is itself a convolution: dX = dY ⋆ W', with W' the kernel
/// flipped in both spatial axes and its channel axes swapped, `W'[c][o][ky][kx] = W[o][c][kh−1−ky][kw−1−kx]`, and
/// padding kh − 1 − p (so the output is H × W again). Samples change layout on the way in and out (channels-first
/// stays the model's layout); there is no patch matrix in either direction. Results equal the im2col path's up to
/// float rounding (the products sum in another order).
extension Conv2D {
    /// Whether `callAsFunction` takes the direct path: stride 1, a square kernel, padding below the kernel size, and
    /// no parameter gradients requested.
    func usesDirectPath(needsParameterGradients: Bool) -> Bool {
        !needsParameterGradients && stride == 1 && weight.shape[2] == weight.shape[3] && padding < weight.shape[2]
    }

    /// The kernel of the input gradient: W flipped and transposed, zero bias, padding k − 1 − p.
    var adjoint: Conv2D {
        let o = weight.shape[0], c = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3]
        let w = weight.scalars
        var flipped = [Float](repeating: 0, count: w.count)
        for out in 0..<o {
            for ch in 0..<c {
                for ky in 0..<kh {
                    for kx in 0..<kw {
                        flipped[((ch * o + out) * kh + (kh - 1 - ky)) * kw + (kw - 1 - kx)] = w[((out * c + ch) * kh + ky) * kw + kx]
                    }
                }
            }
        }
        return Conv2D(name: name, weight: Tensor(shape: [c, o, kh, kw], scalars: flipped),
                      bias: Tensor(shape: [c], repeating: 0), stride: 1, padding: kh - 1 - padding)
    }

    /// Forward and input pullback on the direct path (`usesDirectPath`); the pullback returns no parameter gradients.
    func direct(_ input: Tensor, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback) {
        let shape = input.sampleShape, g = geometry(shape), o = weight.shape[0]
        let forward = ChannelsLastConvolution(self, input: shape, relu: false)
        let last = Model.transposed(input, rows: g.c, columns: g.h * g.w, shape: [g.h, g.w, g.c])
        let output = Model.transposed(forward.apply(last), rows: g.positions, columns: o, shape: [o, g.outH, g.outW])
        let inputShape = input.shape
        guard needsInputGradient else {
            return (output, { _ in (Tensor(shape: [0], scalars: []), []) })
        }
        let backward = ChannelsLastConvolution(adjoint, input: [o, g.outH, g.outW], relu: false)
        return (output, { dy in
            let dyLast = Model.transposed(dy, rows: o, columns: g.positions, shape: [g.outH, g.outW, o])
            let dx = Model.transposed(backward.apply(dyLast), rows: g.h * g.w, columns: g.c, shape: [g.c, g.h, g.w])
            return (dx.reshaped(inputShape), [])
        })
    }
}
