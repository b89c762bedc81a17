import ExplainTensor

extension ONNXLowering {
    /// The window of a 2-D Conv or pool over spatial `size`, with `auto_pad` resolved.
    func window(_ node: ONNXNodeContext, kernel: [Int], size: [Int]) throws(ExplainError) -> ONNXWindow {
        let strides = try node.ints("strides") ?? [1, 1], dilations = try node.ints("dilations") ?? [1, 1]
        guard kernel.count == 2, strides.count == 2, dilations.count == 2,
              (kernel + strides + dilations).allSatisfy({ $0 > 0 && $0 <= 1024 }) else {
            throw node.error("kernel_shape \(kernel), strides \(strides) and dilations \(dilations) must be two sizes in 1...1024")
        }
        var window = ONNXWindow(kernel: kernel, strides: strides, dilations: dilations, padsBegin: [0, 0], padsEnd: [0, 0])
        switch try node.string("auto_pad", "NOTSET") {
        case "NOTSET":
            let pads = try node.ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= 1024 }) else {
                throw node.error("pads \(pads) must be four sizes in 0...1024", code: .invalidModel)
            }
            window.padsBegin = Array(pads[0..<2])
            window.padsEnd = Array(pads[2..<4])
        case "VALID": break
        case let mode where mode == "SAME_UPPER" || mode == "SAME_LOWER":
            for i in 0..<2 {
                let out = (size[i] + strides[i] - 1) / strides[i]
                let total = max((out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - size[i], 0)
                let small = total / 2
                window.padsBegin[i] = mode == "SAME_UPPER" ? small : total - small
                window.padsEnd[i] = total - window.padsBegin[i]
            }
        case let mode: throw node.error("auto_pad \"\(mode)\"; supported: NOTSET, SAME_UPPER, SAME_LOWER, VALID")
        }
        guard window.outputSize(size[0], axis: 0) >= 1, window.outputSize(size[1], axis: 1) >= 1 else {
            throw node.error("the window does not fit the input's \(size[0])×\(size[1]) (with its padding)", code: .invalidModel)
        }
        return window
    }

    /// The NCHW shape of input 0, or an error saying that only 2-D images are supported.
    func image(_ node: ONNXNodeContext) throws(ExplainError) -> [Int] {
        let input = try shape(node, 0)
        try require(input.count == 4, node, "input has shape \(describe(input)); supported: 2-D NCHW inputs (4-D tensors)")
        return input
    }

    /// `Conv`: 2-D, constant weights, any groups, dilations, strides, pads or auto_pad.
    func conv(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let x = try image(node)
        guard case .constant(.float(let w)) = try required(node, 1), w.shape.count == 4 else {
            throw node.error("weights must be a constant 4-D float tensor")
        }
        let group = try node.int("group", 1)
        guard group > 0, x[1] % group == 0, w.shape[0] % group == 0, w.shape[1] * group == x[1] else {
            throw node.error("weights \(w.shape) with group \(group) do not fit \(x[1]) input channels", code: .invalidModel)
        }
        let kernel = try node.ints("kernel_shape") ?? Array(w.shape[2...])
        guard kernel == Array(w.shape[2...]) else {
            throw node.error("kernel_shape \(kernel) disagrees with the weights \(w.shape)", code: .invalidModel)
        }
        let window = try window(node, kernel: kernel, size: Array(x[2...]))
        var inputs = [try dataInput(node), node.inputs[1]]
        if let b = node.input(2) {
            guard case .constant(.float(let bias))? = values[b], bias.shape == [w.shape[0]] else {
                throw node.error("bias must be a constant float tensor of \(w.shape[0]) values")
            }
            inputs.append(b)
        }
        let shape = [x[0], w.shape[0], window.outputSize(x[2], axis: 0), window.outputSize(x[3], axis: 1)]
        return .operation(.conv(window, group: group), inputs: inputs, shape: shape)
    }

    /// `BatchNormalization` at inference, with constant statistics.
    func batchNormalization(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let x = try shape(node, 0)
        try require(x.count >= 2, node, "input has shape \(describe(x)); supported: [N, C, ...]")
        try require(try node.int("training_mode", 0) == 0, node, "training_mode=1; supported: inference (0)")
        for position in 1...4 {
            guard case .constant(.float(let t)) = try required(node, position), t.shape == [x[1]] else {
                throw node.error("scale, bias, mean and variance must be constant float tensors of \(x[1]) values")
            }
        }
        return .operation(.batchNormalization(epsilon: try node.float("epsilon", 1e-5)),
                          inputs: Array(node.inputs[0..<5]), shape: x)
    }

    /// `MaxPool` and `AveragePool`: 2-D, ceil_mode 0.
    func pool(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let x = try image(node)
        try require(try node.int("ceil_mode", 0) == 0, node, "ceil_mode=1; supported: ceil_mode 0")
        try require(try node.int("storage_order", 0) == 0, node, "storage_order=1; supported: 0 (row major)")
        guard let kernel = try node.ints("kernel_shape") else { throw node.error("needs kernel_shape", code: .invalidModel) }
        if node.opType == "AveragePool" {
            let dilations = try node.ints("dilations") ?? [1, 1]
            try require(dilations == [1, 1], node, "dilations \(dilations) on AveragePool; supported: 1")
        }
        let window = try window(node, kernel: kernel, size: Array(x[2...]))
        let shape = [x[0], x[1], window.outputSize(x[2], axis: 0), window.outputSize(x[3], axis: 1)]
        let operation: ONNXOperation = node.opType == "MaxPool"
            ? .maxPool(window) : .averagePool(window, countsPadding: try node.int("count_include_pad", 0) != 0)
        return .operation(operation, inputs: [try dataInput(node)], shape: shape)
    }

    /// `GlobalAveragePool`: the mean over every spatial axis.
    func globalAveragePool(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let x = try shape(node, 0)
        try require(x.count >= 3, node, "input has shape \(describe(x)); supported: [N, C, spatial...]")
        return .operation(.globalAveragePool, inputs: [try dataInput(node)], shape: Array(x[0..<2]) + [Int](repeating: 1, count: x.count - 2))
    }
}
