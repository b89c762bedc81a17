import ExplainTensor

/// One row's attributions for every model output from a perturbation method (feature ablation, occlusion,
/// Shapley sampling), all from the same model evaluations.
public struct PerturbationResult: Sendable, Equatable {
    /// The CONTRACT method name, used in error locations.
    public var method: String
    /// The 0-based row index in the input.
    public var row: Int
    /// f(x) per output.
    public var outputs: [Double]
    /// The reference value per output: f averaged over the baseline rows (ablation, occlusion), E f (Shapley).
    public var baseValues: [Double]
    /// The attributions, `[output][feature]`.
    public var values: [[Double]]
    /// Their standard errors, `[output][feature]`, for sampled methods; nil otherwise.
    public var stdErrors: [[Double]]?
    /// Model rows evaluated, the row and the reference rows included.
    public var modelEvaluations: Int
    /// Method-specific numbers, the same for every output (`permutations`, `windows`, ...).
    public var diagnostics: [String: Double]
    /// Warnings, the same for every output.
    public var flags: [String]

    public init(method: String, row: Int, outputs: [Double], baseValues: [Double], values: [[Double]],
                stdErrors: [[Double]]? = nil, modelEvaluations: Int, diagnostics: [String: Double] = [:],
                flags: [String] = []) {
        self.method = method
        self.row = row
        self.outputs = outputs
        self.baseValues = baseValues
        self.values = values
        self.stdErrors = stdErrors
        self.modelEvaluations = modelEvaluations
        self.diagnostics = diagnostics
        self.flags = flags
    }

    /// The explanation of one output, shaped like CONTRACT.md §4, with `model_evaluations` and
    /// `additivity_gap` = Σφ − (f(x) − base value) added to the diagnostics (0 to float precision for Shapley
    /// sampling; for ablation it measures the interactions that one-at-a-time removal misses).
    ///
    /// - Parameters:
    ///   - target: the output to explain; `.predicted` picks the largest output.
    ///   - outputNames: one name per output; defaults to the index as text.
    /// - Throws: `ExplainError(.invalidArgument)` for an output index out of range or a wrong number of names.
    public func explanation(target: Target = .predicted, outputNames: [String]? = nil) throws -> Explanation {
        let index = try target.checkedIndex(outputs: outputs, names: outputNames, method: method)
        var diagnostics = self.diagnostics
        diagnostics["model_evaluations"] = Double(modelEvaluations)
        diagnostics["additivity_gap"] = values[index].reduce(0, +) - (outputs[index] - baseValues[index])
        return Explanation(row: row, target: index, targetName: outputNames?[index] ?? String(index),
                           prediction: outputs[index], baseValue: baseValues[index], attributions: values[index],
                           stdErrors: stdErrors?[index], diagnostics: diagnostics, flags: flags)
    }
}
