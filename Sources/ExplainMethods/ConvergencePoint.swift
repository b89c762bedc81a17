/// One round of a sampling estimator's convergence trace: the work done so far and how wide the error bars were.
///
/// KernelSHAP records one point per round of coalitions (one round without `--tolerance`). The tolerance test is
/// `maxStdError ≤ tolerance · valueRange`, so `maxStdError / valueRange` is the figure to watch.
public struct ConvergencePoint: Codable, Sendable, Equatable {
    /// Model rows evaluated so far, as `model_evaluations` counts them.
    public var modelEvaluations: Int
    /// Distinct coalitions evaluated so far.
    public var coalitions: Int
    /// The largest standard error over the features, after this round.
    public var maxStdError: Double
    /// max φ − min φ over the features, after this round.
    public var valueRange: Double

    public init(modelEvaluations: Int, coalitions: Int, maxStdError: Double, valueRange: Double) {
        self.modelEvaluations = modelEvaluations
        self.coalitions = coalitions
        self.maxStdError = maxStdError
        self.valueRange = valueRange
    }

    /// The point of one output's values and standard errors.
    public init(modelEvaluations: Int, coalitions: Int, values: [Double], stdErrors: [Double]) {
        self.init(modelEvaluations: modelEvaluations, coalitions: coalitions, maxStdError: stdErrors.max() ?? 0,
                  valueRange: (values.max() ?? 0) - (values.min() ?? 0))
    }

    /// Whether the error bars are within `tolerance` of the spread: max SE ≤ tolerance · (max φ − min φ).
    public func meets(_ tolerance: Double) -> Bool { maxStdError <= tolerance * valueRange }

    enum CodingKeys: String, CodingKey {
        case coalitions
        case modelEvaluations = "model_evaluations", maxStdError = "max_std_error", valueRange = "value_range"
    }
}
