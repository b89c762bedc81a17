import ExplainKit
import Foundation

/// One `explain` run: the loaded inputs, and the steps from methods to files.
struct ExplainJob {
    let command: RunCommand
    let modelFile: ModelFile
    /// The selected rows, `[rows, inputWidth]`, in the order of `rowIndices`.
    let inputs: Tensor
    let rowIndices: [Int]
    let target: Target
    let threads: Int
    /// The training sample every method shares: `--background FILE` when given, else the model file's `background`.
    let background: Background?
    /// The explained network: the model file's, or with `--logits` its view without the final softmax or sigmoid.
    let model: Model
    /// The model file's per-feature statistics of the training data, if it has them.
    var featureStats: FeatureStats? { modelFile.featureStats }

    init(command: RunCommand) throws(ExplainError) {
        self.command = command
        let table: CSVTable
        if command.model.lowercased().hasSuffix(".onnx") {
            table = try CSVTable(contentsOf: command.input)
            modelFile = try ModelFile.loadONNX(path: command.model, outputName: command.onnxOutput,
                                               featureNames: table.header.filter { $0 != command.label },
                                               namesFrom: command.input)
        } else {
            modelFile = try ModelFile.load(path: command.model, onnxOutput: command.onnxOutput)
            table = try CSVTable(contentsOf: command.input)
        }
        do throws(ExplainError) {
            model = command.logits ? try modelFile.model.logitModel() : modelFile.model
        } catch { throw ExplainError(error.code, error.message, at: "\(command.model): --logits") }
        let features = modelFile.model.featureNames
        let all = try table.numericColumns(features)
        let ignored = table.ignoredColumns(using: features)
        if !ignored.isEmpty, !command.quiet {
            printError("note: \(command.input): ignoring column\(ignored.count == 1 ? "" : "s") \(Echo.list(ignored))")
        }
        if let text = command.rows {
            rowIndices = try RowSelection(parsing: text).resolve(rowCount: all.batchSize, file: command.input)
        } else {
            rowIndices = Array(0..<min(all.batchSize, command.maxRows))
            if all.batchSize > command.maxRows, !command.quiet {
                printError("note: \(command.input) has \(all.batchSize) rows; explaining the first \(command.maxRows) (use --rows or --max-rows)")
            }
        }
        let width = all.sampleCount
        var picked = [Float]()
        picked.reserveCapacity(rowIndices.count * width)
        for r in rowIndices { picked.append(contentsOf: all.scalars[(r * width)..<((r + 1) * width)]) }
        inputs = Tensor(shape: [rowIndices.count, width], scalars: picked)
        target = try Self.resolveTarget(command.target, outputs: modelFile.model.outputNames)
        threads = command.threads ?? ParallelRows.defaultThreadCount
        if let path = command.options.background {
            background = Background(rows: try Self.featureRows(path, features: features))
        } else {
            background = modelFile.background
        }
    }

    /// `--target` by output name or 0-based index.
    static func resolveTarget(_ text: String?, outputs: [String]) throws(ExplainError) -> Target {
        guard let text else { return .predicted }
        if let i = outputs.firstIndex(of: text) { return .index(i) }
        if let i = Int(text) {
            guard outputs.indices.contains(i) else {
                throw ExplainError(.invalidArgument, "target index \(i) is out of range: the model has \(outputs.count) outputs (0–\(outputs.count - 1))", at: "--target")
            }
            return .index(i)
        }
        throw ExplainError(.invalidArgument, "unknown target \(Echo.quoted(text)); outputs are \(Echo.list(outputs))", at: "--target")
    }

    func runMethod(_ method: MethodName) throws(ExplainError) -> AttributionResult {
        switch method {
        case .predict: return try PredictRunner.run(self)
        case .kernelshap: return try KernelSHAPRunner.run(self)
        case .lime: return try LIMERunner.run(self)
        case .featureAblation, .occlusion, .shapleySampling: return try PerturbationRunner.run(self, method: method)
        case .gradient, .saliency, .gradientXInput, .integratedGradients, .smoothgrad:
            return try GradientRunner.run(self, method: method)
        case .deeplift, .deepshap, .guidedBackprop, .deconvolution, .lrp:
            return try ModifiedBackpropRunner.run(self, method: method)
        case .gradientshap: return try GradientSHAPRunner.run(self)
        case .gradCAM: return try GradCAMRunner.run(self)
        case .guidedGradCAM: return try GradCAMRunner.runGuided(self)
        case .all:
            preconditionFailure("ExplainJob: --method all is expanded into its methods before running")
        }
    }

    /// Whether `--method all` includes `method` for this model: the CNN methods run on image models only. (Methods
    /// that apply but lack their training data are skipped instead, with a reason: `unavailableReason(_:)`.)
    func applies(_ method: MethodName) -> Bool {
        switch method {
        case .gradCAM, .guidedGradCAM: return GradCAMRunner.applies(to: model)
        case .occlusion: return model.inputShape.count == 3
        default: return true
        }
    }

    /// The row's random stream: derived from (seed, row), independent of threads and batching.
    func rng(forRow row: Int) -> SplitMix64 { SplitMix64(seed: command.seed).derived(UInt64(row)) }
}
