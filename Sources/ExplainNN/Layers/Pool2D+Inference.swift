import ExplainTensor

extension Pool2D {
    /// Outputs `[N, C, OH, OW]` without a pullback: no argmax is recorded. Equal to `callAsFunction`'s output.
    public func inference(_ input: Tensor) -> Tensor {
        let s = input.shape
        let planes = s[0] * s[1], h = s[2], w = s[3]
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        let kernel = self.kernel, stride = self.stride, isMax = reduction == .max
        let area = Float(kernel * kernel)
        let out = [Float](unsafeUninitializedCapacity: planes * oh * ow) { dst, initialized in
            initialized = 0
            input.scalars.withUnsafeBufferPointer { src in
                guard let d0 = dst.baseAddress, let s0 = src.baseAddress else { return }
                if kernel == 2 && stride == 2 {
                    // The common 2×2 window, unrolled.
                    for plane in 0..<planes {
                        let base = s0 + plane * h * w, target = d0 + plane * oh * ow
                        for oy in 0..<oh {
                            let top = base + 2 * oy * w, bottom = top + w, row = target + oy * ow
                            for ox in 0..<ow {
                                let a = top[2 * ox], b = top[2 * ox + 1], c = bottom[2 * ox], d = bottom[2 * ox + 1]
                                if isMax {
                                    var m = -Float.infinity
                                    m = a > m ? a : m
                                    m = b > m ? b : m
                                    m = c > m ? c : m
                                    m = d > m ? d : m
                                    row[ox] = m
                                } else {
                                    row[ox] = (((a + b) + c) + d) / area
                                }
                            }
                        }
                    }
                    initialized = planes * oh * ow
                    return
                }
                for plane in 0..<planes {
                    let base = s0 + plane * h * w, target = d0 + plane * oh * ow
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let corner = base + oy * stride * w + ox * stride
                            var top = -Float.infinity, total: Float = 0
                            for ky in 0..<kernel {
                                let row = corner + ky * w
                                for kx in 0..<kernel {
                                    let v = row[kx]
                                    total += v
                                    top = v > top ? v : top
                                }
                            }
                            target[oy * ow + ox] = isMax ? top : total / area
                        }
                    }
                }
                initialized = planes * oh * ow
            }
        }
        return Tensor(shape: [s[0], s[1], oh, ow], scalars: out)
    }
}
