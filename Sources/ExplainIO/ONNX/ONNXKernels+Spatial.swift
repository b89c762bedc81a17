import ExplainTensor

extension ONNXKernels {
    /// 2-D grouped, dilated, strided, padded cross-correlation of NCHW `x` with W[M][C/group][kh][kw].
    static func conv(_ x: Tensor, weights w: Tensor, bias: Tensor?, window: ONNXWindow, group: Int,
                     outputShape: [Int]) -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (filters, oh, ow) = (outputShape[1], outputShape[2], outputShape[3])
        let groupChannels = channels / group, groupFilters = filters / group
        let (kh, kw) = (window.kernel[0], window.kernel[1])
        var out = [Float](repeating: 0, count: batch * filters * oh * ow)
        for n in 0..<batch {
            for f in 0..<filters {
                let g = f / groupFilters
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = Double(bias?.scalars[f] ?? 0)
                        for c in 0..<groupChannels {
                            let channel = g * groupChannels + c
                            for ky in 0..<kh {
                                let y = oy * window.strides[0] - window.padsBegin[0] + ky * window.dilations[0]
                                guard y >= 0, y < height else { continue }
                                for kx in 0..<kw {
                                    let xx = ox * window.strides[1] - window.padsBegin[1] + kx * window.dilations[1]
                                    guard xx >= 0, xx < width else { continue }
                                    sum += Double(x.scalars[((n * channels + channel) * height + y) * width + xx])
                                        * Double(w.scalars[((f * groupChannels + c) * kh + ky) * kw + kx])
                                }
                            }
                        }
                        out[((n * filters + f) * oh + oy) * ow + ox] = Float(sum)
                    }
                }
            }
        }
        return Tensor(shape: outputShape, scalars: out)
    }

    /// Max pooling (`average` nil), or average pooling dividing by the whole window (`average` true) or by the
    /// window's cells inside the input (false).
    static func pool(_ x: Tensor, window: ONNXWindow, outputShape: [Int], average: Bool?) -> Tensor {
        let (planes, height, width) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (outputShape[2], outputShape[3])
        var out = [Float](repeating: 0, count: planes * oh * ow)
        for p in 0..<planes {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Double.infinity, sum = 0.0, inside = 0
                    for ky in 0..<window.kernel[0] {
                        let y = oy * window.strides[0] - window.padsBegin[0] + ky * window.dilations[0]
                        guard y >= 0, y < height else { continue }
                        for kx in 0..<window.kernel[1] {
                            let xx = ox * window.strides[1] - window.padsBegin[1] + kx * window.dilations[1]
                            guard xx >= 0, xx < width else { continue }
                            let v = Double(x.scalars[(p * height + y) * width + xx])
                            best = max(best, v)
                            sum += v
                            inside += 1
                        }
                    }
                    let value: Double
                    switch average {
                    case nil: value = best
                    case true?:
                        // The window clipped to the padded input, as onnxruntime counts it.
                        let y0 = oy * window.strides[0] - window.padsBegin[0], x0 = ox * window.strides[1] - window.padsBegin[1]
                        let y1 = min(y0 + window.kernel[0], height + window.padsEnd[0])
                        let x1 = min(x0 + window.kernel[1], width + window.padsEnd[1])
                        value = sum / Double(max((y1 - y0) * (x1 - x0), 1))
                    case false?: value = sum / Double(max(inside, 1))
                    }
                    out[(p * oh + oy) * ow + ox] = Float(value)
                }
            }
        }
        return Tensor(shape: outputShape, scalars: out)
    }

    /// (x − mean)/√(variance + ε)·scale + bias per channel (axis 1).
    static func batchNormalization(_ x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor,
                                   epsilon: Float) -> Tensor {
        let channels = x.shape[1], inner = x.shape[2...].reduce(1, *)
        var out = x
        for i in 0..<x.count {
            let c = (i / inner) % channels
            let normal = (Double(x.scalars[i]) - Double(mean.scalars[c])) / (Double(variance.scalars[c]) + Double(epsilon)).squareRoot()
            out.scalars[i] = Float(normal * Double(scale.scalars[c]) + Double(bias.scalars[c]))
        }
        return out
    }

    /// The mean of each [N, C] plane over its spatial axes.
    static func globalAveragePool(_ x: Tensor, outputShape: [Int]) -> Tensor {
        let planes = x.shape[0] * x.shape[1], inner = x.shape[2...].reduce(1, *)
        let out = (0..<planes).map { p in
            Float(x.scalars[(p * inner)..<((p + 1) * inner)].reduce(0.0) { $0 + Double($1) } / Double(inner))
        }
        return Tensor(shape: outputShape, scalars: out)
    }
}
