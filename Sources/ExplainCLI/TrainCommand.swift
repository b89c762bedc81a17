import ArgumentParser
import ExplainKit
import Foundation

/// `explain train --data x.csv --label label --out m.json`: train a classifier and write a model file, its training
/// history (`<stem>.history.json`), a training report (`<stem>.training.pdf`) and, optionally, a CSV of held-out rows to explain.
public struct TrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a classifier on a labelled CSV and write a model file with its training history.",
        discussion: """
            Builds standardize → dense/relu blocks → softmax for tabular data, or conv → relu → maxpool blocks \
            before the dense layers when given --image. Prints the accuracy on a stratified held-out test split. \
            The same data, flags and seed give the same model, history and example CSV, byte for byte; the \
            training report too when SOURCE_DATE_EPOCH fixes its date.
            """)

    @Option(help: "The training CSV: a header row, numeric feature columns and a label column.")
    var data: String

    @Option(help: "The label column; every other column is a feature.")
    var label = "label"

    @Option(help: "The model file to write. The history goes next to it as <stem>.history.json.")
    var out: String

    @Option(parsing: .unconditional, help: "Hidden dense layer widths, comma-separated (empty for none).")
    var hidden = "32,32"

    @Option(parsing: .unconditional, help: "Treat each row as an image of this shape, CxHxW in CHW order (e.g. 1x8x8), and build a CNN.")
    var image: String?

    @Option(parsing: .unconditional, help: "Output channels of the conv → relu → maxpool blocks (with --image).")
    var channels = "8,16"

    @Option(help: "The model's name (default: <data-stem>-mlp or -cnn).")
    var name: String?

    @Option(parsing: .unconditional, help: "The largest number of epochs.")
    var epochs = 200

    @Option(parsing: .unconditional, help: "Learning rate.")
    var lr = 0.001

    @Option(help: "adam, adamw, sgd (momentum 0.9) or nesterov.")
    var optimizer = "adam"

    @Option(help: "Learning-rate schedule: constant, cosine, or step:PERIOD:FACTOR.")
    var schedule = "constant"

    @Option(parsing: .unconditional, help: "Rows per minibatch.")
    var batchSize = 32

    @Option(parsing: .unconditional, help: "Stratified fraction of the rows held out for the test accuracy.")
    var testFraction = 0.2

    @Option(parsing: .unconditional, help: "Stratified fraction of the remaining rows used for validation and early stopping (0: none).")
    var validationFraction = 0.1

    @Option(parsing: .unconditional, help: "Stop after this many epochs without a lower validation loss and keep the best weights (0: never).")
    var patience = 30

    @Option(parsing: .unconditional, help: "Weight decay: L2 for sgd and adam, decoupled for adamw.")
    var weightDecay = 0.0

    @Option(parsing: .unconditional, help: "Dropout probability after each hidden dense layer.")
    var dropout = 0.0

    @Option(parsing: .unconditional, help: "Seed of every random choice: splits, weights, minibatches, dropout, background.")
    var seed: UInt64 = 0

    @Option(help: "Also write held-out test rows, with their label, to this CSV (for `explain --input`).")
    var explainCSV: String?

    @Option(parsing: .unconditional, help: "How many held-out rows --explain-csv gets.")
    var explainRows = 5

    @Option(parsing: .unconditional, help: "Without a terminal, print a progress line every this many epochs (default: a tenth of --epochs).")
    var logEvery: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    public init() {}

    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ValidationError(message) }
        }
        try CountFlag.requirePositive(epochs, "--epochs")
        try require(lr.isFinite && lr > 0, "--lr must be positive, got \(lr)")
        try CountFlag.requirePositive(batchSize, "--batch-size")
        try require(testFraction > 0 && testFraction < 1, "--test-fraction must be between 0 and 1, got \(testFraction)")
        try require(validationFraction >= 0 && validationFraction < 1, "--validation-fraction must be in [0, 1), got \(validationFraction)")
        try require(testFraction + validationFraction < 1, "--test-fraction plus --validation-fraction must be below 1")
        try require(patience >= 0, "--patience must be 0 or more, got \(patience)")
        try require(weightDecay.isFinite && weightDecay >= 0, "--weight-decay must be 0 or more, got \(weightDecay)")
        try require(dropout >= 0 && dropout < 1, "--dropout must be in [0, 1), got \(dropout)")
        try CountFlag.requirePositive(explainRows, "--explain-rows")
        try CountFlag.requirePositive(logEvery, "--log-every")
        try require(OptimizerKind(name: optimizer) != nil, "--optimizer must be adam, adamw, sgd or nesterov, got \"\(optimizer)\"")
        try require(LearningRateSchedule(name: schedule) != nil, "--schedule must be constant, cosine or step:PERIOD:FACTOR, got \"\(schedule)\"")
        _ = try Self.sizes(hidden, option: "--hidden", allowsEmpty: true)
        _ = try Self.sizes(channels, option: "--channels", allowsEmpty: false)
        if let image {
            let shape = try Self.sizes(image, option: "--image", allowsEmpty: false, separator: "x")
            try require(shape.count == 3, "--image must be CxHxW, like 1x8x8, got \"\(image)\"")
        }
        var files = OutputClashes()
        files.input("--data", data)
        files.output("--out", out)
        files.output("--out's training history", Self.historyPath(for: out))
        files.output("--out's training report", Self.reportPath(for: out))
        files.output("--explain-csv", explainCSV)
        try files.check()
    }

    public func run() throws {
        try reportingErrors {
            let table = try TrainingData(path: data, labelColumn: label)
            if !table.constantColumns.isEmpty, !quiet {
                printError("warning: \(Echo.text(data)): \(table.constantColumns.count) constant column\(table.constantColumns.count == 1 ? "" : "s") "
                    + "(one value in every row, no information to learn from): \(Echo.list(table.constantColumns))")
            }
            let recipe = try makeRecipe()
            try checkOutputs()
            let modelName = name ?? Self.stem(of: data) + (image == nil ? "-mlp" : "-cnn")
            let progress = EpochProgress(total: epochs, quiet: quiet, every: logEvery ?? max(1, epochs / 10))
            let outcome = try table.train(recipe, name: modelName, onEpoch: { progress.report($0) },
                                          onBatch: { progress.report($0) })
            progress.finish()
            let written = try writeOutputs(outcome, table: table, modelName: modelName)
            let history = outcome.history
            var summary = String(format: "test accuracy: %.4f (%d held-out rows)\n", outcome.testAccuracy, outcome.testRows.count)
            if let best = history.epochs.first(where: { $0.epoch == history.bestEpoch }), let loss = best.validationLoss {
                summary += String(format: "best epoch: %d of %d (validation loss %.4f)\n", history.bestEpoch, history.epochs.count, loss)
            }
            try StandardStream.writeOutput(summary + "wrote " + written.joined(separator: ", ") + "\n")
        }
    }

    private func makeRecipe() throws(ExplainError) -> TrainingRecipe {
        guard let optimizerKind = OptimizerKind(name: optimizer), let scheduleKind = LearningRateSchedule(name: schedule) else {
            throw ExplainError(.invalidArgument, "unknown optimizer or schedule")
        }
        let training = TrainingConfiguration(
            loss: .softmaxCrossEntropy, optimizer: optimizerKind, learningRate: lr, weightDecay: weightDecay,
            schedule: scheduleKind, epochCount: epochs, batchSize: batchSize, patience: patience > 0 ? patience : nil,
            seed: seed)
        do {
            return TrainingRecipe(
                hiddenSizes: try Self.sizes(hidden, option: "--hidden", allowsEmpty: true),
                imageShape: try image.map { try Self.sizes($0, option: "--image", allowsEmpty: false, separator: "x") },
                channels: try Self.sizes(channels, option: "--channels", allowsEmpty: false),
                dropout: Float(dropout), testFraction: testFraction, validationFraction: validationFraction,
                training: training, seed: seed)
        } catch {
            throw ExplainError(.invalidArgument, "\(error)")
        }
    }

    /// Parses `16,16` into positive sizes.
    /// Positive integers separated by `separator` (`--hidden 64,32`, `--image 1x8x8`), echoing the text as typed.
    static func sizes(_ text: String, option: String, allowsEmpty: Bool, separator: Character = ",") throws -> [Int] {
        let parts = text.split(separator: separator, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if parts == [""] && allowsEmpty { return [] }
        let values = parts.compactMap { Int($0) }
        if values.count == parts.count, let bad = values.first(where: { $0 < 1 }) {
            throw ValidationError(CountFlag.message(option, parts.count == 1 ? "\(bad)" : "\(bad) in \"\(text)\""))
        }
        guard values.count == parts.count else {
            let joiner = separator == "," ? "commas" : "\"\(separator)\""
            throw ValidationError("\(option) must be positive integers separated by \(joiner), got \"\(text)\"")
        }
        return values
    }

    static func stem(of path: String) -> String {
        let file = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return file.isEmpty ? "model" : file
    }
}

/// Training progress on stderr: a live bar with epoch, loss and ETA on a terminal; otherwise a line every few epochs.
private final class EpochProgress: @unchecked Sendable {
    private let total: Int
    private let quiet: Bool
    private let every: Int
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drewBar = false

    init(total: Int, quiet: Bool, every: Int) {
        self.total = total
        self.quiet = quiet
        self.every = every
    }

    func report(_ epoch: TrainingHistory.Epoch) {
        guard !quiet else { return }
        var metrics = String(format: "loss %.4f", epoch.trainLoss)
        if let v = epoch.validationLoss { metrics += String(format: ", validation loss %.4f", v) }
        if let a = epoch.validationAccuracy ?? epoch.trainAccuracy { metrics += String(format: ", accuracy %.3f", a) }
        lastMetrics = metrics
        if isTerminal {
            draw(done: Double(epoch.epoch), epoch: epoch.epoch, force: epoch.epoch == total)
        } else if epoch.epoch % every == 0 || epoch.epoch == total {
            let elapsed = Date().timeIntervalSince(start)
            let eta = elapsed / Double(epoch.epoch) * Double(total - epoch.epoch)
            printError(String(format: "epoch %d/%d: %@ (%.1fs, ETA %.0fs)", epoch.epoch, total, metrics, elapsed, eta))
        }
    }

    /// Moves the terminal bar within an epoch.
    func report(_ batch: BatchProgress) {
        guard !quiet, isTerminal else { return }
        let done = Double(batch.epoch - 1) + Double(batch.batch) / Double(max(batch.batchCount, 1))
        if lastMetrics.isEmpty { lastMetrics = String(format: "loss %.4f", batch.loss) }
        draw(done: done, epoch: batch.epoch, force: false)
    }

    /// Ends the bar (redrawn at its final state) with a newline.
    func finish() {
        guard drewBar, let epoch = lastEpoch else { return }
        draw(done: Double(epoch), epoch: epoch, force: true)
        StandardStream.writeError("\n")
    }

    private var lastMetrics = ""
    private var lastEpoch: Int?

    private func draw(done: Double, epoch: Int, force: Bool) {
        lastEpoch = epoch
        guard force || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / done * (Double(total) - done) : 0
        let width = 24, filled = min(width, Int(Double(width) * done / Double(max(total, 1))))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\rtrain %@ epoch %d/%d  %@  ETA %.0fs ", bar, epoch, total, lastMetrics, eta)
        StandardStream.writeError(line)
        drewBar = true
    }
}
