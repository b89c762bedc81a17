import ArgumentParser
import ExplainKit
import Foundation

/// `explain inspect --model m.json`: the layers with their output shapes and parameter counts.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print a model's layers, output shapes and parameter counts.")

    @Option(name: .long, help: "The model file (explainkit.model JSON).")
    var model: String

    func run() throws {
        try reportingErrors {
            let file = try ModelFile.load(path: model)
            try StandardStream.writeOutput(InspectCommand.summary(file))
        }
    }

    /// The table `inspect` prints.
    static func summary(_ file: ModelFile) -> String {
        let m = file.model
        var lines = ["model \(m.name): input \(shapeText(m.inputShape)) (\(m.inputWidth) features), outputs \(m.outputNames.joined(separator: ", "))"]
        lines.append(pad("layer", 16) + pad("type", 13) + pad("output shape", 16) + "parameters")
        for (layer, shape) in zip(m.layers, m.layerShapes) {
            lines.append(pad(layer.name, 16) + pad(layer.type, 13) + pad(shapeText(shape), 16) + String(layer.parameterCount))
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
