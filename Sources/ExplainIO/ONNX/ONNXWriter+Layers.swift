import ExplainNN
import ExplainTensor
import ONNXProto

extension ONNXWriter {
    /// The layer types that have an ONNX form, as the refusal of any other lists them.
    static let exportedTypes = "standardize, dense, conv2d, maxpool2d, avgpool2d, flatten, dropout, relu, leaky_relu, "
        + "tanh, sigmoid, softmax"

    /// Adds the nodes of one layer, reading tensor `input` (one sample of `inputShape`) and writing `output`.
    ///
    /// | layer | ONNX |
    /// |---|---|
    /// | standardize | Sub `<name>.mean`, then Div `<name>.std` (both shaped like the input, so `[C, H, W]` broadcasts) |
    /// | dense | Gemm with `transB = 1`: `<name>.weight` `[out, in]`, `<name>.bias` `[out]` |
    /// | conv2d | Conv: `kernel_shape`, `strides`, `pads` (the same on all four sides) |
    /// | maxpool2d, avgpool2d | MaxPool, AveragePool: `kernel_shape`, `strides`, no padding |
    /// | flatten | Flatten, `axis = 1` |
    /// | dropout | Identity (dropout is the identity at inference) |
    /// | relu, tanh, sigmoid, leaky_relu | Relu, Tanh, Sigmoid, LeakyRelu with `alpha` = slope |
    /// | softmax | Softmax, `axis = 1`; on a `[C, H, W]` input, Flatten → Softmax → Reshape, since ours normalises over the whole sample |
    ///
    /// - Throws: `ExplainError(.unsupported)` at `layers[index]` for any other layer.
    static func emit(_ layer: any Layer, index: Int, input: String, inputShape: [Int], output: String, node: String,
                     into builder: inout ONNXGraphBuilder) throws(ExplainError) {
        typealias B = ONNXGraphBuilder
        switch layer {
        case let l as Standardize:
            let mean = builder.floatInitializer("\(node).mean", shape: inputShape, values: l.mean)
            let std = builder.floatInitializer("\(node).std", shape: inputShape, values: l.std)
            let centered = builder.tensorName("\(node)/centered")
            builder.node("Sub", name: builder.nodeName("\(node)/sub"), inputs: [input, mean], output: centered)
            builder.node("Div", name: node, inputs: [centered, std], output: output)
        case let l as Dense:
            let weight = builder.floatInitializer("\(node).weight", shape: l.weight.shape, values: l.weight.scalars)
            let bias = builder.floatInitializer("\(node).bias", shape: l.bias.shape, values: l.bias.scalars)
            builder.node("Gemm", name: node, inputs: [input, weight, bias], output: output,
                         attributes: [B.attribute("transB", int: 1)])
        case let l as Conv2D:
            let weight = builder.floatInitializer("\(node).weight", shape: l.weight.shape, values: l.weight.scalars)
            let bias = builder.floatInitializer("\(node).bias", shape: l.bias.shape, values: l.bias.scalars)
            builder.node("Conv", name: node, inputs: [input, weight, bias], output: output, attributes: [
                B.attribute("kernel_shape", ints: Array(l.weight.shape[2...])),
                B.attribute("pads", ints: [Int](repeating: l.padding, count: 4)),
                B.attribute("strides", ints: [l.stride, l.stride]),
            ])
        case let l as Pool2D:
            builder.node(l.reduction == .max ? "MaxPool" : "AveragePool", name: node, inputs: [input], output: output,
                         attributes: [B.attribute("kernel_shape", ints: [l.kernel, l.kernel]),
                                      B.attribute("strides", ints: [l.stride, l.stride])])
        case is Flatten:
            builder.node("Flatten", name: node, inputs: [input], output: output, attributes: [B.attribute("axis", int: 1)])
        case is Dropout:
            builder.node("Identity", name: node, inputs: [input], output: output)
        case let l as Activation:
            switch l.kind {
            case .relu: builder.node("Relu", name: node, inputs: [input], output: output)
            case .tanh: builder.node("Tanh", name: node, inputs: [input], output: output)
            case .sigmoid: builder.node("Sigmoid", name: node, inputs: [input], output: output)
            case .leakyReLU(let slope):
                builder.node("LeakyRelu", name: node, inputs: [input], output: output,
                             attributes: [B.attribute("alpha", float: slope)])
            case .gelu, .erf, .clip:
                throw ExplainError(.unsupported, "layer \(Echo.quoted(layer.name)) of type \(Echo.quoted(layer.type)) has no "
                                   + "ONNX form here; exported types: \(exportedTypes)", at: "layers[\(index)]")
            }
        case is Softmax:
            emitSoftmax(input: input, inputShape: inputShape, output: output, node: node, into: &builder)
        default:
            throw ExplainError(.unsupported, "layer \(Echo.quoted(layer.name)) of type \(Echo.quoted(layer.type)) has no "
                               + "ONNX form; exported types: \(exportedTypes)", at: "layers[\(index)]")
        }
    }

    /// Softmax over each sample's flattened values: ONNX's Softmax (opset 13 on) normalises over one axis, so a
    /// `[C, H, W]` sample is flattened first and its shape restored after.
    static func emitSoftmax(input: String, inputShape: [Int], output: String, node: String,
                            into builder: inout ONNXGraphBuilder) {
        let axis = ONNXGraphBuilder.attribute("axis", int: 1)
        guard inputShape.count > 1 else {
            builder.node("Softmax", name: node, inputs: [input], output: output, attributes: [axis])
            return
        }
        let flat = builder.tensorName("\(node)/flat")
        builder.node("Flatten", name: builder.nodeName("\(node)/flatten"), inputs: [input], output: flat, attributes: [axis])
        let normalised = builder.tensorName("\(node)/flat_softmax")
        builder.node("Softmax", name: node, inputs: [flat], output: normalised, attributes: [axis])
        // 0 copies the batch dimension (Reshape's allowzero = 0).
        let shape = builder.integerInitializer("\(node).shape", values: [0] + inputShape)
        builder.node("Reshape", name: builder.nodeName("\(node)/reshape"), inputs: [normalised, shape], output: output)
    }
}
