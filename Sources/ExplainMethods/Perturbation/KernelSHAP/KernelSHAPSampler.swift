/// How KernelSHAP draws the coalitions of the sizes it cannot enumerate.
///
/// Both samplers first enumerate whole coalition sizes from the outside in while the budget covers them
/// (ALGORITHMS.md, KernelSHAP), and both pair every drawn coalition with its complement. They differ in how the
/// remaining budget is spread over sizes and in how drawn coalitions are weighted in the regression; both estimate
/// the same Shapley values.
public enum KernelSHAPSampler: String, Sendable, CaseIterable, Codable {
    /// shap's scheme: a size with probability ∝ (M−1)/(s(M−s)), a uniform subset of that size, with replacement;
    /// each draw adds 1 to its coalition's weight and the sampled weights are scaled to the remaining kernel mass.
    case kernel
    /// Leverage-score sampling (Musco & Witter 2025): every remaining size gets an equal share of the draws (the
    /// leverage score of a coalition is 1/C(M,|S|)), subsets are drawn uniformly without replacement, and a drawn
    /// coalition of size s is weighted by its kernel weight divided by its inclusion probability k_s / C(M,s).
    ///
    /// ```
    /// w(S) = (M−1) / (C(M,s)·s·(M−s)) · C(M,s) / k_s
    /// ```
    /// Musco & Witter, "Provably accurate Shapley value estimation via leverage score sampling", ICLR 2025.
    case leverage

    /// The default sampler: the one with the lower error per model evaluation in
    /// `KernelSHAPSamplerComparisonTests` on models with known exact Shapley values.
    public static let `default`: KernelSHAPSampler = .leverage
}
