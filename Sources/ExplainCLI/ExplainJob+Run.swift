import ExplainKit
import Foundation

extension ExplainJob {
    /// Runs every requested method, flags degenerate explanations, writes the outputs and prints the summary.
    ///
    /// With `--method all`, a method that cannot run on this model and data (no background for KernelSHAP or
    /// DeepSHAP, no training range for LIME or SmoothGrad, a layer LRP has no rule for) is skipped with a one-line warning and recorded in the JSON's
    /// `skipped` and on the report's title page, rather than failing the run.
    func run() throws(ExplainError) {
        try checkOutputs()
        let started = Date()
        var results: [AttributionResult] = []
        var skipped: [SkippedMethod] = []
        let probabilities = explainedProbabilities()
        if let note = defaultBaselineNote, command.method.expanded.contains(.integratedGradients), !command.quiet {
            printError("note: \(note)")
        }
        for method in command.method.expanded where command.method != .all || applies(method) {
            if command.method == .all, let reason = unavailableReason(method) {
                skipped.append(SkippedMethod(method: method.rawValue, reason: reason))
                if !command.quiet { printError("warning: skipping \(method.rawValue): \(reason)") }
                continue
            }
            var result = try runMethod(method)
            if method != .predict {
                result.explanations = result.explanations.map { e in
                    AttributionWarnings.flagged(e, probability: probabilities.map { $0[e.row]?[e.target] } ?? nil)
                }
            }
            results.append(result)
        }
        // With `--method grad-cam`, `--layer` names the Grad-CAM layer rather than asking for layer attribution.
        let layers = [.gradCAM, .guidedGradCAM].contains(command.method) ? [] : try command.options.layer.map { layer throws(ExplainError) in
            try GradientRunner.layerAttributions(self, layer: layer)
        } ?? []
        let wallTime = Date().timeIntervalSince(started)
        try writeOutputs(results, skipped: skipped, layerAttributions: layers, wallTime: wallTime)
        if !command.quiet {
            for line in warningLines(results) { printError(line) }
            if command.json != "-" {
                try StandardStream.writeOutput(SummaryTable.render(results, rowIndices: rowIndices, features: model.featureNames))
            }
        }
    }

    /// Why `method` cannot run on this model and data, or nil when it can.
    func unavailableReason(_ method: MethodName) -> String? {
        let hasRange = featureStats != nil || background != nil
        switch method {
        case .kernelshap where background == nil, .deepshap where background == nil, .gradientshap where background == nil,
             .shapleySampling where background == nil:
            return "it needs a background sample, and \(command.model) has none: give --background FILE"
        case .lrp:
            do throws(ExplainError) { try LRP.check(model); return nil } catch { return error.message }
        case .lime where !hasRange, .smoothgrad where !hasRange:
            return "it needs the training data's ranges, and \(command.model) has neither feature_stats nor a "
                + "background: give --background FILE"
        case .integratedGradients where command.options.baseline == "mean" && !hasRange:
            return "--baseline mean needs feature_stats or a background, and \(command.model) has neither: give --background FILE"
        default:
            return nil
        }
    }

    /// Each explained row's model outputs by row number, when they are probabilities that are being explained
    /// (the model ends in softmax or sigmoid and `--logits` is off); nil otherwise.
    func explainedProbabilities() -> [Int: [Double]]? {
        guard !command.logits, modelFile.model.outputActivation != nil else { return nil }
        let outputs = modelFile.model.infer(inputs)
        var byRow: [Int: [Double]] = [:]
        for (i, row) in rowIndices.enumerated() { byRow[row] = outputs.row(i).map(Double.init) }
        return byRow
    }

    /// The note printed when integrated gradients falls back to a zeros baseline on a tabular model, or nil.
    var defaultBaselineNote: String? {
        guard command.options.baseline == nil, model.inputShape.count == 1, featureStats == nil, background == nil
        else { return nil }
        return "integrated gradients uses an all-zeros baseline, which may lie far from the data: \(command.model) has "
            + "no feature_stats or background for the training mean (give --background FILE or --baseline FILE)"
    }

    /// One line per method whose explanations carry a degeneracy flag, and the `--logits` hint.
    func warningLines(_ results: [AttributionResult]) -> [String] {
        var lines: [String] = []
        var saturatedRows = Set<Int>()
        for result in results {
            let negligible = result.explanations.filter { $0.flags.contains(AttributionWarnings.negligibleFlag) }.map(\.row)
            if !negligible.isEmpty {
                lines.append("warning: \(result.method): every attribution is below \(AttributionWarnings.negligibleBound) "
                    + "on row\(negligible.count == 1 ? "" : "s") \(Self.rowList(negligible))")
            }
            for e in result.explanations where e.flags.contains(AttributionWarnings.saturatedFlag) { saturatedRows.insert(e.row) }
        }
        if !saturatedRows.isEmpty {
            lines.append("warning: the explained probability is within \(AttributionWarnings.saturationMargin) of 0 or 1 on "
                + "\(saturatedRows.count) of \(rowIndices.count) rows (\(Self.rowList(saturatedRows.sorted()))), where its "
                + "gradient vanishes; flagged saturated_output. --logits explains the logits instead")
        }
        return lines
    }

    /// Row numbers as `0, 3, 7` (the first ten, then a count).
    static func rowList(_ rows: [Int]) -> String {
        let shown = rows.prefix(10).map(String.init).joined(separator: ", ")
        return rows.count > 10 ? "\(shown) and \(rows.count - 10) more" : shown
    }
}
