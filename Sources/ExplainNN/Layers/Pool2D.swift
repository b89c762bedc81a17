import ExplainTensor

/// Max or average pooling per channel over `kernel×kernel` windows with a stride (default: the kernel).
///
/// Windows that would leave the input are dropped (floor), as in PyTorch without padding.
public struct Pool2D: Layer {
    /// How a window is reduced.
    public enum Reduction: Sendable, Equatable { case max, average }

    public var name: String
    public var reduction: Reduction
    public var kernel: Int
    public var stride: Int
    public var type: String { reduction == .max ? "maxpool2d" : "avgpool2d" }

    public init(name: String, reduction: Reduction, kernel: Int, stride: Int? = nil) {
        precondition(kernel > 0 && (stride ?? kernel) > 0)
        self.name = name
        self.reduction = reduction
        self.kernel = kernel
        self.stride = stride ?? kernel
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard inputShape.count == 3 else {
            throw ExplainError(.invalidModel, "\(type) needs a [C, H, W] input, got shape \(inputShape)")
        }
        guard inputShape[1] >= kernel, inputShape[2] >= kernel else {
            throw ExplainError(.invalidModel, "\(type) kernel \(kernel) is larger than the input \(inputShape[1])×\(inputShape[2])")
        }
        return [inputShape[0], (inputShape[1] - kernel) / stride + 1, (inputShape[2] - kernel) / stride + 1]
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let s = input.shape
        let n = s[0], c = s[1], h = s[2], w = s[3]
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        var out = [Float](repeating: 0, count: n * c * oh * ow)
        var argmax = reduction == .max ? [Int](repeating: 0, count: out.count) : []
        let area = Float(kernel * kernel)
        let kernel = self.kernel, stride = self.stride, isMax = reduction == .max
        input.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                argmax.withUnsafeMutableBufferPointer { best in
                    for plane in 0..<(n * c) {
                        let base = plane * h * w
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let o = (plane * oh + oy) * ow + ox
                                var top = -Float.infinity, topIndex = 0, total: Float = 0
                                for ky in 0..<kernel {
                                    let rowStart = base + (oy * stride + ky) * w + ox * stride
                                    for kx in 0..<kernel {
                                        let v = src[rowStart + kx]
                                        total += v
                                        if v > top { top = v; topIndex = rowStart + kx }
                                    }
                                }
                                if isMax { dst[o] = top; best[o] = topIndex } else { dst[o] = total / area }
                            }
                        }
                    }
                }
            }
        }
        let reduction = self.reduction
        return (Tensor(shape: [n, c, oh, ow], scalars: out), { dy in
            var dx = [Float](repeating: 0, count: input.count)
            for plane in 0..<(n * c) {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = (plane * oh + oy) * ow + ox
                        let g = dy.scalars[o]
                        if reduction == .max { dx[argmax[o]] += g; continue }
                        for ky in 0..<kernel {
                            for kx in 0..<kernel { dx[plane * h * w + (oy * stride + ky) * w + ox * stride + kx] += g / area }
                        }
                    }
                }
            }
            return (Tensor(shape: s, scalars: dx), [])
        })
    }
}
