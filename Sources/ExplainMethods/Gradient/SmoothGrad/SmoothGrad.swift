import ExplainNN
import ExplainTensor

/// SmoothGrad and its variants: statistics of the gradient over noisy copies of the input.
///
/// ```
/// g_s = ∇f(x + ε_s),  ε_sj ~ N(0, σ_j²),  σ_j = noise · (max_j − min_j),  s = 1…N
/// smoothgrad          φ = (1/N) Σ_s g_s                      SE = sd(g) / √N
/// smoothgrad-squared  φ = (1/N) Σ_s g_s²                     SE = sd(g²) / √N
/// vargrad             φ = (1/N) Σ_s (g_s − ḡ)²  (population)  SE = √((m₄ − m₂²) / N)
/// ```
/// Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"; VarGrad after Adebayo et al. 2018 and captum
/// `NoiseTunnel` (`smoothgrad`, `smoothgrad_sq`, `vargrad`, which define the same estimators). sd is the sample
/// standard deviation (N − 1); m₂ and m₄ are the central sample moments, and √((m₄ − m₂²)/N) is the large-sample
/// standard error of the variance estimate. Unlike captum's one absolute σ, σ_j is relative to each feature's
/// training range, as in the paper:
/// - `feature_stats` max − min when given;
/// - otherwise the background's per-feature range (flag `noise_from_background_range`);
/// - with neither, `explain` refuses: a σ from the row's own values would change from row to row without saying so.
///
/// The noise of row number r (`rowIndices`), copy s comes from `rng.derived(r).derived(s)` (features 2i and 2i + 1
/// take the two values of its i-th `nextNormalPair()`), so results depend on neither the batching nor how the caller
/// splits the rows, as long as it passes the run's generator and the rows' numbers.
/// Moments are accumulated in Double around the clean gradient, which keeps the variance free of cancellation.
public struct SmoothGrad: Sendable {
    /// The statistic of the noisy gradients that is reported.
    public enum Variant: String, Sendable, CaseIterable, Codable {
        case smoothGrad = "smoothgrad"
        case smoothGradSquared = "smoothgrad-squared"
        case varGrad = "vargrad"
    }

    /// The number of noisy copies N per row.
    public var sampleCount: Int
    /// The noise standard deviation as a fraction of each feature's range.
    public var noiseLevel: Double
    /// The reported statistic.
    public var variant: Variant
    /// The memory budget of one forward/backward pass.
    public var batching: GradientBatching

    /// - Precondition: `sampleCount ≥ 1` and `noiseLevel ≥ 0`, finite (validate user input before).
    public init(sampleCount: Int = 50, noiseLevel: Double = 0.15, variant: Variant = .smoothGrad,
                batching: GradientBatching = GradientBatching()) {
        precondition(sampleCount >= 1 && noiseLevel >= 0 && noiseLevel.isFinite, "SmoothGrad: invalid parameters")
        self.sampleCount = sampleCount
        self.noiseLevel = noiseLevel
        self.variant = variant
        self.batching = batching
    }

    /// The CONTRACT method name.
    public var method: String { "smoothgrad" }
    /// The parameters with CLI spellings: `samples`, `noise`, `variant`.
    public var parameters: [String: String] {
        ["samples": String(sampleCount), "noise": String(noiseLevel), "variant": variant.rawValue]
    }

    /// Explains every row for its target output.
    ///
    /// - Parameters:
    ///   - rows: `[N, inputWidth]` (or `[N] + inputShape`) raw input rows.
    ///   - predictor: the differentiable model.
    ///   - target: the explained output; `.predicted` takes the argmax of f at the clean input.
    ///   - rng: the run's noise generator; row number r uses the stream `rng.derived(r)`.
    ///   - featureStats, background: the training data that set the noise scale.
    ///   - rowIndices: the rows' numbers in the user's input (`Explanation.row`); default 0, 1, 2, ….
    ///   - progress: called after each batched pass with the share of the noisy copies evaluated so far.
    /// - Returns: one explanation per row; `std_errors` is the standard error of the reported estimator (nil when
    ///   N = 1); `prediction` is f(x) at the clean input and `base_value` is nil.
    /// - Throws: `ExplainError` for invalid rows, target or statistics, or errors of the predictor.
    /// - Complexity: rows × (N + 1) gradient evaluations, in chunks of `batching`.
    public func explain<P: DifferentiablePredictor>(
        _ rows: Tensor, using predictor: P, target: Target = .predicted, rng: SplitMix64,
        featureStats: FeatureStats? = nil, background: Background? = nil, rowIndices: [Int]? = nil,
        progress: ((Double) -> Void)? = nil
    ) throws -> [Explanation] {
        let width = predictor.inputWidth
        try GradientSupport.validate(rows, width: width)
        let x = GradientSupport.flat(rows)
        let numbers = try GradientSupport.rowNumbers(rowIndices, count: x.batchSize)
        let n = x.batchSize, copies = sampleCount
        guard n > 0 else { return [] }
        let (sigma, flags) = try NoiseScale.perRow(level: noiseLevel, width: width, rows: x, featureStats: featureStats,
                                                  background: background)
        let (outputs, clean, targets) = try batching.outputsAndGradients(predictor, x, target: target)
        let squares = variant == .smoothGradSquared
        // Power sums of u = v − v₀ per row and feature, v = g (or g²), v₀ its value at the clean input.
        let orders = variant == .varGrad ? 4 : 2
        var sums = [Double](repeating: 0, count: n * width * orders)
        try x.scalars.withUnsafeBufferPointer { xs in
            try batching.evaluate(predictor, pointCount: n * copies, pointsPerRow: copies, fill: { point, out in
                var noise = rng.derived(UInt64(truncatingIfNeeded: numbers[point / copies])).derived(UInt64(point % copies))
                let base = (point / copies) * width
                for j in stride(from: 0, to: width, by: 2) {
                    let (a, b) = noise.nextNormalPair()
                    out[j] = xs[base + j] + Float(sigma[base + j] * a)
                    if j + 1 < width { out[j + 1] = xs[base + j + 1] + Float(sigma[base + j + 1] * b) }
                }
            }, target: { targets[$0 / copies] }, consume: { points, _, gradients in
                gradients.scalars.withUnsafeBufferPointer { g in
                    clean.scalars.withUnsafeBufferPointer { g0 in
                        sums.withUnsafeMutableBufferPointer { acc in
                            for (slot, point) in points.enumerated() {
                                let r = point / copies
                                for j in 0..<width {
                                    let v = Double(g[slot * width + j]), v0 = Double(g0[r * width + j])
                                    let u = squares ? v * v - v0 * v0 : v - v0
                                    let at = (r * width + j) * orders
                                    acc[at] += u
                                    acc[at + 1] += u * u
                                    if orders == 4 {
                                        acc[at + 2] += u * u * u
                                        acc[at + 3] += u * u * u * u
                                    }
                                }
                            }
                        }
                    }
                }
            }, progress: progress)
        }
        let count = Double(copies)
        return try GradientSupport.finite((0..<n).map { r in
            var attributions = [Double](repeating: 0, count: width)
            var errors = [Double](repeating: 0, count: width)
            for j in 0..<width {
                let at = (r * width + j) * orders
                let g0 = Double(clean.scalars[r * width + j])
                let mean = sums[at] / count
                let m2 = Swift.max(0, sums[at + 1] / count - mean * mean)
                switch variant {
                case .smoothGrad, .smoothGradSquared:
                    attributions[j] = (squares ? g0 * g0 : g0) + mean
                    errors[j] = copies > 1 ? (m2 * count / (count - 1) / count).squareRoot() : 0
                case .varGrad:
                    attributions[j] = m2
                    let s3 = sums[at + 2] / count, s4 = sums[at + 3] / count
                    let m4 = s4 - 4 * mean * s3 + 6 * mean * mean * (sums[at + 1] / count) - 3 * mean * mean * mean * mean
                    errors[j] = (Swift.max(0, m4 - m2 * m2) / count).squareRoot()
                }
            }
            let t = targets[r]
            return Explanation(
                row: numbers[r], target: t, targetName: GradientSupport.outputName(predictor, t),
                prediction: Double(outputs.scalars[r * predictor.outputCount + t]), attributions: attributions,
                stdErrors: copies > 1 ? errors : nil,
                diagnostics: ["model_evaluations": count + 1,
                              "noise_sigma_mean": sigma[(r * width)..<((r + 1) * width)].reduce(0, +) / Double(Swift.max(width, 1))],
                flags: flags)
        }, suspects: "the noise level, the row's values and the model's weights")
    }

    /// The message of the error for a run with neither statistics nor a background.
    public static let missingRangeMessage = NoiseScale.missingRangeMessage
}
