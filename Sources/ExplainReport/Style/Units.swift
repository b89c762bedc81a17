/// What an attribution's numbers are measured in, from the method and the model's output.
///
/// Gradient, saliency, SmoothGrad's mean gradient, and guided backprop and deconvolution (the gradient with ReLU's
/// backward rule changed) are ∂f/∂xᵢ: output units per raw unit of feature i, so a
/// feature recorded in millimetres gets a thousandth of the value it gets in metres. Their squared and variance
/// variants are in the square of that. Gradient × input, integrated gradients and KernelSHAP multiply by a change in
/// the feature (or switch the feature on and off), so they are in output units and sum towards f(x) − base; so are
/// LIME's weights of its binned (discretized) features. The output is a logit under `--logits` (the result's
/// `parameters["logits"] == "true"`), a probability when the model ends in softmax or sigmoid, else the model's
/// output.
public enum Units {
    /// The output's unit: `logit`, `probability` or `model output`.
    public static func output(parameters: [String: String], architecture: [ReportInput.LayerSummary]) -> String {
        if parameters["logits"] == "true" { return "logit" }
        if let last = architecture.last?.type, last == "softmax" || last == "sigmoid" { return "probability" }
        return "model output"
    }

    /// Whether the method's values are per raw unit of each feature (a derivative, not a contribution).
    public static func isPerFeatureUnit(method: String) -> Bool {
        ["gradient", "saliency", "smoothgrad", "guided-backprop", "deconvolution"].contains(method)
    }

    /// The unit of one method's attributions: `probability per unit of the feature`, `(logit per unit of the
    /// feature)²`, `probability`.
    public static func attribution(method: String, parameters: [String: String],
                                   architecture: [ReportInput.LayerSummary]) -> String {
        let output = output(parameters: parameters, architecture: architecture)
        guard isPerFeatureUnit(method: method) else { return output }
        let perUnit = "\(output) per unit of the feature"
        let variant = parameters["variant"] ?? "smoothgrad"
        return method == "smoothgrad" && variant != "smoothgrad" ? "(\(perUnit))²" : perUnit
    }

    /// A short form for narrow panel headers: `per unit of the feature`, or nil when the values are in output units.
    public static func perUnitNote(method: String, parameters: [String: String]) -> String? {
        guard isPerFeatureUnit(method: method) else { return nil }
        let variant = parameters["variant"] ?? "smoothgrad"
        return method == "smoothgrad" && variant != "smoothgrad" ? "(per unit of the feature)²" : "per unit of the feature"
    }
}
