import ExplainTensor

/// The space KernelSHAP explains the model output in (shap's `link`).
///
/// The link is applied to the background-averaged game value, as in shap: φ explains
/// link(v(S)) with Σ φ = link(f(x)) − link(E f).
public enum KernelSHAPLink: String, Sendable, CaseIterable, Codable {
    /// The raw output.
    case identity
    /// The log-odds log(p / (1 − p)), for probability outputs. p is clipped to [ε, 1 − ε] with ε = 1e-7 (about
    /// Float32's resolution near 1), so outputs of exactly 0 or 1 stay finite (±16.1).
    case logit

    /// The clipping margin of the logit link.
    public static let logitEpsilon = 1e-7

    /// Maps an output value into link space.
    public func apply(_ value: Double) -> Double {
        switch self {
        case .identity: return value
        case .logit:
            let p = min(max(value, Self.logitEpsilon), 1 - Self.logitEpsilon)
            return Math.log(p / (1 - p))
        }
    }
}
