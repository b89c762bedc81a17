/// The explanations one method produced for a set of rows, with everything needed to reproduce them.
///
/// Shaped like the attribution JSON of CONTRACT.md §4; `parameters` echoes every setting of the run.
public struct AttributionResult: Codable, Sendable, Equatable {
    /// The CONTRACT method name (`kernelshap`, `integrated-gradients`, ...).
    public var method: String
    /// The model's name.
    public var model: String
    /// The input feature names.
    public var features: [String]
    /// The model's output names.
    public var outputs: [String]
    /// The seed of every random choice in the run.
    public var seed: UInt64
    /// Every parameter of the method, as strings, for reproduction (`steps: 50`, `rule: gauss-legendre`).
    public var parameters: [String: String]
    /// One explanation per explained row.
    public var explanations: [Explanation]

    public init(method: String, model: String, features: [String], outputs: [String], seed: UInt64,
                parameters: [String: String], explanations: [Explanation]) {
        self.method = method
        self.model = model
        self.features = features
        self.outputs = outputs
        self.seed = seed
        self.parameters = parameters
        self.explanations = explanations
    }
}
