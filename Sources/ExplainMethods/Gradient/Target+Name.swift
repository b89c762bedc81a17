import ExplainTensor

extension Target {
    /// The target a user named: an output name, or a 0-based output index written as digits.
    ///
    /// A name takes precedence over an index when an output is itself called `"2"`.
    /// - Throws: `ExplainError(.invalidArgument)` located at `target` for an unknown name or an index out of range,
    ///   listing the output names.
    public static func resolve(name: String, outputNames: [String]) throws(ExplainError) -> Target {
        if let i = outputNames.firstIndex(of: name) { return .index(i) }
        if let i = Int(name), outputNames.indices.contains(i) { return .index(i) }
        throw ExplainError(.invalidArgument,
                           "unknown target \(Echo.quoted(name)); outputs are \(Echo.list(outputNames)) (or an index 0..<\(outputNames.count))",
                           at: "target")
    }
}
