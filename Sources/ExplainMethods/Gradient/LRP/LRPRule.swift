/// The propagation rule LRP applies at dense and convolutional layers (`--lrp-rule`).
///
/// With a = the layer's input, W its weight, b its bias and s = R_out / (z + ε·sign(z)) (sign 0 counted as +1):
/// ```
/// epsilon:  z = W a + b,              R_in = a ⊙ Wᵀ s               (Bach et al. 2015; captum EpsilonRule)
/// gamma:    z = (W + γ W⁺) a + b,     R_in = a ⊙ (W + γ W⁺)ᵀ s      (Montavon et al. 2019; captum GammaRule)
/// zplus:    z = W⁺ a + b,             R_in = a ⊙ (W⁺)ᵀ s            (captum Alpha1_Beta0_Rule, bias kept)
/// ```
public enum LRPRule: String, Sendable, CaseIterable {
    case epsilon, gamma
    case zPlus = "zplus"

    /// The weight the rule propagates through: W, W + γ·max(W, 0), or max(W, 0).
    func modifiedWeight(_ w: Float, gamma: Float) -> Float {
        switch self {
        case .epsilon: w
        case .gamma: w + gamma * Swift.max(w, 0)
        case .zPlus: Swift.max(w, 0)
        }
    }
}
