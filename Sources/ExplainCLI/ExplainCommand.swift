import ArgumentParser
import ExplainKit

/// The `explain` command line: `explain --model m.json --input x.csv` plus the `inspect`, `train` and `export`
/// subcommands.
public struct ExplainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a neural network's predictions: attribution scores as JSON and a PDF report.",
        discussion: """
            Methods: gradient, saliency, gradient-x-input, integrated-gradients, smoothgrad, lime, kernelshap, \
            deeplift, deepshap, guided-backprop, deconvolution, lrp, gradientshap, grad-cam, guided-grad-cam, \
            feature-ablation, occlusion, shapley-sampling, all, predict. Formats are documented in docs/formats.md; \
            methods in docs/methods.md.
            """,
        version: "ExplainKit \(ExplainKitVersion.current)",
        subcommands: [RunCommand.self, InspectCommand.self, TrainCommand.self, ExportCommand.self],
        defaultSubcommand: RunCommand.self)

    public init() {}

    /// Runs the command line. `explain --help` (and `-h`, `help`) prints the root's help followed by the default
    /// command's, so every flag of `explain --model … --input …` is documented there with its default.
    public static func runMain(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        MemoryTuning.apply()
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            let runFlags = helpMessage(for: RunCommand.self).components(separatedBy: "OPTIONS:").dropFirst().joined(separator: "OPTIONS:")
            let text = helpMessage() + "\n\nFLAGS OF `explain --model <model> --input <input>` (the default `run` subcommand):\n" + runFlags + "\n"
            do { try StandardStream.writeOutput(text) } catch {
                printError("Error: \(error.description)")
                Self.exit(withError: ExitCode.failure)
            }
            return
        }
        main(arguments)
    }
}
