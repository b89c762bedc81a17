import ExplainKit

/// The short table `explain` prints: row, prediction, and the top three features per method.
enum SummaryTable {
    static func render(_ results: [AttributionResult], rowIndices: [Int], features: [String]) -> String {
        var lines: [String] = []
        for result in results {
            lines.append("\(result.method):")
            for e in result.explanations {
                let unit = result.parameters["logits"] == "true" ? " logit" : ""
                var line = "  row \(e.row)  \(e.targetName)\(unit) = \(format(e.prediction))"
                if let outputs = e.outputs {
                    line += "  outputs [" + outputs.map(format).joined(separator: ", ") + "]"
                } else {
                    let top = e.attributions.indices.sorted { abs(e.attributions[$0]) > abs(e.attributions[$1]) }.prefix(3)
                    line += "  top: " + top.map { "\(features[$0]) \(signed(e.attributions[$0]))" }.joined(separator: ", ")
                }
                if !e.flags.isEmpty { line += "  [" + e.flags.joined(separator: ", ") + "]" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ v: Double) -> String { String(format: "%.4g", v) }
    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + format(v) }
}
