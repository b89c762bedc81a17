import ExplainTensor

/// Data movement on row-major arrays of any element type: the part of ONNX's operators shared by float tensors and
/// the integer tensors of shape computations.
enum ONNXArrayOps {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        return strides
    }

    /// `values` of `shape` with axes permuted: output axis i is input axis `permutation[i]`.
    static func transpose<T>(_ values: [T], shape: [Int], permutation: [Int]) -> [T] {
        guard let first = values.first else { return [] }
        let inStrides = strides(shape)
        let outShape = permutation.map { shape[$0] }
        let moved = permutation.map { inStrides[$0] }
        var out = [T](repeating: first, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for o in 0..<values.count {
            var offset = 0
            for i in 0..<index.count { offset += index[i] * moved[i] }
            out[o] = values[offset]
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }

    /// Arrays of equal shape except along `axis`, joined along it.
    static func concat<T>(_ parts: [(values: [T], shape: [Int])], axis: Int) -> [T] {
        guard let first = parts.first else { return [] }
        let outer = first.shape[..<axis].reduce(1, *)
        var out: [T] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.values.count })
        for o in 0..<outer {
            for part in parts {
                let chunk = part.shape[axis...].reduce(1, *)
                out.append(contentsOf: part.values[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        return out
    }

    /// numpy `take(values, indices, axis)` with indices already non-negative.
    static func gather<T>(_ values: [T], shape: [Int], indices: [Int], axis: Int) -> [T] {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var out: [T] = []
        out.reserveCapacity(outer * indices.count * inner)
        for o in 0..<outer {
            for i in indices {
                let start = (o * shape[axis] + i) * inner
                out.append(contentsOf: values[start..<(start + inner)])
            }
        }
        return out
    }
}

extension ONNXConstant {
    /// The same values with another shape of equal size.
    func reshaped(_ shape: [Int]) -> ONNXConstant {
        switch self {
        case .float(let t): .float(Tensor(shape: shape, scalars: t.scalars))
        case .integer(_, let v): .integer(shape: shape, values: v)
        }
    }

    /// The axes permuted.
    func transposed(_ permutation: [Int]) -> ONNXConstant {
        let newShape = permutation.map { shape[$0] }
        switch self {
        case .float(let t):
            return .float(Tensor(shape: newShape, scalars: ONNXArrayOps.transpose(t.scalars, shape: t.shape, permutation: permutation)))
        case .integer(let s, let v):
            return .integer(shape: newShape, values: ONNXArrayOps.transpose(v, shape: s, permutation: permutation))
        }
    }

    /// numpy `take` along `axis` with non-negative `indices` of shape `indicesShape`.
    func gathered(_ indices: [Int], indicesShape: [Int], axis: Int) -> ONNXConstant {
        let newShape = Array(shape[..<axis]) + indicesShape + Array(shape[(axis + 1)...])
        switch self {
        case .float(let t):
            return .float(Tensor(shape: newShape, scalars: ONNXArrayOps.gather(t.scalars, shape: t.shape, indices: indices, axis: axis)))
        case .integer(let s, let v):
            return .integer(shape: newShape, values: ONNXArrayOps.gather(v, shape: s, indices: indices, axis: axis))
        }
    }

    /// Constants of one kind joined along `axis` into `shape`, or nil when float and integer tensors mix.
    static func concatenated(_ parts: [ONNXConstant], axis: Int, shape: [Int]) -> ONNXConstant? {
        var floats: [(values: [Float], shape: [Int])] = [], integers: [(values: [Int], shape: [Int])] = []
        for part in parts {
            switch part {
            case .float(let t): floats.append((t.scalars, t.shape))
            case .integer(let s, let v): integers.append((v, s))
            }
        }
        if integers.isEmpty { return .float(Tensor(shape: shape, scalars: ONNXArrayOps.concat(floats, axis: axis))) }
        if floats.isEmpty { return .integer(shape: shape, values: ONNXArrayOps.concat(integers, axis: axis)) }
        return nil
    }
}
