import ExplainTensor

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

extension Target {
    /// The output index this target picks among `outputs` (raw model outputs), checked: in range, and `names`
    /// (when given) one per output. The results of KernelSHAP and the perturbation methods share it.
    /// - Throws: `ExplainError(.invalidArgument)` at `<method>.target` or `<method>.outputNames`.
    func checkedIndex(outputs: [Double], names: [String]?, method: String) throws(ExplainError) -> Int {
        let index = resolve(outputs: outputs.map { Float($0) })
        guard outputs.indices.contains(index) else {
            throw ExplainError(.invalidArgument, "target \(index) is out of range for \(outputs.count) outputs",
                               at: "\(method).target")
        }
        if let names, names.count != outputs.count {
            throw ExplainError(.invalidArgument, "\(names.count) output names for \(outputs.count) outputs",
                               at: "\(method).outputNames")
        }
        return index
    }
}
