import ExplainNN
import ExplainTensor

extension ONNXModelBuilder {
    /// A Conv node: `conv2d` for one group, no dilation, equal strides and the same padding on every side; the
    /// general convolution otherwise.
    mutating func appendConvolution(_ node: ONNXNode, window: ONNXWindow, group: Int, input x: String) throws(ExplainError) {
        guard node.inputs.count >= 2, node.inputs[0] == x else { throw unsupported(node, "expected the batch and constant weights") }
        let w = try constant(node.inputs[1], of: node)
        let bias = node.inputs.count > 2 ? try constant(node.inputs[2], of: node) : nil
        guard w.shape.count == 4, group > 0, w.shape[0] % group == 0, bias.map({ $0.count == w.shape[0] }) ?? true else {
            throw unsupported(node, "expected weights [M, C/group, kh, kw] and a bias [M], got \(w.shape) and \(bias?.shape ?? [])")
        }
        let biasVector = bias.map { Tensor(shape: [w.shape[0]], scalars: $0.scalars) }
        let pads = window.padsBegin + window.padsEnd
        if group == 1, window.dilations.allSatisfy({ $0 == 1 }), window.strides[0] == window.strides[1],
           pads.allSatisfy({ $0 == pads[0] }), window.strides[0] <= Conv2D.maximumStrideOrPadding,
           pads[0] <= Conv2D.maximumStrideOrPadding {
            append(Conv2D(name: node.name, weight: w, bias: biasVector ?? Tensor(shape: [w.shape[0]], repeating: 0),
                          stride: window.strides[0], padding: pads[0]),
                   reading: [x], producing: node.output)
        } else {
            append(Convolution(name: node.name, weight: w, bias: biasVector, strides: window.strides,
                               dilations: window.dilations, padsBegin: window.padsBegin, padsEnd: window.padsEnd, group: group),
                   reading: [x], producing: node.output)
        }
    }

    /// A MaxPool or AveragePool node: the pooling layer for a square window without padding or dilation and equal
    /// strides; the general window pooling otherwise.
    mutating func appendPool(_ node: ONNXNode, _ reduction: Pool2D.Reduction, window: ONNXWindow, countsPadding: Bool,
                             input x: String) {
        let plain = window.kernel[0] == window.kernel[1] && window.strides[0] == window.strides[1]
            && window.dilations.allSatisfy { $0 == 1 } && (window.padsBegin + window.padsEnd).allSatisfy { $0 == 0 }
        if plain {
            append(Pool2D(name: node.name, reduction: reduction, kernel: window.kernel[0], stride: window.strides[0]),
                   reading: [x], producing: node.output)
        } else {
            append(WindowPool(name: node.name, reduction: reduction, kernel: window.kernel, strides: window.strides,
                              dilations: window.dilations, padsBegin: window.padsBegin, padsEnd: window.padsEnd,
                              countsPadding: countsPadding),
                   reading: [x], producing: node.output)
        }
    }

    /// The broadcast operation of a binary ONNX operation.
    static func binary(_ operation: ONNXOperation) -> Broadcast.Operation {
        switch operation {
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        default: .add
        }
    }

    /// x ∘ c as a standardisation (x − mean) / std, when c is one value or one per value of the sample (in the
    /// sample's shape) and std comes out positive and finite.
    static func standardization(_ op: Broadcast.Operation, _ c: Tensor, sample: [Int],
                                output: [Int]) -> (mean: [Float], std: [Float])? {
        let width = sample.reduce(1, *)
        let trimmed = Array(c.shape.drop { $0 == 1 })
        guard output == sample, c.count == 1 || (c.count == width && trimmed == Array(sample.drop { $0 == 1 })) else {
            return nil
        }
        let values = c.count == 1 ? [Float](repeating: c.scalars[0], count: width) : c.scalars
        let zeros = [Float](repeating: 0, count: width), ones = [Float](repeating: 1, count: width)
        let result: (mean: [Float], std: [Float])
        switch op {
        case .sub: result = (values, ones)
        case .add: result = (values.map { -$0 }, ones)
        case .div: result = (zeros, values)
        case .mul: result = (zeros, values.map { 1 / $0 })
        }
        guard result.std.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        return result
    }
}
