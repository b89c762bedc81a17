import ExplainTensor

/// The sliding window of `Convolution` and `WindowPool` over `[H, W]` planes: ONNX's kernel, strides, dilations and
/// explicit pads before and after each spatial axis, with the output size floored (ceil_mode 0).
struct WindowGeometry: Sendable, Equatable {
    /// Window height and width.
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    /// Padding before each spatial axis (top, left) and after it (bottom, right).
    var padsBegin: [Int]
    var padsEnd: [Int]

    init(kernel: [Int], strides: [Int], dilations: [Int], padsBegin: [Int], padsEnd: [Int]) {
        precondition([kernel, strides, dilations, padsBegin, padsEnd].allSatisfy { $0.count == 2 }
                     && (kernel + strides + dilations).allSatisfy { $0 > 0 } && (padsBegin + padsEnd).allSatisfy { $0 >= 0 },
                     "window: kernel \(kernel), strides \(strides), dilations \(dilations), pads \(padsBegin) \(padsEnd)")
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padsBegin = padsBegin
        self.padsEnd = padsEnd
    }

    /// The span of the dilated kernel along spatial axis `axis`.
    func extent(_ axis: Int) -> Int { dilations[axis] * (kernel[axis] - 1) + 1 }

    /// The output size along `axis` for an input of `size`, or nil when the window does not fit the padded input.
    func outputSize(_ size: Int, axis: Int) -> Int? {
        let padded = size + padsBegin[axis] + padsEnd[axis]
        guard padded >= extent(axis) else { return nil }
        return (padded - extent(axis)) / strides[axis] + 1
    }

    /// The output height and width for an `[H, W]` input, or an error naming the layer `type` when the window does
    /// not fit.
    func outputSize(height: Int, width: Int, type: String) throws(ExplainError) -> (height: Int, width: Int) {
        guard height > 0, width > 0 else {
            throw ExplainError(.invalidModel, "\(type) needs a nonempty input plane, got \(height)×\(width)")
        }
        guard let oh = outputSize(height, axis: 0), let ow = outputSize(width, axis: 1) else {
            throw ExplainError(.invalidModel, "\(type) window \(extent(0))×\(extent(1)) (kernel \(kernel[0])×\(kernel[1]), "
                               + "dilations \(dilations)) does not fit the input's \(height)×\(width) with pads "
                               + "\(padsBegin) before and \(padsEnd) after")
        }
        return (oh, ow)
    }

    /// The input coordinate of the window's first tap at output position `o` along `axis` (negative in the padding).
    @inline(__always) func start(_ o: Int, axis: Int) -> Int { o * strides[axis] - padsBegin[axis] }

    /// The taps k of the window at output position `o` along `axis` whose coordinates start + k·dilation lie inside
    /// an input of `size`: a range, since the coordinate grows with k.
    func taps(_ o: Int, axis: Int, size: Int) -> Range<Int> {
        let first = start(o, axis: axis), d = dilations[axis]
        let low = first >= 0 ? 0 : (-first + d - 1) / d
        let high = size > first ? min(kernel[axis], (size - first + d - 1) / d) : 0
        return low..<max(low, high)
    }
}
