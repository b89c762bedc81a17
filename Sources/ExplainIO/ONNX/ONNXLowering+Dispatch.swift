import ExplainTensor

extension ONNXLowering {
    /// The operators the reader supports, as the error for any other one lists them.
    static let supportedOperators = "Gemm, MatMul, Add, Sub, Mul, Div, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, "
        + "Gelu, Erf, Clip, Conv, BatchNormalization, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, "
        + "Transpose, Concat, Squeeze, Unsqueeze, Identity, Dropout, Cast, Constant, Shape and Gather on constants, "
        + "and ai.onnx.ml Scaler"

    /// Lowers one node by its operator.
    func outcome(of node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        if node.domain == "ai.onnx.ml" {
            switch node.opType {
            case "Scaler": return try scaler(node)
            case "ZipMap":
                throw node.error("ZipMap outputs a list of maps, not a tensor of probabilities; export the classifier "
                                 + "with skl2onnx option {'zipmap': False}")
            default: break
            }
        } else if node.domain.isEmpty {
            switch node.opType {
            case "Constant": return try constantNode(node)
            case "Shape": return try shapeOf(node)
            case "Gather": return try gather(node)
            case "Identity", "Dropout": return try identity(node)
            case "Cast": return try cast(node)
            case "Reshape": return try reshape(node)
            case "Flatten": return try flatten(node)
            case "Squeeze": return try squeeze(node)
            case "Unsqueeze": return try unsqueeze(node)
            case "Transpose": return try transpose(node)
            case "Concat": return try concat(node)
            case "Gemm": return try gemm(node)
            case "MatMul": return try matMul(node)
            case "Add", "Sub", "Mul", "Div": return try binary(node)
            case "Relu", "Sigmoid", "Tanh", "Erf", "LeakyRelu", "Gelu": return try unary(node)
            case "Clip": return try clip(node)
            case "Softmax", "LogSoftmax": return try softmax(node)
            case "Conv": return try conv(node)
            case "BatchNormalization": return try batchNormalization(node)
            case "MaxPool", "AveragePool": return try pool(node)
            case "GlobalAveragePool": return try globalAveragePool(node)
            default: break
            }
        }
        throw node.error("operator \(node.domain.isEmpty ? "" : node.domain + ".")\(node.opType) is not supported; "
                         + "supported: \(Self.supportedOperators)")
    }

    /// Refuses an attribute value outside the supported ones.
    func require(_ condition: Bool, _ node: ONNXNodeContext, _ what: String) throws(ExplainError) {
        guard condition else { throw node.error(what) }
    }

    /// The first input's name (the data input of most operators).
    func dataInput(_ node: ONNXNodeContext) throws(ExplainError) -> String {
        guard let name = node.input(0) else { throw node.error("needs input 0", code: .invalidModel) }
        return name
    }
}
