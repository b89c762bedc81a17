import ExplainMethods
import ExplainNN
import ExplainTensor
import Foundation

extension ReportInput {
    /// A report on `results` for `model`, where `rows` holds the input rows indexed by `Explanation.row`.
    ///
    /// The architecture comes from the model; the date is now (or `SOURCE_DATE_EPOCH`, `ReportClock`); activations and training history are left out
    /// (the CLI adds them from hooks and the model's history file).
    public init(model: Model, inputFile: String, rows: Tensor, results: [AttributionResult], seed: UInt64 = 0,
                wallTime: Double = 0) {
        let architecture = LayerSummary.summaries(of: model)
        let evaluations = results.flatMap(\.explanations).reduce(0.0) { $0 + ($1.diagnostics["model_evaluations"] ?? 0) }
        self.init(title: "Why did \(Echo.text(model.name)) predict this?", modelName: model.name, architecture: architecture,
                  inputFile: inputFile, featureNames: model.featureNames, outputNames: model.outputNames,
                  inputShape: model.inputShape, rows: rows.rows, results: results, seed: seed,
                  date: ReportClock.now(), wallTime: wallTime,
                  modelEvaluations: Int(evaluations))
    }
}

extension ReportInput.LayerSummary {
    /// One summary per layer of `model`: name, type, output shape, parameter count and, in a graph, what it reads.
    public static func summaries(of model: Model) -> [ReportInput.LayerSummary] {
        let producers = ["input"] + model.layers.map(\.name)
        return zip(model.layers, model.layerShapes).enumerated().map { i, pair in
            let ids = model.inputIDs[i]
            return ReportInput.LayerSummary(name: pair.0.name, type: pair.0.type, outputShape: pair.1,
                                            parameterCount: pair.0.parameterCount,
                                            reads: ids == [i] ? nil : ids.map { producers[$0] })
        }
    }
}
