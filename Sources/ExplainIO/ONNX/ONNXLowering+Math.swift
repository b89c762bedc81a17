import ExplainTensor

extension ONNXLowering {
    /// numpy broadcasting of two full shapes.
    func broadcast(_ a: [Int], _ b: [Int], _ node: ONNXNodeContext) throws(ExplainError) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else {
                let batch = x == Self.batch || y == Self.batch ? " (a constant would broadcast over the batch dimension)" : ""
                throw node.error("shapes \(describe(a)) and \(describe(b)) do not broadcast\(batch)", code: .invalidModel)
            }
            out.append(x == 1 ? y : x)
        }
        return out
    }

    /// `Add`, `Sub`, `Mul`, `Div` with numpy broadcasting.
    func binary(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let operation: ONNXOperation = switch node.opType {
        case "Add": .add
        case "Sub": .sub
        case "Mul": .mul
        default: .div
        }
        let shape = try broadcast(try shape(node, 0), try shape(node, 1), node)
        return .operation(operation, inputs: [try dataInput(node), node.inputs[1]], shape: shape)
    }

    /// `Gemm`: alpha·op(A)·op(B) + beta·C over 2-D A and B.
    func gemm(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let a = try shape(node, 0), b = try shape(node, 1)
        guard a.count == 2, b.count == 2 else {
            throw node.error("A and B must be 2-D, got \(describe(a)) and \(describe(b))", code: .invalidModel)
        }
        let transA = try node.int("transA", 0) != 0, transB = try node.int("transB", 0) != 0
        let (m, k) = transA ? (a[1], a[0]) : (a[0], a[1])
        let (k2, n) = transB ? (b[1], b[0]) : (b[0], b[1])
        try require(k != Self.batch && k2 != Self.batch, node, "would contract the batch dimension (transA/transB on a batched input)")
        guard k == k2 else { throw node.error("inner sizes differ: \(describe(a)) and \(describe(b))", code: .invalidModel) }
        var inputs = [try dataInput(node), node.inputs[1]]
        if let c = node.input(2) {
            let cShape = try shape(node, 2)
            guard try broadcast(cShape, [m, n], node) == [m, n] else {
                throw node.error("C of shape \(describe(cShape)) does not broadcast to \(describe([m, n]))", code: .invalidModel)
            }
            inputs.append(c)
        }
        let operation = ONNXOperation.gemm(alpha: try node.float("alpha", 1), beta: try node.float("beta", 1),
                                           transA: transA, transB: transB)
        return .operation(operation, inputs: inputs, shape: [m, n])
    }

    /// `MatMul` with numpy semantics.
    func matMul(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let a0 = try shape(node, 0), b0 = try shape(node, 1)
        guard !a0.isEmpty, !b0.isEmpty else { throw node.error("inputs must not be scalars", code: .invalidModel) }
        let a = a0.count == 1 ? [1] + a0 : a0, b = b0.count == 1 ? b0 + [1] : b0
        let k = a[a.count - 1], k2 = b[b.count - 2]
        try require(k != Self.batch && k2 != Self.batch, node, "would contract the batch dimension")
        guard k == k2 else { throw node.error("inner sizes differ: \(describe(a0)) and \(describe(b0))", code: .invalidModel) }
        var out = try broadcast(Array(a.dropLast(2)), Array(b.dropLast(2)), node)
        if a0.count > 1 { out.append(a[a.count - 2]) }
        if b0.count > 1 { out.append(b[b.count - 1]) }
        return .operation(.matMul, inputs: [try dataInput(node), node.inputs[1]], shape: out)
    }

    /// Elementwise activations.
    func unary(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let operation: ONNXOperation
        switch node.opType {
        case "Relu": operation = .relu
        case "Sigmoid": operation = .sigmoid
        case "Tanh": operation = .tanh
        case "Erf": operation = .erf
        case "LeakyRelu": operation = .leakyRelu(alpha: try node.float("alpha", 0.01))
        default:
            let approximate = try node.string("approximate", "none")
            try require(approximate == "none" || approximate == "tanh", node, "approximate=\"\(approximate)\"; supported: none, tanh")
            operation = .gelu(tanhApproximation: approximate == "tanh")
        }
        return .operation(operation, inputs: [try dataInput(node)], shape: try shape(node, 0))
    }

    /// `Clip` with constant bounds (inputs 1 and 2), either of which may be omitted.
    func clip(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        func bound(_ position: Int, _ fallback: Float) throws(ExplainError) -> Float {
            guard let name = node.input(position) else { return fallback }
            guard case .constant(.float(let t))? = values[name], t.count == 1 else {
                throw node.error("bound \"\(name)\" must be a constant float scalar")
            }
            return t.scalars[0]
        }
        let operation = ONNXOperation.clip(minimum: try bound(1, -.infinity), maximum: try bound(2, .infinity))
        return .operation(operation, inputs: [try dataInput(node)], shape: try shape(node, 0))
    }

    /// `Softmax` and `LogSoftmax` over `axis` (opset 13 on), or over the axes from `axis` on taken as one (before).
    func softmax(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let input = try shape(node, 0)
        let axis = try node.axis(try node.int("axis", node.opset >= 13 ? -1 : 1), rank: input.count)
        try require(input.first != Self.batch || axis > 0, node, "axis 0 normalises across the batch; supported: an axis after the batch")
        let operation = ONNXOperation.softmax(axis: axis, isLog: node.opType == "LogSoftmax",
                                              coercesTrailingAxes: node.opset < 13 && axis != input.count - 1)
        return .operation(operation, inputs: [try dataInput(node)], shape: input)
    }

    /// `ai.onnx.ml` Scaler: (x − offset)·scale over the last axis.
    func scaler(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let input = try shape(node, 0)
        let width = input.last ?? 1
        let offset = try node.floats("offset") ?? [0], scale = try node.floats("scale") ?? [1]
        guard [1, width].contains(offset.count), [1, width].contains(scale.count) else {
            throw node.error("offset (\(offset.count)) and scale (\(scale.count)) must have 1 or \(width) values", code: .invalidModel)
        }
        return .operation(.scaler(offset: offset, scale: scale), inputs: [try dataInput(node)], shape: input)
    }
}
