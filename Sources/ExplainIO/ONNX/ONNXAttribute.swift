import ExplainTensor

/// A node attribute's value, typed as the file declares it.
public enum ONNXAttribute: Sendable, Equatable {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case strings([String])
    case tensor(ONNXConstant)
    /// A graph, tensor list or other kind that no supported operator reads, by its ONNX type name.
    case other(String)
}

/// A constant tensor read from the file or folded at load time.
public enum ONNXConstant: Sendable, Equatable {
    /// A float tensor with its full shape (rank 0 for a scalar).
    case float(Tensor)
    /// An integer tensor (int64, int32, ...) with its full shape, as `Int`.
    case integer(shape: [Int], values: [Int])

    /// The full shape.
    public var shape: [Int] {
        switch self {
        case .float(let t): t.shape
        case .integer(let shape, _): shape
        }
    }
}
