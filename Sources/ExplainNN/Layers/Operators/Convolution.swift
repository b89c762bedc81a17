import ExplainTensor

/// General 2-D cross-correlation over `[C, H, W]` inputs (ONNX `Conv`): groups, strides, dilations and asymmetric
/// zero padding, weights `[M, C/group, kh, kw]` and an optional bias `[M]`.
///
/// Each sample and group is lowered to one matrix product: the group's patches form a `[C/group·kh·kw, OH·OW]` matrix
/// (im2col), which the group's filters `[M/group, C/group·kh·kw]` multiply through sgemm straight into the
/// channels-first output. The pullback rebuilds the patches for dW = dY·colsᵀ and scatters dcols = Wᵀ·dY back with
/// col2im.
public struct Convolution: Layer {
    public var name: String
    public var type: String { "conv" }
    /// `[M, C/group, kh, kw]`.
    public var weight: Tensor
    /// `[M]`, or nil.
    public var bias: Tensor?
    /// The number of groups: input channels and filters are split into this many blocks, block g of the filters
    /// reading block g of the channels only.
    public var group: Int
    let window: WindowGeometry
    public var propagationKind: PropagationKind { .affine }

    /// The vertical and horizontal strides.
    public var strides: [Int] { window.strides }
    /// The vertical and horizontal dilations (the distance between kernel taps).
    public var dilations: [Int] { window.dilations }
    /// The zero padding before each spatial axis (top, left).
    public var padsBegin: [Int] { window.padsBegin }
    /// The zero padding after each spatial axis (bottom, right).
    public var padsEnd: [Int] { window.padsEnd }

    /// Creates a convolution; `strides`, `dilations`, `padsBegin` and `padsEnd` hold two values each (height, width).
    public init(name: String, weight: Tensor, bias: Tensor?, strides: [Int], dilations: [Int], padsBegin: [Int],
                padsEnd: [Int], group: Int) {
        precondition(weight.shape.count == 4 && group > 0 && weight.shape[0] % group == 0
                     && (bias?.shape ?? [weight.shape[0]]) == [weight.shape[0]],
                     "Convolution: weight \(weight.shape), bias \(bias?.shape ?? []), group \(group)")
        self.name = name
        self.weight = weight
        self.bias = bias
        self.group = group
        window = WindowGeometry(kernel: Array(weight.shape[2...]), strides: strides, dilations: dilations,
                                padsBegin: padsBegin, padsEnd: padsEnd)
    }

    public var parameters: [Tensor] {
        get { bias.map { [weight, $0] } ?? [weight] }
        set {
            weight = newValue[0]
            if bias != nil { bias = newValue[1] }
        }
    }
    public var parameterNames: [String] { bias == nil ? ["weight"] : ["weight", "bias"] }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard inputShape.count == 3 else {
            throw ExplainError(.invalidModel, "conv needs a [C, H, W] input, got shape \(inputShape)")
        }
        guard inputShape[0] == weight.shape[1] * group else {
            throw ExplainError(.invalidModel, "conv weight \(weight.shape) with group \(group) expects \(weight.shape[1] * group) "
                               + "input channels, got \(inputShape[0])")
        }
        let size = try window.outputSize(height: inputShape[1], width: inputShape[2], type: type)
        return [weight.shape[0], size.height, size.width]
    }

    /// The sizes of one run: input channels per group, filters per group, patch length and output positions.
    struct Plan {
        var channels, height, width, outputHeight, outputWidth, groupChannels, groupFilters, patch: Int
        var positions: Int { outputHeight * outputWidth }
    }

    func plan(_ inputShape: [Int]) -> Plan {
        guard inputShape.count == 4, inputShape[1] == weight.shape[1] * group,
              let oh = window.outputSize(inputShape[2], axis: 0), let ow = window.outputSize(inputShape[3], axis: 1) else {
            preconditionFailure("Convolution: input \(inputShape) does not fit weight \(weight.shape), group \(group)")
        }
        let groupChannels = weight.shape[1]
        return Plan(channels: inputShape[1], height: inputShape[2], width: inputShape[3], outputHeight: oh, outputWidth: ow,
                    groupChannels: groupChannels, groupFilters: weight.shape[0] / group,
                    patch: groupChannels * window.kernel[0] * window.kernel[1])
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool) -> (output: Tensor, pullback: Pullback) {
        callAsFunction(input, mode: mode, needsInputGradient: needsInputGradient, needsParameterGradients: true)
    }

    public func callAsFunction(_ input: Tensor, mode: Mode, needsInputGradient: Bool, needsParameterGradients: Bool)
        -> (output: Tensor, pullback: Pullback) {
        let plan = plan(input.shape), n = input.batchSize, filters = weight.shape[0]
        let output = Tensor(shape: [n, filters, plan.outputHeight, plan.outputWidth],
                            scalars: forward(input.scalars, batch: n, plan))
        let layer = self
        return (output, { dy in
            let (dx, dw, db) = layer.backward(dy.scalars, input: input.scalars, batch: n, plan,
                                              needsInput: needsInputGradient, needsParameters: needsParameterGradients)
            let inputGradient = needsInputGradient ? Tensor(shape: input.shape, scalars: dx) : Tensor(shape: [0], scalars: [])
            guard needsParameterGradients else { return (inputGradient, []) }
            let dWeight = Tensor(shape: layer.weight.shape, scalars: dw)
            return (inputGradient, layer.bias == nil ? [dWeight] : [dWeight, Tensor(shape: [filters], scalars: db)])
        })
    }
}
