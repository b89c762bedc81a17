/// What an `ONNXNode` computes, normalised from its ONNX operator, attributes and configuration inputs.
///
/// Axes count from the batch dimension (axis 0) of the full tensor and are never negative. Binary operators follow
/// numpy broadcasting. The comment of each case lists the node's `inputs`.
public enum ONNXOperation: Sendable, Equatable {
    /// Y = alpha·op(A)·op(B) + beta·C, op transposing when asked; inputs A, B and optionally C (broadcast to Y).
    case gemm(alpha: Float, beta: Float, transA: Bool, transB: Bool)
    /// numpy `matmul`; inputs A, B.
    case matMul
    /// Elementwise with numpy broadcasting; inputs A, B.
    case add, sub, mul, div
    /// Elementwise; input X.
    case relu, sigmoid, tanh, erf
    /// x for x ≥ 0, alpha·x otherwise; input X.
    case leakyRelu(alpha: Float)
    /// x·Φ(x), or its tanh approximation; input X.
    case gelu(tanhApproximation: Bool)
    /// min(max(x, minimum), maximum), with ±infinity for an absent bound; input X.
    case clip(minimum: Float, maximum: Float)
    /// Softmax (or log-softmax) over `axis`; with `coercesTrailingAxes` (opset < 13) over all axes from `axis` on,
    /// taken as one. Input X.
    case softmax(axis: Int, isLog: Bool, coercesTrailingAxes: Bool)
    /// 2-D cross-correlation of NCHW X with weights W[M][C/group][kh][kw]; inputs X, W and optionally B[M].
    case conv(ONNXWindow, group: Int)
    /// Inference batch normalisation over channel axis 1; inputs X, scale, bias, mean, variance.
    case batchNormalization(epsilon: Float)
    /// Max over each 2-D window (padding never wins); input X.
    case maxPool(ONNXWindow)
    /// Mean over each 2-D window, dividing by the whole window (`countsPadding`) or by its cells inside X; input X.
    case averagePool(ONNXWindow, countsPadding: Bool)
    /// Mean over every axis from 2 on, kept as size 1; input X.
    case globalAveragePool
    /// The same values with the node output's sample shape (Reshape, Flatten, Squeeze, Unsqueeze); input X.
    case reshape
    /// Axes permuted, `permutation[0] == 0` for batched tensors; input X.
    case transpose(permutation: [Int])
    /// Inputs joined along `axis`.
    case concat(axis: Int)
    /// The input unchanged (Identity, Dropout at inference, Cast between float types); input X.
    case identity
    /// ai.onnx.ml Scaler: (x − offset)·scale over the last axis, each of length 1 or the axis'; input X.
    case scaler(offset: [Float], scale: [Float])
}

/// The sliding window of a 2-D convolution or pooling, with `auto_pad` resolved into explicit pads.
public struct ONNXWindow: Sendable, Equatable {
    /// Window height and width.
    public var kernel: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    /// Padding before each spatial axis (top, left) and after it (bottom, right).
    public var padsBegin: [Int]
    public var padsEnd: [Int]

    public init(kernel: [Int], strides: [Int], dilations: [Int], padsBegin: [Int], padsEnd: [Int]) {
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padsBegin = padsBegin
        self.padsEnd = padsEnd
    }

    /// The output size along spatial axis `axis` for an input of `size` (floor division, ceil_mode 0); 0 or less
    /// when the window does not fit in the padded input.
    public func outputSize(_ size: Int, axis: Int) -> Int {
        let extent = dilations[axis] * (kernel[axis] - 1) + 1
        let room = size + padsBegin[axis] + padsEnd[axis] - extent
        // Floor, not truncation toward zero: a window wider than the padded input has no position.
        guard room >= 0 else { return 0 }
        return room / strides[axis] + 1
    }
}
