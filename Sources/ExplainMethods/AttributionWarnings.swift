/// Warnings about explanations whose numbers look fine but mean little: a saturated probability, or attributions
/// that are all but zero.
///
/// A classifier's probability within `saturationMargin` of 0 or 1 has a vanishing gradient (p·(1 − p) → 0), so every
/// gradient-based attribution of it is numerically zero, and perturbation methods see a flat output; the remedy is
/// to explain the logits (`Model.logitModel()`, `--logits`). The flags are CONTRACT.md §5 names.
public enum AttributionWarnings {
    /// The explained probability is within `saturationMargin` of 0 or 1.
    public static let saturatedFlag = "saturated_output"
    /// Every |attribution| is below `negligibleBound`.
    public static let negligibleFlag = "negligible_attributions"
    /// How close to 0 or 1 a probability must be to count as saturated.
    public static let saturationMargin = 1e-4
    /// The largest |attribution| that counts as negligible.
    public static let negligibleBound = 1e-6

    /// Whether a probability is saturated.
    public static func isSaturated(probability p: Double) -> Bool {
        p <= saturationMargin || p >= 1 - saturationMargin
    }

    /// `explanation` with the flags that apply added (once each).
    ///
    /// - Parameters:
    ///   - probability: the model's probability of the explained output for the row, when its outputs are
    ///     probabilities (it ends in softmax or sigmoid and the probabilities, not the logits, are explained); nil
    ///     otherwise.
    public static func flagged(_ explanation: Explanation, probability: Double?) -> Explanation {
        var e = explanation
        if let p = probability, isSaturated(probability: p), !e.flags.contains(saturatedFlag) {
            e.flags.append(saturatedFlag)
        }
        if !e.attributions.isEmpty, e.attributions.allSatisfy({ abs($0) < negligibleBound }),
           !e.flags.contains(negligibleFlag) {
            e.flags.append(negligibleFlag)
        }
        return e
    }
}
