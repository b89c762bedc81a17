import ExplainKit

/// `--method predict`: each row's model outputs, no attribution.
enum PredictRunner {
    static func run(_ job: ExplainJob) throws(ExplainError) -> AttributionResult {
        let model = job.model
        let outputs = model.forward(job.inputs)
        var explanations: [Explanation] = []
        for (i, row) in job.rowIndices.enumerated() {
            let values = outputs.row(i)
            guard values.allSatisfy(\.isFinite) else {
                throw ExplainError(.numerical, "the model's output is not finite for this row (a value overflows Float: "
                    + "check the row's values and the model's weights)", at: "row \(row)")
            }
            let t = job.target.resolve(outputs: values)
            explanations.append(Explanation(
                row: row, target: t, targetName: model.outputNames[t], prediction: Double(values[t]),
                attributions: [], outputs: values.map(Double.init)))
        }
        return AttributionResult(method: "predict", model: model.name, features: model.featureNames,
                                 outputs: model.outputNames, seed: job.command.seed,
                                 parameters: job.command.logits ? ["logits": "true"] : [:],
                                 explanations: explanations)
    }
}
