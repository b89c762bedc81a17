import ArgumentParser
import ExplainKit

/// The `explain` command line.
public struct ExplainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a neural network's predictions and write a report.")

    public init() {}

    public func run() throws {}
}
