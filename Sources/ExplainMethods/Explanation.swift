/// One row's attribution: the scores for every input feature, for one target output.
///
/// Plain data shaped like CONTRACT.md §4. Method-specific numbers live in `diagnostics` (for example
/// `completeness_gap`, `surrogate_prediction`, `model_evaluations`) and warnings in `flags`.
public struct Explanation: Codable, Sendable, Equatable {
    /// The 0-based row index in the input, not counting the header.
    public var row: Int
    /// The explained output index.
    public var target: Int
    /// The explained output's name.
    public var targetName: String
    /// f(x) for the target.
    public var prediction: Double
    /// The method's reference value (f(x') for IG, E f for KernelSHAP, the surrogate intercept for LIME), or nil.
    public var baseValue: Double?
    /// One score per input feature.
    public var attributions: [Double]
    /// The standard error of each score, for estimators with sampling error; nil otherwise.
    public var stdErrors: [Double]?
    /// The surrogate's weighted R² (LIME); nil otherwise.
    public var fidelity: Double?
    /// Named numeric diagnostics, written in key order.
    public var diagnostics: [String: Double]
    /// Warnings that a report and the CLI summary show (for example `completeness_gap_above_1_percent`).
    public var flags: [String]
    /// Per-feature human-readable conditions (LIME bins such as `petal width <= 0.3`); nil when not applicable.
    public var featureLabels: [String]?
    /// All model outputs for the row (for `predict`); nil otherwise.
    public var outputs: [Double]?
    /// The sampling rounds' error bars (sampled KernelSHAP); nil otherwise.
    public var convergence: [ConvergencePoint]?
    /// The map at a hidden layer's resolution that the attributions were upsampled from (Grad-CAM); nil otherwise.
    public var layerMap: LayerMap?

    public init(
        row: Int, target: Int, targetName: String, prediction: Double, baseValue: Double? = nil,
        attributions: [Double], stdErrors: [Double]? = nil, fidelity: Double? = nil,
        diagnostics: [String: Double] = [:], flags: [String] = [], featureLabels: [String]? = nil,
        outputs: [Double]? = nil, convergence: [ConvergencePoint]? = nil, layerMap: LayerMap? = nil
    ) {
        self.row = row
        self.target = target
        self.targetName = targetName
        self.prediction = prediction
        self.baseValue = baseValue
        self.attributions = attributions
        self.stdErrors = stdErrors
        self.fidelity = fidelity
        self.diagnostics = diagnostics
        self.flags = flags
        self.featureLabels = featureLabels
        self.outputs = outputs
        self.convergence = convergence
        self.layerMap = layerMap
    }

    enum CodingKeys: String, CodingKey {
        case row, target, prediction, attributions, fidelity, diagnostics, flags, outputs, convergence
        case targetName = "target_name", baseValue = "base_value", stdErrors = "std_errors"
        case featureLabels = "feature_labels", layerMap = "layer_map"
    }
}
