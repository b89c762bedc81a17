import ArgumentParser
import ExplainKit

/// The `explain` command line: `explain --model m.json --input x.csv` plus the `inspect` and `train` subcommands.
public struct ExplainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a neural network's predictions: attribution scores as JSON and a PDF report.",
        discussion: """
            Methods: gradient, saliency, gradient-x-input, integrated-gradients, smoothgrad, lime, kernelshap, \
            all, predict. Formats are documented in docs/formats.md; methods in docs/methods.md.
            """,
        subcommands: [RunCommand.self, InspectCommand.self, TrainCommand.self],
        defaultSubcommand: RunCommand.self)

    public init() {}
}
