import ExplainTensor

/// Max or average pooling of each channel of `[C, H, W]` inputs over windows with strides, dilations and asymmetric
/// padding (ONNX `MaxPool` and `AveragePool`, ceil_mode 0).
///
/// Padding never wins a max: each window's maximum is over its cells inside the input, and the pullback sends the
/// gradient to the first of them that holds it. An average divides the window's sum by the whole window clipped to
/// the padded input when `countsPadding` (ONNX `count_include_pad`), else by its cells inside the input.
public struct WindowPool: Layer {
    public var name: String
    /// How a window is reduced: its maximum or its average.
    public var reduction: Pool2D.Reduction
    /// Whether an average counts the padding cells of its window.
    public var countsPadding: Bool
    let window: WindowGeometry
    public var type: String { reduction == .max ? "maxpool" : "avgpool" }
    /// An average is linear; a maximum is not.
    public var propagationKind: PropagationKind { reduction == .average ? .affine : .other }

    /// The window's height and width.
    public var kernel: [Int] { window.kernel }
    /// The vertical and horizontal strides.
    public var strides: [Int] { window.strides }
    /// The vertical and horizontal dilations.
    public var dilations: [Int] { window.dilations }
    /// The padding before each spatial axis (top, left).
    public var padsBegin: [Int] { window.padsBegin }
    /// The padding after each spatial axis (bottom, right).
    public var padsEnd: [Int] { window.padsEnd }

    /// Creates a pooling layer; `kernel`, `strides`, `dilations`, `padsBegin` and `padsEnd` hold two values each
    /// (height, width). `countsPadding` matters for averages only.
    public init(name: String, reduction: Pool2D.Reduction, kernel: [Int], strides: [Int], dilations: [Int],
                padsBegin: [Int], padsEnd: [Int], countsPadding: Bool) {
        self.name = name
        self.reduction = reduction
        self.countsPadding = countsPadding
        window = WindowGeometry(kernel: kernel, strides: strides, dilations: dilations, padsBegin: padsBegin, padsEnd: padsEnd)
    }

    /// - Throws: `ExplainError(.invalidModel)` when the window does not fit, and for max pooling when some window
    ///   lies wholly in the padding (it would have no maximum).
    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard inputShape.count == 3 else {
            throw ExplainError(.invalidModel, "\(type) needs a [C, H, W] input, got shape \(inputShape)")
        }
        let size = try window.outputSize(height: inputShape[1], width: inputShape[2], type: type)
        if reduction == .max {
            for (axis, count) in [size.height, size.width].enumerated() {
                if let o = (0..<count).first(where: { window.taps($0, axis: axis, size: inputShape[axis + 1]).isEmpty }) {
                    throw ExplainError(.invalidModel, "\(type) window \(o) along spatial axis \(axis) covers only padding "
                                       + "(pads \(padsBegin) before and \(padsEnd) after a \(inputShape[1])×\(inputShape[2]) input)")
                }
            }
        }
        return [inputShape[0], size.height, size.width]
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let s = input.shape
        guard s.count == 4, let oh = window.outputSize(s[2], axis: 0), let ow = window.outputSize(s[3], axis: 1) else {
            preconditionFailure("WindowPool: input \(s) does not fit the window")
        }
        let planes = s[0] * s[1], h = s[2], w = s[3]
        let rows = (0..<oh).map { window.taps($0, axis: 0, size: h) }, columns = (0..<ow).map { window.taps($0, axis: 1, size: w) }
        let isMax = reduction == .max
        var out = [Float](repeating: 0, count: planes * oh * ow)
        var argmax = isMax ? [Int](repeating: -1, count: out.count) : []
        let divisors = isMax ? [] : averageDivisors(rows, columns, height: h, width: w)
        let (dh, dw) = (window.dilations[0], window.dilations[1])
        input.scalars.withUnsafeBufferPointer { x in
            for plane in 0..<planes {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = (plane * oh + oy) * ow + ox
                        var top = -Float.infinity, topIndex = -1, total: Float = 0
                        for ky in rows[oy] {
                            let line = (plane * h + window.start(oy, axis: 0) + ky * dh) * w + window.start(ox, axis: 1)
                            for kx in columns[ox] {
                                let v = x[line + kx * dw]
                                total += v
                                if v > top || topIndex < 0 { top = v; topIndex = line + kx * dw }
                            }
                        }
                        if isMax { out[o] = top; argmax[o] = topIndex } else { out[o] = total / divisors[oy * ow + ox] }
                    }
                }
            }
        }
        return (Tensor(shape: [s[0], s[1], oh, ow], scalars: out), { dy in
            var dx = [Float](repeating: 0, count: input.count)
            for plane in 0..<planes {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = (plane * oh + oy) * ow + ox
                        if isMax {
                            if argmax[o] >= 0 { dx[argmax[o]] += dy.scalars[o] }
                            continue
                        }
                        let g = dy.scalars[o] / divisors[oy * ow + ox]
                        for ky in rows[oy] {
                            let line = (plane * h + window.start(oy, axis: 0) + ky * dh) * w + window.start(ox, axis: 1)
                            for kx in columns[ox] { dx[line + kx * dw] += g }
                        }
                    }
                }
            }
            return (Tensor(shape: s, scalars: dx), [])
        })
    }

    /// What each output position's sum is divided by: its window's taps inside the padded input (`countsPadding`),
    /// or inside the input, at least 1.
    func averageDivisors(_ rows: [Range<Int>], _ columns: [Range<Int>], height: Int, width: Int) -> [Float] {
        func padded(_ o: Int, axis: Int, size: Int) -> Int {
            let limit = size + window.padsEnd[axis], first = window.start(o, axis: axis), d = window.dilations[axis]
            // Taps at first + k·d for k in 0..<kernel, first ≥ −padsBegin: those below the padded end.
            return min(window.kernel[axis], max(0, (limit - first + d - 1) / d))
        }
        var divisors: [Float] = []
        for (oy, r) in rows.enumerated() {
            for (ox, c) in columns.enumerated() {
                let count = countsPadding ? padded(oy, axis: 0, size: height) * padded(ox, axis: 1, size: width) : r.count * c.count
                divisors.append(Float(max(count, 1)))
            }
        }
        return divisors
    }
}
