import ExplainKit
import Foundation

extension ExplainJob {
    /// The PDF report's path (`--out`, or the default named after the model and the input); nil for `predict`.
    var reportPath: String? { command.reportPath(modelName: model.name) }

    /// Checks every output path before any work: no directory where a file goes, and a writable directory for each.
    func checkOutputs() throws(ExplainError) {
        if let pdf = reportPath {
            try OutputSet.checkFile(pdf)
            if let png = command.png { try OutputSet.checkDirectory(png) }
        }
        if let json = command.json, json != "-" { try OutputSet.checkFile(json) }
    }

    /// Writes the report (PDF, PNGs) and the JSON. Everything is rendered into temporary files first and renamed
    /// into place together at the end, so a failed or interrupted run leaves no new output files, not even some.
    func writeOutputs(_ results: [AttributionResult], skipped: [SkippedMethod], layerAttributions: [LayerAttribution],
                      wallTime: Double) throws(ExplainError) {
        let outputs = OutputSet()
        let jsonBytes: [UInt8]? = try command.json.map { _ throws(ExplainError) in
            try Self.encode(results, skipped: command.method == .all ? skipped : nil, layerAttributions: layerAttributions)
        }
        var pageCount = 0
        if let pdf = reportPath {
            var input = try ReportBuilder.input(self, results: results, layerAttribution: reportLayerAttribution(layerAttributions),
                                                wallTime: wallTime)
            input.skipped = skipped
            do {
                pageCount = try ReportWriter.writePDF(input, into: outputs, path: pdf, maxPages: command.maxPages)
            } catch let e as ExplainError { throw e } catch { throw ExplainError(.io, "\(error)", at: pdf) }
            if let dir = command.png {
                do {
                    try ReportWriter.writePNGs(input, into: outputs, directory: dir, maxPages: command.maxPages)
                } catch let e as ExplainError { throw e } catch { throw ExplainError(.io, "\(error)", at: dir) }
            }
        }
        if let json = command.json, let jsonBytes {
            // stdout before the files: a lost stdout then fails the run with nothing written.
            if json == "-" { try StandardStream.writeOutput(jsonBytes, name: "-") } else { try outputs.write(jsonBytes, to: json) }
        }
        try outputs.commit()
        if let pdf = reportPath, !command.quiet { printError("report: \(pdf) (\(pageCount) pages)") }
    }

    /// The layer attribution the report plots: conductance, per unit for dense layers and per channel (summed over
    /// positions) for conv layers.
    func reportLayerAttribution(_ layerAttributions: [LayerAttribution]) -> ReportInput.LayerAttribution? {
        layerAttributions.first { $0.method == LayerAttributor.Method.conductance.rawValue }.map { a in
            let perChannel = a.rows.allSatisfy { $0.channelSums != nil }
            return ReportInput.LayerAttribution(
                layer: a.layer, method: perChannel ? "\(a.method), summed per channel" : a.method,
                scores: Dictionary(uniqueKeysWithValues: a.rows.map { ($0.row, perChannel ? $0.channelSums ?? [] : $0.scores) }))
        }
    }

    /// The attribution JSON: one document, or a `results` document for several methods (with `skipped`, the
    /// methods `--method all` could not run, when `skipped` is not nil), plus `layer_attributions` when `--layer`
    /// was given.
    static func encode(_ results: [AttributionResult], skipped: [SkippedMethod]?,
                       layerAttributions: [LayerAttribution]) throws(ExplainError) -> [UInt8] {
        guard !results.isEmpty else { throw ExplainError(.invalidArgument, "no method could run", at: "--method") }
        var document = results.count == 1 && skipped == nil
            ? AttributionJSON.document(results[0]) : AttributionJSON.document(all: results, skipped: skipped ?? [])
        if !layerAttributions.isEmpty, case .object(var pairs) = document {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let layers: JSONValue
            do { layers = try JSONParser.parse(Array(try encoder.encode(layerAttributions)), file: "layer_attributions") } catch let e as ExplainError {
                throw e
            } catch { throw ExplainError(.numerical, "cannot encode layer attributions: \(error)") }
            pairs.append(("layer_attributions", layers))
            document = .object(pairs)
        }
        return try JSONWriter.serialize(document, style: .pretty)
    }
}
