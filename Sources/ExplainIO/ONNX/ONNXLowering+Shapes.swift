import ExplainTensor

extension ONNXLowering {
    /// `Constant`: its value attribute.
    func constantNode(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        switch (node.attributes["value"], node.attributes["value_float"], node.attributes["value_floats"],
                node.attributes["value_int"], node.attributes["value_ints"]) {
        case (.tensor(let c)?, _, _, _, _): return .constant(c)
        case (_, .float(let f)?, _, _, _): return .constant(.float(Tensor(shape: [], scalars: [f])))
        case (_, _, .floats(let f)?, _, _): return .constant(.float(Tensor(shape: [f.count], scalars: f)))
        case (_, _, _, .int(let i)?, _): return .constant(.integer(shape: [], values: [i]))
        case (_, _, _, _, .ints(let i)?): return .constant(.integer(shape: [i.count], values: i))
        default: throw node.error("supported Constant attributes: value (a float or integer tensor), value_float, "
                                  + "value_floats, value_int, value_ints")
        }
    }

    /// `Shape` (with opset 15's start and end): the input's dimensions, the batch as its symbol.
    func shapeOf(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let dims = try shape(node, 0), rank = dims.count
        func clamp(_ i: Int) -> Int { min(max(i < 0 ? i + rank : i, 0), rank) }
        let start = clamp(try node.int("start", 0)), end = clamp(try node.int("end", rank))
        let slice = start < end ? Array(dims[start..<end]) : []
        return .constant(.integer(shape: [slice.count], values: slice))
    }

    /// `Gather` on a constant (the `Shape → Gather` pattern and constant tables).
    func gather(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        guard case .constant(let data) = try required(node, 0),
              case .constant(.integer(let indicesShape, let indices)) = try required(node, 1) else {
            throw node.error("Gather is supported only on constant data with constant indices (as in PyTorch's "
                             + "Shape → Gather → Unsqueeze → Concat)")
        }
        let axis = try node.axis(try node.int("axis", 0), rank: data.shape.count)
        let size = data.shape[axis]
        var resolved: [Int] = []
        for i in indices {
            let j = i < 0 ? i + size : i
            guard j >= 0, j < size else { throw node.error("index \(i) is outside axis \(axis) of size \(size)", code: .invalidModel) }
            resolved.append(j)
        }
        return .constant(data.gathered(resolved, indicesShape: indicesShape, axis: axis))
    }

    /// `Identity`, and `Dropout` at inference.
    func identity(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        switch try required(node, 0) {
        case .constant(let c): return .constant(c)
        case .batched(let s): return .operation(.identity, inputs: [try dataInput(node)], shape: s)
        }
    }

    /// `Cast` between float types (computed in float32), and between integer types or integer to float on constants.
    func cast(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let target = try node.int("to", 0)
        let floatTargets = [1, 11], integerTargets = [2, 3, 4, 5, 6, 7, 12, 13]
        switch try required(node, 0) {
        case .constant(.integer(let shape, let values)) where integerTargets.contains(target):
            return .constant(.integer(shape: shape, values: values))
        case .constant(.integer(let shape, let values)) where floatTargets.contains(target) && !values.contains(Self.batch):
            return .constant(.float(Tensor(shape: shape, scalars: values.map(Float.init))))
        case .constant(.float(let t)) where floatTargets.contains(target):
            return .constant(.float(t))
        case .batched(let s) where floatTargets.contains(target):
            return .operation(.identity, inputs: [try dataInput(node)], shape: s)
        default:
            throw node.error("Cast to \(ONNXConstant.elementTypeName(Int32(truncatingIfNeeded: target))) is not supported; "
                             + "supported: float to float or double (computed in float32), integer constants to integer or float")
        }
    }

    /// The same data with a new full shape: folded for a constant, `.reshape` for a batched tensor.
    func reshaped(_ node: ONNXNodeContext, to shape: [Int]) throws(ExplainError) -> Outcome {
        switch try required(node, 0) {
        case .constant(let c): return .constant(c.reshaped(shape))
        case .batched: return .operation(.reshape, inputs: [try dataInput(node)], shape: shape)
        }
    }

    /// `Reshape` with a constant or foldable target: 0 copies a dimension, -1 is inferred, and the batch is the batch.
    func reshape(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let input = try shape(node, 0)
        guard let target = try integers(node, 1, role: "the target shape") else {
            throw node.error("needs a shape input", code: .invalidModel)
        }
        let allowsZero = try node.int("allowzero", 0) != 0
        let isBatched = input.first == Self.batch
        var out: [Int] = [], inferred: Int?
        for (i, t) in target.enumerated() {
            switch t {
            case 0 where !allowsZero:
                guard i < input.count else { throw node.error("target \(target) copies dimension \(i) of a rank-\(input.count) input") }
                out.append(input[i])
            case -1 where inferred == nil:
                inferred = i
                out.append(1)
            case Self.batch: out.append(t)
            case let size where size > 0:
                // A fixed-batch export spells the batch out as the declared batch size.
                out.append(isBatched && i == 0 && size == declaredBatchSize && !target.contains(Self.batch) ? Self.batch : size)
            default: throw node.error("target shape \(target) is not supported (allowzero=\(allowsZero ? 1 : 0))")
            }
        }
        let total = isBatched ? input.dropFirst().reduce(1, *) : input.reduce(1, *)
        if let i = inferred {
            let known = out.filter { $0 != Self.batch }.reduce(1, *)
            if isBatched, i == 0, !out.contains(Self.batch), known == total {
                out[0] = Self.batch
            } else {
                guard known > 0, total % known == 0 else { throw node.error("cannot reshape \(describe(input)) to \(target)") }
                out[i] = total / known
            }
        }
        let outBatch = out.filter { $0 == Self.batch }.count
        guard outBatch == (isBatched ? 1 : 0), out.filter({ $0 != Self.batch }).reduce(1, *) == total else {
            throw node.error("cannot reshape \(describe(input)) to \(target) with the batch kept first")
        }
        return try reshaped(node, to: out)
    }

    /// The product of `dims`, or the batch symbol when it is among them and the rest are 1; nil when the batch would
    /// merge with other dimensions.
    func merged(_ dims: ArraySlice<Int>) -> Int? {
        guard dims.contains(Self.batch) else { return dims.reduce(1, *) }
        return dims.filter { $0 != Self.batch }.reduce(1, *) == 1 ? Self.batch : nil
    }

    /// `Flatten`: [prod(dims before axis), prod(dims from axis)].
    func flatten(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let input = try shape(node, 0)
        let raw = try node.int("axis", 1)
        let axis = raw < 0 ? raw + input.count : raw
        guard axis >= 0, axis <= input.count else { throw node.error("axis \(raw) is outside rank \(input.count)", code: .invalidModel) }
        guard let outer = merged(input[..<axis]), let inner = merged(input[axis...]) else {
            throw node.error("axis \(raw) would merge the batch dimension with others; ExplainKit keeps the batch first")
        }
        return try reshaped(node, to: [outer, inner])
    }

    /// The axes of Squeeze or Unsqueeze: an attribute before opset 13, an input from it.
    func axesList(_ node: ONNXNodeContext) throws(ExplainError) -> [Int]? {
        node.opset < 13 ? try node.ints("axes") : try integers(node, 1, role: "axes")
    }

    /// `Squeeze`: the named size-1 axes removed, or all of them.
    func squeeze(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let input = try shape(node, 0)
        var drop = Set<Int>()
        if let axes = try axesList(node) {
            for a in axes {
                let axis = try node.axis(a, rank: input.count, key: "axes")
                guard input[axis] == 1 else { throw node.error("axis \(a) has size \(describe([input[axis]])), not 1") }
                drop.insert(axis)
            }
        } else {
            drop = Set(input.indices.filter { input[$0] == 1 })
        }
        return try reshaped(node, to: input.indices.filter { !drop.contains($0) }.map { input[$0] })
    }

    /// `Unsqueeze`: size-1 axes inserted at the named output positions.
    func unsqueeze(_ node: ONNXNodeContext) throws(ExplainError) -> Outcome {
        let input = try shape(node, 0)
        guard let axes = try axesList(node) else { throw node.error("needs axes", code: .invalidModel) }
        let rank = input.count + axes.count
        var inserted = Set<Int>()
        for a in axes {
            guard inserted.insert(try node.axis(a, rank: rank, key: "axes")).inserted else {
                throw node.error("axes \(axes) repeat an axis", code: .invalidModel)
            }
        }
        var rest = input.makeIterator(), out: [Int] = []
        for i in 0..<rank { out.append(inserted.contains(i) ? 1 : rest.next() ?? 1) }
        return try reshaped(node, to: out)
    }
}
