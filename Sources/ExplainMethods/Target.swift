/// Which output an explanation is about.
public enum Target: Sendable, Equatable {
    /// The predicted class (argmax of the outputs), or output 0 for a single-output model.
    case predicted
    /// A fixed output index.
    case index(Int)

    /// The output index for a row with these outputs.
    public func resolve(outputs: [Float]) -> Int {
        switch self {
        case .index(let i): return i
        case .predicted:
            var best = 0
            for j in outputs.indices where outputs[j] > outputs[best] { best = j }
            return best
        }
    }
}
