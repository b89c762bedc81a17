import ExplainNN

extension AttributionResult {
    /// A result for `model`, taking the model's name, feature names and output names.
    public init(method: String, model: Model, seed: UInt64 = 0, parameters: [String: String] = [:],
                explanations: [Explanation]) {
        self.init(method: method, model: model.name, features: model.featureNames, outputs: model.outputNames,
                  seed: seed, parameters: parameters, explanations: explanations)
    }
}
