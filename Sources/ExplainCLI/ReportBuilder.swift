import ExplainKit
import Foundation

/// Builds the PDF report's input from a finished run: architecture, explained rows, hook-captured activations,
/// layer attribution and the model's training history when it sits next to the model file.
enum ReportBuilder {
    static func input(_ job: ExplainJob, results: [AttributionResult], layerAttribution: ReportInput.LayerAttribution?,
                      wallTime: Double) throws(ExplainError) -> ReportInput {
        var rows = Tensor(shape: [(job.rowIndices.max() ?? -1) + 1, job.model.inputWidth], repeating: 0)
        let width = job.model.inputWidth
        for (i, r) in job.rowIndices.enumerated() { rows.scalars.replaceSubrange((r * width)..<((r + 1) * width), with: job.inputs.row(i)) }
        var input = ReportInput(model: job.modelFile.model, inputFile: job.command.input, rows: rows, results: results,
                                seed: job.command.seed, wallTime: wallTime)
        input.activations = try activations(job)
        input.layerAttribution = layerAttribution
        input.history = history(nextTo: job.command.model)
        return input
    }

    /// The hidden layers worth plotting: every layer but the input scaling, reshapes and the output layer.
    static func hiddenLayers(_ model: Model) -> [String] {
        model.layers.dropLast().filter { !["standardize", "flatten", "dropout"].contains($0.type) }.map(\.name)
    }

    /// Each explained row's hidden activations, captured by forward hooks during one batched forward pass.
    static func activations(_ job: ExplainJob) throws(ExplainError) -> [Int: [ReportInput.LayerActivation]] {
        let names = hiddenLayers(job.modelFile.model)
        guard !names.isEmpty else { return [:] }
        let recorder = try ActivationRecorder(model: job.modelFile.model, layers: names, capturesGradients: false)
        defer { recorder.remove() }
        _ = job.modelFile.model.forward(job.inputs)
        let captured = recorder.activations
        var out: [Int: [ReportInput.LayerActivation]] = [:]
        for (i, r) in job.rowIndices.enumerated() {
            out[r] = names.compactMap { name in
                guard let t = captured[name] else { return nil }
                return ReportInput.LayerActivation(name: name, shape: t.sampleShape, values: t.row(i))
            }
        }
        return out
    }

    /// The largest training history read: 1 GiB (`explain train` writes a few numbers per epoch).
    static let maximumHistoryBytes = 1 << 30

    /// The training history saved by `explain train` as `<model-stem>.history.json`, if present, readable and
    /// within `maximumHistoryBytes`.
    static func history(nextTo modelPath: String) -> TrainingHistory? {
        let path = historyPath(nextTo: modelPath)
        guard FileManager.default.fileExists(atPath: path),
              let bytes = try? AtomicFile.read(path, maximumBytes: maximumHistoryBytes, kind: "training histories")
        else { return nil }
        return try? JSONDecoder().decode(TrainingHistory.self, from: Data(bytes))
    }

    /// `dir/model.json` → `dir/model.history.json`, where `explain train` saves the history.
    static func historyPath(nextTo modelPath: String) -> String {
        let pathExtension = URL(fileURLWithPath: modelPath).pathExtension
        return (pathExtension.isEmpty ? modelPath : String(modelPath.dropLast(pathExtension.count + 1))) + ".history.json"
    }
}
