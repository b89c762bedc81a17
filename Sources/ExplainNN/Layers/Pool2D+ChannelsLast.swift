import ExplainTensor

extension Pool2D {
    /// Pooling on channels-last blocks: `[N, OH, OW, C]` from `[N, H, W, C]`, where `input` is the sample shape
    /// `[C, H, W]`. Each window position contributes a contiguous vector of C channels. The values are exactly
    /// `inference`'s, transposed: the window is visited in the same order.
    func inferenceChannelsLast(_ x: Tensor, input: [Int]) -> Tensor {
        let c = input[0], h = input[1], w = input[2], n = x.batchSize
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        precondition(x.sampleCount == c * h * w, "\(type): \(x.sampleCount) values per sample, expected \(c * h * w)")
        let kernel = self.kernel, stride = self.stride, isMax = reduction == .max
        let area = Float(kernel * kernel)
        let out = [Float](unsafeUninitializedCapacity: n * oh * ow * c) { dst, initialized in
            initialized = 0
            x.scalars.withUnsafeBufferPointer { src in
                guard let d0 = dst.baseAddress, let s0 = src.baseAddress else { return }
                if kernel == 2 && stride == 2 {
                    // The common 2×2 window, unrolled, in `inference`'s order.
                    for s in 0..<n {
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let a = s0 + ((s * h + 2 * oy) * w + 2 * ox) * c, b = a + c, cc = a + w * c, d = cc + c
                                let target = d0 + ((s * oh + oy) * ow + ox) * c
                                // Four channels at a time, with the scalar loop's operations lane by lane.
                                var k = 0
                                while k + 4 <= c {
                                    let va = Self.load4(a + k), vb = Self.load4(b + k)
                                    let vc = Self.load4(cc + k), vd = Self.load4(d + k)
                                    let value: SIMD4<Float>
                                    if isMax {
                                        var m = SIMD4<Float>(repeating: -.infinity)
                                        m.replace(with: va, where: va .> m)
                                        m.replace(with: vb, where: vb .> m)
                                        m.replace(with: vc, where: vc .> m)
                                        m.replace(with: vd, where: vd .> m)
                                        value = m
                                    } else {
                                        value = (((va + vb) + vc) + vd) / area
                                    }
                                    UnsafeMutableRawPointer(target + k).storeBytes(of: value, as: SIMD4<Float>.self)
                                    k += 4
                                }
                                for k in k..<c {
                                    if isMax {
                                        var m = -Float.infinity
                                        m = a[k] > m ? a[k] : m
                                        m = b[k] > m ? b[k] : m
                                        m = cc[k] > m ? cc[k] : m
                                        m = d[k] > m ? d[k] : m
                                        target.advanced(by: k).initialize(to: m)
                                    } else {
                                        target.advanced(by: k).initialize(to: (((a[k] + b[k]) + cc[k]) + d[k]) / area)
                                    }
                                }
                            }
                        }
                    }
                    initialized = n * oh * ow * c
                    return
                }
                for s in 0..<n {
                    let sample = s0 + s * h * w * c
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let target = d0 + ((s * oh + oy) * ow + ox) * c
                            target.initialize(repeating: isMax ? -Float.infinity : 0, count: c)
                            for ky in 0..<kernel {
                                for kx in 0..<kernel {
                                    let v = sample + ((oy * stride + ky) * w + ox * stride + kx) * c
                                    if isMax {
                                        for k in 0..<c { target[k] = v[k] > target[k] ? v[k] : target[k] }
                                    } else {
                                        for k in 0..<c { target[k] += v[k] }
                                    }
                                }
                            }
                            if !isMax { for k in 0..<c { target[k] /= area } }
                        }
                    }
                }
                initialized = n * oh * ow * c
            }
        }
        return Tensor(shape: [n, oh, ow, c], scalars: out)
    }

    @inline(__always)
    private static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }
}
