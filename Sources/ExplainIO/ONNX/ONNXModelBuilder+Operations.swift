import ExplainNN
import ExplainTensor

extension ONNXModelBuilder {
    /// Appends the layer of one node.
    mutating func add(_ node: ONNXNode) throws(ExplainError) {
        let batched = node.inputs.filter(isBatched)
        guard let x = batched.first else { throw unsupported(node, "expected at least one batched input") }
        let out = sampleShape(node.output), name = node.name
        switch node.operation {
        case let .gemm(alpha, beta, transA, transB):
            guard !transA, node.inputs.count >= 2, node.inputs[0] == x, !isBatched(node.inputs[1]) else {
                throw unsupported(node, "expected Gemm of the batch (transA = 0) with a constant B")
            }
            let b = try constant(node.inputs[1], of: node)
            let c = node.inputs.count > 2 ? try constant(node.inputs[2], of: node) : nil
            try appendDense(node, b: b, transB: transB, alpha: alpha, bias: c, beta: beta, input: x)
        case .matMul:
            guard node.inputs.count == 2, node.inputs[0] == x, !isBatched(node.inputs[1]) else {
                throw unsupported(node, "expected MatMul of the batch with a constant matrix")
            }
            let w = try constant(node.inputs[1], of: node)
            guard w.shape.count == 2 else { throw unsupported(node, "expected a 2-D constant matrix, got shape \(w.shape)") }
            if sampleShape(x).count == 1 {
                try appendDense(node, b: w, transB: false, alpha: 1, bias: nil, beta: 0, input: x)
            } else {
                append(MatMul(name: name, weight: w), reading: [x], producing: node.output)
            }
        case .add, .sub, .mul, .div:
            let op = Self.binary(node.operation)
            if batched.count == 2 {
                append(Broadcast(name: name, operation: op), reading: node.inputs, producing: node.output)
                return
            }
            let constantFirst = node.inputs[0] != x
            let c = try constant(node.inputs[constantFirst ? 0 : 1], of: node)
            if !constantFirst, let s = Self.standardization(op, c, sample: sampleShape(x), output: out) {
                append(Standardize(name: name, mean: s.mean, std: s.std), reading: [x], producing: node.output)
            } else {
                append(ConstantOperand(name: name, operation: op, constant: c, constantFirst: constantFirst),
                       reading: [x], producing: node.output)
            }
        case .relu: append(Activation(name: name, kind: .relu), reading: [x], producing: node.output)
        case .sigmoid: append(Activation(name: name, kind: .sigmoid), reading: [x], producing: node.output)
        case .tanh: append(Activation(name: name, kind: .tanh), reading: [x], producing: node.output)
        case .erf: append(Activation(name: name, kind: .erf), reading: [x], producing: node.output)
        case let .leakyRelu(alpha):
            append(Activation(name: name, kind: .leakyReLU(slope: alpha)), reading: [x], producing: node.output)
        case let .gelu(tanhApproximation):
            append(Activation(name: name, kind: .gelu(tanhApproximation: tanhApproximation)), reading: [x], producing: node.output)
        case let .clip(minimum, maximum):
            append(Activation(name: name, kind: .clip(minimum: minimum, maximum: maximum)), reading: [x], producing: node.output)
        case let .softmax(axis, isLog, coerces):
            let sample = sampleShape(x)
            if !isLog && axis == 1 && (coerces || sample.count == 1) {
                append(Softmax(name: name), reading: [x], producing: node.output)
            } else {
                append(AxisSoftmax(name: name, axis: axis - 1, isLog: isLog, coercesTrailingAxes: coerces),
                       reading: [x], producing: node.output)
            }
        case let .conv(window, group):
            try appendConvolution(node, window: window, group: group, input: x)
        case let .batchNormalization(epsilon):
            guard node.inputs.count == 5, node.inputs[0] == x else {
                throw unsupported(node, "expected the batch and four constant vectors")
            }
            let v = try (1..<5).map { i throws(ExplainError) in try constant(node.inputs[i], of: node).scalars }
            do throws(ExplainError) {
                let layer = try ChannelAffine.batchNormalization(name: name, gamma: v[0], beta: v[1], mean: v[2],
                                                                 variance: v[3], epsilon: epsilon)
                append(layer, reading: [x], producing: node.output)
            } catch {
                throw unsupported(node, error.message)
            }
        case let .maxPool(window):
            appendPool(node, .max, window: window, countsPadding: false, input: x)
        case let .averagePool(window, countsPadding):
            appendPool(node, .average, window: window, countsPadding: countsPadding, input: x)
        case .globalAveragePool:
            append(GlobalAveragePool(name: name), reading: [x], producing: node.output)
        case .reshape:
            if sampleShape(x).count == 3 && out.count == 1 {
                append(Flatten(name: name), reading: [x], producing: node.output)
            } else {
                append(Reshape(name: name, shape: out), reading: [x], producing: node.output)
            }
        case let .transpose(permutation):
            append(Transpose(name: name, permutation: permutation.dropFirst().map { $0 - 1 }), reading: [x],
                   producing: node.output)
        case let .concat(axis):
            guard batched.count == node.inputs.count else {
                throw unsupported(node, "expected every input of Concat to be batched, not a constant")
            }
            append(Concat(name: name, axis: axis - 1), reading: node.inputs, producing: node.output)
        case .identity:
            append(Identity(name: name), reading: [x], producing: node.output)
        case let .scaler(offset, scale):
            let width = sampleShape(x).last ?? 1
            let o = offset.count == 1 ? [Float](repeating: offset[0], count: width) : offset
            let s = scale.count == 1 ? [Float](repeating: scale[0], count: width) : scale
            if sampleShape(x).count == 1, s.allSatisfy({ $0 > 0 && (1 / $0).isFinite }) {
                append(Standardize(name: name, mean: o, std: s.map { 1 / $0 }), reading: [x], producing: node.output)
            } else {
                append(ConstantOperand(name: "\(name).offset", operation: .sub, constant: Tensor(shape: [width], scalars: o)),
                       reading: [x], producing: "\(node.output).offset")
                append(ConstantOperand(name: name, operation: .mul, constant: Tensor(shape: [width], scalars: s)),
                       reading: ["\(node.output).offset"], producing: node.output)
            }
        }
    }

    /// A MatMul (`biasNode` its Add) as one dense layer named after the Add, producing the Add's output.
    mutating func addDense(_ node: ONNXNode, biasNode: ONNXNode) throws(ExplainError) {
        let w = try constant(node.inputs[1], of: node)
        let biasName = biasNode.inputs.first { $0 != node.output } ?? ""
        let bias = try constant(biasName, of: biasNode)
        var renamed = biasNode
        renamed.name = node.name
        try appendDense(renamed, b: w, transB: false, alpha: 1, bias: bias, beta: 1, input: node.inputs[0])
    }

    /// y = alpha·x·op(B) + beta·C as a dense layer (weight `[n, k]`).
    mutating func appendDense(_ node: ONNXNode, b: Tensor, transB: Bool, alpha: Float, bias: Tensor?, beta: Float,
                              input x: String) throws(ExplainError) {
        guard b.shape.count == 2 else { throw unsupported(node, "expected a 2-D B, got shape \(b.shape)") }
        let (k, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        var weight = [Float](repeating: 0, count: n * k)
        for o in 0..<n {
            for i in 0..<k { weight[o * k + i] = alpha * b.scalars[transB ? o * k + i : i * n + o] }
        }
        var values = [Float](repeating: 0, count: n)
        if let bias {
            guard bias.count == n || bias.count == 1 else {
                throw unsupported(node, "expected a bias of \(n) values or one, got shape \(bias.shape)")
            }
            for o in 0..<n { values[o] = beta * bias.scalars[bias.count == 1 ? 0 : o] }
        }
        append(Dense(name: node.name, weight: Tensor(shape: [n, k], scalars: weight), bias: Tensor(shape: [n], scalars: values)),
               reading: [x], producing: node.output)
    }
}
