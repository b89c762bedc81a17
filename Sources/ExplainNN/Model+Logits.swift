import ExplainTensor

extension Model {
    /// The squashing function of the model's last layer, whose outputs are then probabilities: `softmax` or
    /// `sigmoid`; nil when the outputs are unbounded (logits, regression values, tanh).
    public var outputActivation: String? {
        switch layers.last {
        case is Softmax: return "softmax"
        case let a as Activation where a.kind == .sigmoid: return "sigmoid"
        default: return nil
        }
    }

    /// The same network without its final softmax or sigmoid: its outputs are the logits, the inputs of that layer.
    ///
    /// Explaining logits rather than probabilities is what captum recommends for classifiers: where a probability
    /// saturates at 0 or 1 its gradient vanishes (p·(1 − p) → 0) and every gradient-based attribution with it, while
    /// the logits keep their gradient. The view shares this model's layers, names and hooks (a hook on the removed
    /// last layer does not fire).
    ///
    /// - Throws: `ExplainError(.invalidArgument)` when the model does not end in softmax or sigmoid, or consists of
    ///   that layer alone.
    public func logitModel() throws(ExplainError) -> Model {
        guard let activation = outputActivation else {
            throw ExplainError(.invalidArgument, "model \(Echo.quoted(name)) does not end in softmax or sigmoid (its last "
                + "layer is \(layers.last?.type ?? "none")): its outputs are already unbounded", at: "logits")
        }
        guard layers.count >= 2 else {
            throw ExplainError(.invalidArgument, "model \(Echo.quoted(name)) is a lone \(activation) layer", at: "logits")
        }
        guard inputIDs[layers.count - 1] == [layers.count - 1] else {
            throw ExplainError(.invalidArgument, "the final \(activation) of model \(Echo.quoted(name)) does not read the "
                + "layer before it", at: "logits")
        }
        return try Model(name: name, inputShape: inputShape, featureNames: featureNames, outputNames: outputNames,
                         layers: Array(layers.dropLast()), inputIDs: Array(inputIDs.dropLast()),
                         tensorNames: Array(tensorNames.dropLast()), hooks: hooks)
    }
}
