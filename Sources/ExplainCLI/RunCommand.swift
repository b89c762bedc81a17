import ArgumentParser
import ExplainKit
import Foundation

/// `explain --model m.json --input x.csv`: explain rows, write the attribution JSON and a PDF report.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Explain rows of a CSV with one or all methods (the default subcommand).")

    @Option(help: "The model file (explainkit.model JSON), or an ONNX model (.onnx) whose inputs are the CSV's columns in file order.")
    var model: String

    @Option(help: "The input CSV: a header row naming the model's features, one row per instance.")
    var input: String

    @Option(name: .customLong("onnx-output"), help: "The float output of an ONNX graph to explain (default: the first).")
    var onnxOutput: String?

    @Option(help: "With a bare .onnx model: the CSV column that is not an input (dropped when present).")
    var label = "label"

    @Option(help: "The explanation method.")
    var method: MethodName = .all

    @Option(help: "The output to explain, by name or 0-based index (default: the predicted class).")
    var target: String?

    @Option(help: "Rows to explain, 0-based, like 0,3,10-19 (default: all rows, up to --max-rows).")
    var rows: String?

    @Option(name: .customLong("max-rows"), parsing: .unconditional, help: "Explain at most this many rows when --rows is not given.")
    var maxRows: Int = 100

    @Option(parsing: .unconditional, help: "Seed of every random choice; each row's stream derives from (seed, row).")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Worker threads (default: every core). Results do not depend on it.")
    var threads: Int?

    @Option(help: "The PDF report path (default: reports/<model-name>-<input-stem>-<method>.pdf).")
    var out: String?

    @Option(help: "Also write one PNG per report page into this directory.")
    var png: String?

    @Flag(name: .customLong("no-report"), help: "Write no PDF report (for batch jobs with --json); refused with --out or --png.")
    var noReport = false

    @Option(help: "Write the attribution JSON here (- for stdout).")
    var json: String?

    @Option(name: .customLong("max-pages"), parsing: .unconditional, help: "Cap on the rows that get report pages (summary pages come first).")
    var maxPages: Int = 50

    @Flag(help: "Explain the logits: the input of the model's final softmax or sigmoid, not its probabilities (predictions and base values are then in logit units).")
    var logits = false

    @Flag(help: "No progress output and no summary table.")
    var quiet = false

    @OptionGroup var options: MethodOptions

    func validate() throws {
        if let threads, !(1...ParallelRows.maximumThreadCount).contains(threads) {
            throw ValidationError("--threads must be from 1 to \(ParallelRows.maximumThreadCount), got \(threads)")
        }
        for (flag, path) in [("--model", model), ("--input", input), ("--out", out), ("--png", png), ("--json", json)]
        where path?.isEmpty == true {
            throw ValidationError("\(flag) must be a path, got an empty string")
        }
        if noReport, let flag = out != nil ? "--out" : png != nil ? "--png" : nil {
            throw ValidationError("--no-report writes no report, so \(flag) has nothing to write; drop one of them")
        }
        try CountFlag.requirePositive(maxRows, "--max-rows")
        if maxPages < 0 { throw ValidationError("--max-pages must be 0 or more, got \(maxPages)") }
        if let rows {
            do { _ = try RowSelection(parsing: rows) } catch { throw ValidationError(error.message) }
        }
        // The default report's name needs the model's name: that path is checked again once the model is loaded.
        try fileClashes(modelName: nil).check()
    }

    /// The PDF report's path: `--out`, or `reports/<model-name>-<input-stem>-<method>.pdf` with the model's name made
    /// a safe file name (nil `modelName`: unknown yet, so nil without `--out`); nil for `--method predict`, which
    /// writes no report, and with `--no-report`.
    func reportPath(modelName: String?) -> String? {
        guard method != .predict && !noReport else { return nil }
        if let out { return out }
        guard let modelName else { return nil }
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        return "reports/\(Self.fileNameComponent(modelName))-\(stem)-\(method.rawValue).pdf"
    }

    /// `name` as one safe file-name component: ASCII letters, digits, `-`, `_` and `.` are kept, every other run of
    /// characters becomes `_`, leading dots and dashes are dropped, and the result has at most 80 characters
    /// (`model` when nothing is left).
    static func fileNameComponent(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("_") {
                out.append("_")
            }
        }
        let trimmed = String(out.drop { $0 == "." || $0 == "-" }.prefix(80))
        return trimmed.isEmpty || trimmed.allSatisfy({ $0 == "_" }) ? "model" : trimmed
    }

    /// Every file the run reads and writes, the default report included when `modelName` is known.
    func fileClashes(modelName: String?) -> OutputClashes {
        var files = OutputClashes()
        files.input("--model", model)
        files.input("--input", input)
        files.input("--background", options.background)
        files.input("--baseline", options.baseline.flatMap { ["zeros", "mean"].contains($0) ? nil : $0 })
        let history = ReportBuilder.historyPath(nextTo: model)
        if FileManager.default.fileExists(atPath: history) { files.input("the training history of --model", history) }
        files.output("--out", reportPath(modelName: modelName))
        files.output("--json", json == "-" ? nil : json)
        if method != .predict { files.pageDirectory("--png", png) }
        return files
    }

    func run() throws {
        InterruptHandler.install()
        try reportingErrors {
            do {
                let job = try ExplainJob(command: self)
                // Loading is no work yet: nothing is written before this check of the default report's path.
                try fileClashes(modelName: job.model.name).check()
                try job.run()
            } catch var error as ExplainError where error.location.hasPrefix("row ") {
                // Rows are numbered from 0 among the input's data rows; name the file too.
                error.location = "\(input): \(error.location)"
                throw error
            }
        }
    }
}
