import ExplainKit
import Foundation

extension TrainCommand {
    /// Every file `train` writes: the model, its history, its training report and the optional example CSV.
    var outputPaths: [String] {
        [out, Self.historyPath(for: out), Self.reportPath(for: out)] + (explainCSV.map { [$0] } ?? [])
    }

    /// Checks every output path before training: no directory where a file goes, and a writable directory for each.
    func checkOutputs() throws(ExplainError) {
        for path in outputPaths { try OutputSet.checkFile(path) }
    }

    /// Writes every output to a temporary file, then renames them all into place, so a failure leaves none of them.
    /// - Returns: The paths written.
    func writeOutputs(_ outcome: TrainingOutcome, table: TrainingData, modelName: String) throws(ExplainError) -> [String] {
        let outputs = OutputSet()
        let modelBytes: [UInt8]
        do throws(ExplainError) { modelBytes = try outcome.file.serialized() } catch { throw error.located(in: out) }
        try outputs.write(modelBytes, to: out)
        let historyPath = Self.historyPath(for: out)
        try outputs.write(try Self.encode(outcome.history, at: historyPath), to: historyPath)
        let reportPath = Self.reportPath(for: out)
        let report = TrainingReport(title: "Training report: \(modelName)", modelName: modelName,
                                    architecture: ReportInput.LayerSummary.summaries(of: outcome.file.model),
                                    history: outcome.history, date: ReportClock.now())
        do { _ = try report.writePDF(into: outputs, path: reportPath) } catch let e as ExplainError { throw e } catch {
            throw ExplainError(.io, "\(error)", at: reportPath)
        }
        if let explainCSV {
            let rows = table.exampleRows(from: outcome.testRows, count: explainRows)
            let bytes: [UInt8]
            do throws(ExplainError) {
                bytes = try CSVTable.serialize(columns: table.featureNames, values: table.features.gathering(rows: rows),
                                               textColumns: [(name: table.labelColumn, values: rows.map { table.labels[$0] })])
            } catch {
                throw error.code == .numerical ? error.located(in: explainCSV) : error
            }
            try outputs.write(bytes, to: explainCSV)
        }
        try outputs.commit()
        return outputPaths
    }

    /// `dir/model.json` → `dir/model.training.pdf`: the training report (curves and per-layer diagnostics).
    static func reportPath(for modelPath: String) -> String {
        String(historyPath(for: modelPath).dropLast(".history.json".count)) + ".training.pdf"
    }

    /// `dir/model.json` → `dir/model.history.json`.
    static func historyPath(for modelPath: String) -> String {
        let url = URL(fileURLWithPath: modelPath)
        let base = url.pathExtension == "json" ? String(modelPath.dropLast(5)) : modelPath
        return base + ".history.json"
    }

    /// Sorted-key JSON with a final newline.
    static func encode(_ history: TrainingHistory, at path: String) throws(ExplainError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return Array(try encoder.encode(history)) + [UInt8(ascii: "\n")]
        } catch {
            throw ExplainError(.numerical, "cannot encode the training history: \(error)", at: path)
        }
    }
}
