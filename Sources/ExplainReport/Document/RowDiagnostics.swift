import ExplainMethods

/// The numbers shown next to a row's chart: prediction, base value, completeness, fidelity, errors, flags.
enum RowDiagnostics {
    /// f(x) − (base + Σφ), from the method's diagnostics when it reports one, else computed; nil without a base.
    static func completenessGap(_ e: Explanation) -> Double? {
        if let gap = e.diagnostics["completeness_gap"] { return gap }
        guard let base = e.baseValue else { return nil }
        return e.prediction - base - e.attributions.reduce(0, +)
    }

    /// Key–value rows for one method's explanation (its flags go to `warningTable`).
    static func keyValueRows(method: String, _ e: Explanation) -> [[String]] {
        var rows: [[String]] = [
            ["method", Labels.methodName(method)],
            ["target", "\(e.targetName) (output \(e.target))"],
            ["prediction f(x)", Labels.number(e.prediction)],
        ]
        if let base = e.baseValue { rows.append(["base value \(Labels.baseValueName(method))", Labels.number(base)]) }
        rows.append(["Σφ", Labels.number(e.attributions.reduce(0, +))])
        if let gap = completenessGap(e) {
            var text = Labels.number(gap, digits: 3)
            if let base = e.baseValue, abs(e.prediction - base) > 0 {
                text += " (\(Labels.percent(abs(gap) / abs(e.prediction - base))) of f(x) − base)"
            }
            rows.append(["completeness gap", text])
        }
        if let fidelity = e.fidelity { rows.append(["fidelity (weighted R²)", Labels.number(fidelity, digits: 3)]) }
        if let se = e.stdErrors, !se.isEmpty {
            let finite = se.filter(\.isFinite)
            rows.append(["standard error, max", Labels.number(finite.max() ?? .nan, digits: 3)])
            rows.append(["standard error, mean", Labels.number(finite.reduce(0, +) / Double(max(1, finite.count)),
                                                               digits: 3)])
        }
        for key in e.diagnostics.keys.sorted() where key != "completeness_gap" {
            let value = e.diagnostics[key] ?? .nan
            let text = yesNoKeys.contains(key) && (value == 0 || value == 1) ? (value == 1 ? "yes" : "no")
                : Labels.number(value)
            rows.append([key.replacingOccurrences(of: "_", with: " "), text])
        }
        return rows
    }

    /// The Warnings block: one line per flag of every method's explanation, readable (`Labels.flag`); a single
    /// `none` line when no method raised one.
    static func warningTable(_ explanations: [(method: String, explanation: Explanation)]) -> Table {
        var rows: [[String]] = []
        for (method, e) in explanations {
            for flag in e.flags {
                rows.append(explanations.count == 1 ? [Labels.flag(flag)] : [Labels.methodName(method), Labels.flag(flag)])
            }
        }
        return Table(header: [], rows: rows.isEmpty ? [["none"]] : rows, font: Fonts.label)
    }

    /// Diagnostics that are 1 or 0 for yes or no (KernelSHAP's `exact`, `converged` and `solver_fallback`).
    static let yesNoKeys: Set = ["exact", "converged", "solver_fallback"]

    static let summaryHeader = ["method", "f(x)", "base", "Σφ", "gap", "fidelity", "max SE", "warnings"]

    /// One compact row per method for comparison pages.
    static func summaryRow(method: String, _ e: Explanation) -> [String] {
        [Labels.methodName(method), Labels.number(e.prediction), e.baseValue.map { Labels.number($0) } ?? "–",
         Labels.number(e.attributions.reduce(0, +)), completenessGap(e).map { Labels.number($0, digits: 3) } ?? "–",
         e.fidelity.map { Labels.number($0, digits: 3) } ?? "–",
         e.stdErrors.flatMap { $0.filter(\.isFinite).max() }.map { Labels.number($0, digits: 3) } ?? "–",
         e.flags.isEmpty ? "none" : String(e.flags.count)]
    }
}
