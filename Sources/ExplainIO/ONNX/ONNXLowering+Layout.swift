import ExplainTensor

extension ONNXLowering {
    /// `Transpose`: `perm`, reversing the axes by default.
    func transpose(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let input = try shape(node, 0)
        let perm = try node.ints("perm") ?? Array(input.indices.reversed())
        guard perm.sorted() == Array(input.indices) else {
            throw node.error("perm \(perm) is not a permutation of \(input.count) axes", code: .invalidModel)
        }
        switch try required(node, 0) {
        case .constant(let c): return .constant(c.transposed(perm))
        case .batched: return .operation(.transpose(permutation: perm), inputs: [try dataInput(node)], shape: perm.map { input[$0] })
        }
    }

    /// `Concat` along `axis`: of constants (folded), or of batched tensors along an axis after the batch.
    func concat(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let names = node.inputs.filter { !$0.isEmpty }
        guard let first = names.first, let firstValue = values[first] else {
            throw node.error("needs at least one input", code: .invalidModel)
        }
        let rank: Int
        switch firstValue {
        case .batched(let s): rank = s.count
        case .constant(let c): rank = c.shape.count
        }
        guard let rawAxis = node.attributes["axis"], case .int(let a) = rawAxis else {
            throw node.error("needs an int axis", code: .invalidModel)
        }
        let axis = try node.axis(a, rank: rank)
        var shapes: [[Int]] = [], constants: [ONNXConstant] = []
        for (i, name) in names.enumerated() {
            switch values[name] {
            case .batched(let s)?: shapes.append(s)
            case .constant(let c)?:
                shapes.append(c.shape)
                constants.append(c)
            case nil: throw node.error("input \"\(name)\" is not defined by the graph", code: .invalidModel)
            }
            guard shapes[i].count == rank,
                  shapes[i].indices.allSatisfy({ $0 == axis || shapes[i][$0] == shapes[0][$0] }) else {
                throw node.error("input shapes \(shapes.map(describe).joined(separator: ", ")) differ outside axis \(a)",
                                 code: .invalidModel)
            }
        }
        var out = shapes[0]
        if constants.count == names.count {
            out[axis] = shapes.reduce(0) { $0 + $1[axis] }
            guard let joined = ONNXConstant.concatenated(constants, axis: axis, shape: out) else {
                throw node.error("joins float and integer tensors", code: .invalidModel)
            }
            return .constant(joined)
        }
        try require(constants.isEmpty, node, "joins constant and batched tensors; supported: Concat of batched tensors only")
        try require(axis > 0, node, "axis \(a) joins along the batch dimension; supported: an axis after the batch")
        out[axis] = shapes.reduce(0) { $0 + $1[axis] }
        return .operation(.concat(axis: axis), inputs: names, shape: out)
    }
}
