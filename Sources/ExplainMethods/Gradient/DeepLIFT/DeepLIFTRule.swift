import ExplainNN
import ExplainTensor

/// DeepLIFT's rescale rule, layer by layer, against the reference's forward pass (captum `DeepLift` semantics).
///
/// The signal is the multiplier m = ∂ᴰf/∂ᴰy of the target output with respect to a layer's output. Linear layers
/// (dense, conv2d, standardize, flatten, average pooling, dropout at inference) keep the chain rule, which is exact for
/// them. The nonlinear layers use Δ = (value at x) − (value at the reference):
/// ```
/// relu, leaky_relu, tanh, sigmoid:  m_in = m_out ⊙ Δy / Δx                 (the gradient where |Δx| < eps)
/// softmax:                          u = m_out ⊙ Δy / Δx,  m_in = u − mean(u)   (per row)
/// max pooling:                      each window sends m·(max(o, o′) − o′) to x's argmax and m·(o − max(o, o′)) to
///                                   the reference's argmax; m_in = that sum / Δx  (the gradient where |Δx| < eps)
/// ```
/// Shrikumar, Greenside & Kundaje 2017, "Learning Important Features Through Propagating Activation Differences".
struct DeepLIFTRule: BackwardRule {
    /// The reference's activations, row for row with the traced inputs: index 0 is the input batch, index i + 1 the
    /// output of layer i.
    var reference: [Tensor]
    /// |Δx| below which the gradient replaces Δy / Δx (captum's default, 1e-10).
    var eps: Float

    func propagate(_ signal: Tensor, through trace: LayerTrace, at index: Int) throws(ExplainError) -> Tensor {
        let ref = (input: reference[trace.inputIDs[0]], output: reference[index + 1])
        switch trace.layer {
        case is Activation:
            return rescaled(signal, trace, ref)
        case is Softmax:
            return Self.centred(rescaled(signal, trace, ref))
        case let pool as Pool2D where pool.reduction == .max:
            return maxPool(signal, pool, trace, ref)
        case is Dense, is Conv2D, is Standardize, is Flatten, is Dropout, is Pool2D:
            return trace.gradient(signal)
        case let layer where layer.propagationKind == .affine:
            return trace.gradient(signal)
        case let layer where layer.propagationKind == .elementwise:
            return rescaled(signal, trace, ref)
        default:
            throw ExplainError(.unsupported, "deeplift has no rule for layer \(Echo.quoted(trace.layer.name)) of type \(trace.layer.type)",
                               at: "layers[\(index)]")
        }
    }

    /// m_out ⊙ Δy / Δx, with the gradient where |Δx| < eps.
    private func rescaled(_ signal: Tensor, _ trace: LayerTrace, _ ref: (input: Tensor, output: Tensor)) -> Tensor {
        var out = signal.scalars
        let eps = self.eps
        let flat = out.withUnsafeMutableBufferPointer { o in
            trace.input.scalars.withUnsafeBufferPointer { x in
                ref.input.scalars.withUnsafeBufferPointer { x0 in
                    trace.output.scalars.withUnsafeBufferPointer { y in
                        ref.output.scalars.withUnsafeBufferPointer { y0 in
                            var flat = false
                            for i in 0..<o.count {
                                let dx = x[i] - x0[i]
                                if Swift.abs(dx) < eps { flat = true } else { o[i] *= (y[i] - y0[i]) / dx }
                            }
                            return flat
                        }
                    }
                }
            }
        }
        if flat { Self.useGradient(&out, where: trace.input, ref.input, below: eps, trace.gradient(signal)) }
        return Tensor(shape: trace.input.shape, scalars: out)
    }

    /// Replaces `values[i]` by `gradient[i]` wherever |x[i] − x0[i]| < eps.
    private static func useGradient(_ values: inout [Float], where x: Tensor, _ x0: Tensor, below eps: Float, _ gradient: Tensor) {
        for i in values.indices where Swift.abs(x.scalars[i] - x0.scalars[i]) < eps { values[i] = gradient.scalars[i] }
    }

    /// Each row minus its mean (captum's normalisation of the softmax multipliers, which it takes over the whole
    /// batch; per row it is the same for one row per call, and rows do not mix).
    private static func centred(_ u: Tensor) -> Tensor {
        var out = u.scalars
        let width = u.sampleCount
        for r in 0..<u.batchSize {
            var total: Float = 0
            for j in 0..<width { total += out[r * width + j] }
            let mean = total / Float(width)
            for j in 0..<width { out[r * width + j] -= mean }
        }
        return Tensor(shape: u.shape, scalars: out)
    }

    /// captum's max-pooling rule: the output differences routed to the argmaxes of x and the reference, divided by Δx.
    private func maxPool(_ signal: Tensor, _ pool: Pool2D, _ trace: LayerTrace, _ ref: (input: Tensor, output: Tensor)) -> Tensor {
        let s = trace.input.shape
        let planes = s[0] * s[1], h = s[2], w = s[3]
        let os = trace.output.shape, oh = os[2], ow = os[3]
        let eps = self.eps
        var routed = [Float](repeating: 0, count: trace.input.count)
        let flat = routed.withUnsafeMutableBufferPointer { out in
            trace.input.scalars.withUnsafeBufferPointer { x in
                ref.input.scalars.withUnsafeBufferPointer { x0 in
                    trace.output.scalars.withUnsafeBufferPointer { o in
                        ref.output.scalars.withUnsafeBufferPointer { o0 in
                            signal.scalars.withUnsafeBufferPointer { g in
                                for plane in 0..<planes {
                                    for oy in 0..<oh {
                                        for ox in 0..<ow {
                                            let k = (plane * oh + oy) * ow + ox
                                            let top = Swift.max(o[k], o0[k])
                                            out[Self.argmax(x, plane * h * w, oy, ox, pool, w)] += g[k] * (top - o0[k])
                                            out[Self.argmax(x0, plane * h * w, oy, ox, pool, w)] += g[k] * (o[k] - top)
                                        }
                                    }
                                }
                                var flat = false
                                for i in 0..<out.count {
                                    let dx = x[i] - x0[i]
                                    if Swift.abs(dx) < eps { flat = true } else { out[i] /= dx }
                                }
                                return flat
                            }
                        }
                    }
                }
            }
        }
        if flat { Self.useGradient(&routed, where: trace.input, ref.input, below: eps, trace.gradient(signal)) }
        return Tensor(shape: s, scalars: routed)
    }

    /// The index of a window's first maximum (as the layer's forward pass and PyTorch choose it).
    @inline(__always)
    private static func argmax(_ v: UnsafeBufferPointer<Float>, _ base: Int, _ oy: Int, _ ox: Int, _ pool: Pool2D, _ w: Int) -> Int {
        var top = -Float.infinity, best = base + oy * pool.stride * w + ox * pool.stride
        for ky in 0..<pool.kernel {
            let rowStart = base + (oy * pool.stride + ky) * w + ox * pool.stride
            for kx in 0..<pool.kernel where v[rowStart + kx] > top {
                top = v[rowStart + kx]
                best = rowStart + kx
            }
        }
        return best
    }
}
