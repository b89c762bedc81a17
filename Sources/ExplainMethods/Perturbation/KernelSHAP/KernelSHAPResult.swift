import ExplainTensor

/// KernelSHAP's values for every model output of one row, all from the same model evaluations.
///
/// Values are in link space: for each output o, Σ_i values[o][i] = predictions[o] − baseValues[o].
public struct KernelSHAPResult: Sendable, Equatable {
    /// The 0-based row index in the input.
    public var row: Int
    /// The raw model outputs f(x).
    public var outputs: [Double]
    /// link(f(x)) per output.
    public var predictions: [Double]
    /// link(E f) per output, with E f = Σ_b w_b f(b).
    public var baseValues: [Double]
    /// The Shapley values, `[output][feature]`; features that do not vary get 0.
    public var values: [[Double]]
    /// The standard error of each value, `[output][feature]`; zeros when every coalition was enumerated.
    public var stdErrors: [[Double]]
    /// Model rows evaluated (coalitions × background rows, plus the row and the background).
    public var modelEvaluations: Int
    /// Distinct coalitions evaluated.
    public var coalitions: Int
    /// The number of players: features whose value differs from some background value.
    public var varyingFeatureCount: Int
    /// Whether every coalition was enumerated, so the values are exact Shapley values.
    public var isExact: Bool
    /// Whether the result is exact, or the requested tolerance was met by every output sampling watched (the
    /// explained target, or all outputs); `isConverged(output:)` tells one output.
    public var isConverged: Bool
    /// The requested tolerance, if any.
    public var tolerance: Double?
    /// Whether the regression was singular and solved by the SVD fallback.
    public var usedSolverFallback: Bool
    /// False when the sampled pairs were too few for their spread to estimate the standard errors (fewer than twice
    /// the fitted parameters, so the fit nearly interpolates them); the errors are then too small, possibly 0.
    public var hasReliableStdErrors = true
    /// One point per round of sampled coalitions, `[output][round]`; empty when every coalition was enumerated.
    /// The last point holds the full regression's errors (before any `topFeatures` restriction).
    public var convergence: [[ConvergencePoint]]

    public init(row: Int, outputs: [Double], predictions: [Double], baseValues: [Double], values: [[Double]],
                stdErrors: [[Double]], modelEvaluations: Int, coalitions: Int, varyingFeatureCount: Int,
                isExact: Bool, isConverged: Bool, tolerance: Double?, usedSolverFallback: Bool,
                convergence: [[ConvergencePoint]] = []) {
        self.row = row
        self.outputs = outputs
        self.predictions = predictions
        self.baseValues = baseValues
        self.values = values
        self.stdErrors = stdErrors
        self.modelEvaluations = modelEvaluations
        self.coalitions = coalitions
        self.varyingFeatureCount = varyingFeatureCount
        self.isExact = isExact
        self.isConverged = isConverged
        self.tolerance = tolerance
        self.usedSolverFallback = usedSolverFallback
        self.convergence = convergence
    }

    /// Whether output `o` is exact, or met the tolerance: its own last convergence point (the quantity the stop rule
    /// tests), with reliable standard errors.
    public func isConverged(output o: Int) -> Bool {
        if isExact { return true }
        guard let tolerance, hasReliableStdErrors, convergence.indices.contains(o), let last = convergence[o].last
        else { return false }
        return last.meets(tolerance)
    }

    /// The explanation of one output, shaped like CONTRACT.md §4.
    ///
    /// - Parameters:
    ///   - target: the output to explain; `.predicted` picks the largest raw output.
    ///   - outputNames: one name per output; defaults to the index as text.
    /// - Throws: `ExplainError(.invalidArgument)` for an output index out of range or a wrong number of names.
    public func explanation(target: Target = .predicted, outputNames: [String]? = nil) throws -> Explanation {
        let index = try target.checkedIndex(outputs: outputs, names: outputNames, method: "kernelshap")
        let converged = isConverged(output: index)
        var flags = [String]()
        if usedSolverFallback { flags.append("kernelshap_singular_regression") }
        if tolerance != nil && !converged { flags.append("kernelshap_not_converged") }
        if !hasReliableStdErrors { flags.append("kernelshap_too_few_samples_for_std_errors") }
        return Explanation(
            row: row, target: index, targetName: outputNames?[index] ?? String(index),
            prediction: predictions[index], baseValue: baseValues[index],
            attributions: values[index], stdErrors: stdErrors[index],
            diagnostics: [
                "model_evaluations": Double(modelEvaluations),
                "coalitions": Double(coalitions),
                "exact": isExact ? 1 : 0,
                "converged": converged ? 1 : 0,
                "solver_fallback": usedSolverFallback ? 1 : 0,
                "varying_features": Double(varyingFeatureCount),
            ],
            flags: flags,
            convergence: convergence.indices.contains(index) && !convergence[index].isEmpty ? convergence[index] : nil)
    }
}
