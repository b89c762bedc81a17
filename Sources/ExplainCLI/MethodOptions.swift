import ArgumentParser
import ExplainKit

/// The per-method flags. Each is echoed in the JSON `parameters` of the methods that use it.
struct MethodOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Integrated gradients: quadrature steps (default 50).")
    var steps: Int?

    @Option(help: "Integrated gradients: gauss-legendre, riemann-left, riemann-right, riemann-middle or riemann-trapezoid (default gauss-legendre).")
    var rule: String?

    @Option(help: "Integrated gradients and DeepLIFT: zeros, mean, or a CSV file of baseline rows (averaged) (default zeros).")
    var baseline: String?

    @Option(parsing: .unconditional, help: "SmoothGrad, GradientSHAP: input noise σ as a fraction of each feature's training range (default 0.15 for SmoothGrad, 0 for GradientSHAP).")
    var noise: Double?

    @Option(help: "SmoothGrad: smoothgrad, smoothgrad-squared or vargrad (default smoothgrad).")
    var variant: String?

    @Option(parsing: .unconditional, help: "Sample count: SmoothGrad noisy copies (default 50), GradientSHAP draws (default 50), LIME neighbourhood (default 5000), KernelSHAP coalition budget (default 2M + 2048), Shapley sampling permutations, reverses included (default 64).")
    var samples: Int?

    @Option(help: "Layer attribution: a layer name (see `explain inspect`); adds per-unit activation, gradient × activation and conductance. With --method grad-cam: the Grad-CAM feature map (default: the last conv2d).")
    var layer: String?

    @Option(help: "The training sample of every method when the model file has none: KernelSHAP's, DeepSHAP's, GradientSHAP's and Shapley sampling's background, LIME's training data, SmoothGrad's noise scale and the mean baseline (a CSV of rows; default: the model file's background).")
    var background: String?

    @Option(name: .customLong("background-size"), parsing: .unconditional, help: "KernelSHAP and Shapley sampling: summarise the background into K weighted k-means rows.")
    var backgroundSize: Int?

    @Option(name: .customLong("background-per-coalition"), parsing: .unconditional, help: "KernelSHAP: evaluate each sampled coalition on N background rows drawn by weight, with a control variate, instead of all of them (unbiased, with error bars; needs --link identity; default all).")
    var backgroundPerCoalition: Int?

    @Option(parsing: .unconditional, help: "KernelSHAP: keep sampling until max SE <= t·(max φ − min φ) or the budget runs out.")
    var tolerance: Double?

    @Option(help: "KernelSHAP: coalition sampler, kernel or leverage (default leverage).")
    var sampler: String?

    @Option(help: "KernelSHAP: identity or logit (default identity).")
    var link: String?

    @Option(name: .customLong("top-features"), parsing: .unconditional, help: "KernelSHAP: keep only the k largest |φ| (L1-style truncation; off by default).")
    var topFeatures: Int?

    @Option(name: .customLong("kernel-width"), parsing: .unconditional, help: "LIME: kernel width (default 0.75·√M).")
    var kernelWidth: Double?

    @Option(help: "LIME: quartile, decile or none (default quartile).")
    var discretizer: String?

    @Option(name: .customLong("feature-selection"), help: "LIME: auto, forward, highest-weights, lasso-path or none (default none).")
    var featureSelection: String?

    @Option(name: .customLong("num-features"), parsing: .unconditional, help: "LIME: features kept by feature selection (default 10).")
    var numFeatures: Int?

    @Option(name: .customLong("lrp-rule"), help: "LRP: the rule at dense and conv2d layers, epsilon, gamma or zplus (default epsilon).")
    var lrpRule: String?

    @Option(parsing: .unconditional, help: "LRP: the stabiliser ε of every rule's denominator (default 1e-6).")
    var epsilon: Double?

    @Option(parsing: .unconditional, help: "LRP: the gamma rule's γ, the extra weight of positive weights (default 0.25).")
    var gamma: Double?

    /// The largest `--epsilon` or `--gamma` accepted, and the inverse of the smallest `--epsilon` (they become Float).
    static let maximumLRPParameter = 1e30

    @Option(help: "Occlusion: the sliding window, HxW pixels (default a quarter of each side: 2x2 on 8x8 images).")
    var window: String?

    @Option(parsing: .unconditional, help: "Occlusion: the step between window positions, in pixels (default half the window's shorter side, at least 1).")
    var stride: Int?

    /// `--window HxW` as numbers, or nil when not given.
    func windowSize() throws(ExplainError) -> (height: Int, width: Int)? {
        guard let window else { return nil }
        let parts = window.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h >= 1, w >= 1 else {
            throw ExplainError(.invalidArgument, "expected HxW with two positive whole numbers, like 2x2, got \"\(window)\"",
                               at: "--window")
        }
        return (h, w)
    }

    func validate() throws {
        do { _ = try windowSize() } catch { throw ValidationError("--window: \(error.message)") }
        if let stride, stride < 1 { throw ValidationError("--stride must be at least 1, got \(stride)") }
        if let steps, !(1...IntegratedGradients.maximumStepCount).contains(steps) {
            throw ValidationError("--steps must be between 1 and \(IntegratedGradients.maximumStepCount), got \(steps)")
        }
        try CountFlag.requirePositive(samples, "--samples")
        if let noise, !(noise >= 0 && noise.isFinite) { throw ValidationError("--noise must be a finite number >= 0, got \(noise)") }
        try CountFlag.requirePositive(backgroundSize, "--background-size")
        try CountFlag.requirePositive(backgroundPerCoalition, "--background-per-coalition")
        if let tolerance, !(tolerance > 0 && tolerance < 1) { throw ValidationError("--tolerance must be in (0, 1), got \(tolerance)") }
        try CountFlag.requirePositive(topFeatures, "--top-features")
        if let kernelWidth, !LIMEExplainer.usableKernelWidths.contains(kernelWidth) {
            throw ValidationError("--kernel-width must be in [1e-150, 1e150], got \(kernelWidth)")
        }
        if let lrpRule, LRPRule(rawValue: lrpRule) == nil {
            throw ValidationError("--lrp-rule must be one of \(LRPRule.allCases.map(\.rawValue).joined(separator: ", ")), got \(lrpRule)")
        }
        if let epsilon, !(epsilon >= 1 / Self.maximumLRPParameter && epsilon <= Self.maximumLRPParameter) {
            throw ValidationError("--epsilon must be a number in [1e-30, 1e30], got \(epsilon)")
        }
        if let gamma, !(gamma >= 0 && gamma <= Self.maximumLRPParameter) {
            throw ValidationError("--gamma must be a number in [0, 1e30], got \(gamma)")
        }
        try CountFlag.requirePositive(numFeatures, "--num-features")
    }
}
