import ArgumentParser
import ExplainKit
import Foundation

/// `explain inspect --model m.json`: the layers with their output shapes and parameter counts.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print a model's layers, output shapes and parameter counts.")

    @Option(name: .long, help: "The model file (explainkit.model JSON), or an ONNX model (.onnx).")
    var model: String

    @Option(name: .customLong("onnx-output"), help: "The float output of an ONNX graph to explain (default: the first).")
    var onnxOutput: String?

    func run() throws {
        try reportingErrors {
            let file = model.lowercased().hasSuffix(".onnx")
                ? try ModelFile.loadONNX(path: model, outputName: onnxOutput, featureNames: nil, namesFrom: model)
                : try ModelFile.load(path: model, onnxOutput: onnxOutput)
            try StandardStream.writeOutput(InspectCommand.summary(file))
        }
    }

    /// The table `inspect` prints.
    static func summary(_ file: ModelFile) -> String {
        let m = file.model
        var lines = ["model \(m.name): input \(shapeText(m.inputShape)) (\(m.inputWidth) features), outputs \(m.outputNames.joined(separator: ", "))"]
        if let path = file.onnxPath { lines.append("graph: \(path) (\(m.layers.count) nodes)") }
        let nameWidth = max(16, (m.layers.map(\.name.count).max() ?? 0) + 2)
        let typeWidth = max(13, (m.layers.map(\.type.count).max() ?? 0) + 2)
        // A graph's layers also say which layers' outputs they read (`input` for the model's input).
        let producers = ["input"] + m.layers.map(\.name)
        lines.append(pad("layer", nameWidth) + pad("type", typeWidth) + pad("output shape", 16) + pad("parameters", 12)
                     + (m.isChain ? "" : "reads"))
        for (i, (layer, shape)) in zip(m.layers, m.layerShapes).enumerated() {
            let reads = m.isChain ? "" : m.inputIDs[i].map { producers[$0] }.joined(separator: ", ")
            let row = pad(layer.name, nameWidth) + pad(layer.type, typeWidth) + pad(shapeText(shape), 16)
                + (m.isChain ? String(layer.parameterCount) : pad(String(layer.parameterCount), 12) + reads)
            lines.append(row)
        }
        lines.append("total parameters: \(m.parameterCount)")
        if let b = file.background { lines.append("background: \(b.rows.batchSize) rows") }
        if file.featureStats != nil { lines.append("feature_stats: present") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func shapeText(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}

/// Runs `body`, turning an `ExplainError` into one `Error: <location>: <message>` line on stderr and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExplainError {
        printError("Error: \(error.description)")
        throw ExitCode.failure
    }
}
