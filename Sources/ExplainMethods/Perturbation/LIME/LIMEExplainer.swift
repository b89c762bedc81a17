import ExplainTensor

/// LIME for tabular data: a weighted ridge surrogate fitted on a sampled neighbourhood (Ribeiro, Singh & Guestrin
/// 2016, "Why should I trust you?"), with lime 0.2's `LimeTabularExplainer` defaults.
///
/// ```
/// π_i = sqrt(exp(−d_i² / w²)),  w = 0.75·√M,  d_i = ‖z_i − z_0‖
/// (β, b) = argmin Σ π_i (f(x_i) − b − z_iᵀβ)² + α‖β‖²,  α = 1
/// ```
/// Sampling is `LIMESampler`'s; the fit is `WeightedRidge`'s. Beyond lime, each explanation reports the surrogate's
/// weighted R² (`fidelity`), its prediction at x and gap to f(x), sandwich standard errors of the coefficients, the
/// bin of every feature as a label (`petal_width <= 0.3`), and a `low_fidelity` flag when R² < 0.5.
public struct LIMEExplainer: Sendable {
    /// The ridge penalty of the surrogate (lime's `Ridge(alpha=1)`).
    public static let ridgeAlpha = 1.0
    /// Below this weighted R², explanations carry the `low_fidelity` flag.
    public static let lowFidelityThreshold = 0.5
    /// The largest number of input scalars sent to the model in one batch: about 1000 rows of 30 features, so a
    /// network's intermediate activations stay in the L2 cache while the neighbourhood takes a few batches.
    public static let batchElementBudget = 1 << 15
    /// The largest neighbourhood accepted: its rows and their binary design stay in memory for the regression
    /// (12 bytes per sample and feature, so 2^21 samples of 64 features take 1.6 GB).
    public static let maximumSamples = 1 << 21
    /// The memory one row's neighbourhood may take: 4 GiB (only inputs of about 70,000 features or more reach it at
    /// the default 5000 samples).
    static let neighbourhoodMemoryLimit = 1 << 32

    /// The number of samples N per row, the instance included.
    public let samples: Int
    /// The kernel width w.
    public let kernelWidth: Double
    public let discretizer: LIMEDiscretization
    public let featureSelection: LIMEFeatureSelection
    /// lime's `num_features`: how many features the selection keeps (and a report shows).
    public let numFeatures: Int
    /// The feature names used in labels.
    public let featureNames: [String]
    /// The output names used for `targetName`; empty means the output index.
    public let outputNames: [String]
    /// The neighbourhood generator.
    public let sampler: LIMESampler

    /// Every setting, as strings with the CLI spellings, for `AttributionResult.parameters`.
    public var parameters: [String: String] {
        [
            "samples": String(samples),
            "kernel_width": String(kernelWidth),
            "discretizer": discretizer.rawValue,
            "feature_selection": featureSelection.rawValue,
            "num_features": String(numFeatures),
        ]
    }

    /// The number of features M.
    public var width: Int { sampler.width }

    /// Configures the explainer from the training statistics and/or background rows (lime's `training_data`).
    ///
    /// - Parameters:
    ///   - featureStats: per-feature training statistics; preferred for means, stds and quartile boundaries.
    ///   - background: training rows; used for bin statistics, decile boundaries, and when `featureStats` is nil.
    ///   - samples: N, at least 2 (lime: 5000).
    ///   - kernelWidth: w; nil means 0.75·√M.
    ///   - discretizer: quartile (lime's default), decile or none (continuous).
    ///   - featureSelection: the default `.none` keeps every feature.
    ///   - numFeatures: the features kept by a selection method (lime: 10).
    ///   - featureNames: names for labels; default `x0`, `x1`, …
    ///   - outputNames: names for `targetName`; default the index.
    /// - Throws: `ExplainError(.invalidArgument)` for an invalid setting or inconsistent training data.
    public init(
        featureStats: FeatureStats?, background: Background?, samples: Int = 5000, kernelWidth: Double? = nil,
        discretizer: LIMEDiscretization = .quartile, featureSelection: LIMEFeatureSelection = .none,
        numFeatures: Int = 10, featureNames: [String]? = nil, outputNames: [String] = []
    ) throws {
        guard samples >= 2 && samples <= Self.maximumSamples else {
            throw ExplainError(.invalidArgument, "samples must be between 2 and \(Self.maximumSamples) (the whole "
                + "neighbourhood is kept in memory for the regression), got \(samples)", at: "lime.samples")
        }
        guard numFeatures >= 1 else {
            throw ExplainError(.invalidArgument, "num_features must be at least 1, got \(numFeatures)",
                               at: "lime.num_features")
        }
        let sampler = try LIMESampler(discretization: discretizer, featureStats: featureStats, background: background)
        let m = sampler.width
        let width = kernelWidth ?? 0.75 * Double(m).squareRoot()
        guard Self.usableKernelWidths.contains(width) else {
            throw ExplainError(.invalidArgument, "kernel_width must be in [1e-150, 1e150] (its square must be a "
                + "positive finite number), got \(width)", at: "lime.kernel_width")
        }
        if let names = featureNames, names.count != m {
            throw ExplainError(.invalidArgument, "\(names.count) feature names for \(m) features", at: "lime.features")
        }
        // Each neighbour keeps its row (Float) and its binary design row (Double): 12 bytes per feature.
        let affordable = Self.neighbourhoodMemoryLimit / (12 * max(1, m))
        guard samples <= affordable else {
            throw ExplainError(.invalidArgument, "\(samples) neighbours of \(m) features would need more than "
                + "\(Self.neighbourhoodMemoryLimit >> 30) GiB; at most \(affordable) fit", at: "lime.samples")
        }
        self.samples = samples
        self.kernelWidth = width
        self.discretizer = discretizer
        self.featureSelection = featureSelection
        self.numFeatures = numFeatures
        self.featureNames = featureNames ?? (0..<m).map { "x\($0)" }
        self.outputNames = outputNames
        self.sampler = sampler
    }

    /// lime's kernel: sqrt(exp(−d² / w²)).
    /// Kernel widths whose square is a normal Double, so that exp(−d²/w²) is 1 at d = 0 and never 0/0. Outside it
    /// every weight would underflow or be NaN.
    public static let usableKernelWidths: ClosedRange<Double> = 1e-150...1e150

    public static func kernel(distance d: Double, width w: Double) -> Double {
        Math.exp(-(d * d) / (w * w)).squareRoot()
    }

    /// Explains one row.
    ///
    /// - Parameters:
    ///   - x: the instance, `width` values.
    ///   - row: the row index reported in the explanation.
    ///   - target: the output to explain; `.predicted` is the argmax of f(x).
    ///   - predictor: any batch function with `inputWidth == width`.
    ///   - rng: the random source of the neighbourhood.
    ///   - progress: called after each model call with the share of the neighbourhood evaluated so far.
    /// - Returns: `attributions` are the surrogate's coefficients (0 for features not selected), `baseValue` its
    ///   intercept, `prediction` f(x); diagnostics `surrogate_prediction`, `surrogate_gap` (surrogate − f(x)),
    ///   `kernel_width`, `model_evaluations`, `selected_features`.
    /// - Throws: `ExplainError(.invalidArgument)` for mismatched widths, a non-finite x or a bad target;
    ///   `.numerical` when the model returns non-finite outputs; the predictor's own errors.
    /// - Complexity: `samples` model evaluations, in batches of at most `batchElementBudget` input values.
    public func explain(
        _ x: [Float], row: Int, target: Target, predictor: some BatchPredictor, rng: inout SplitMix64,
        progress: ((Double) -> Void)? = nil
    ) throws -> Explanation {
        let m = width
        guard x.count == m else {
            throw ExplainError(.invalidArgument, "the row has \(x.count) values, expected \(m)", at: "row \(row)")
        }
        guard predictor.inputWidth == m else {
            throw ExplainError(.invalidArgument, "the model takes \(predictor.inputWidth) inputs, the training data has \(m)",
                               at: "lime")
        }
        guard x.allSatisfy({ $0.isFinite }) else {
            throw ExplainError(.invalidInput, "the row holds a non-finite value", at: "row \(row)")
        }
        var hood = sampler.sample(around: x, count: samples, rng: &rng)
        let (targets, t) = try evaluate(hood, target: target, predictor: predictor, row: row, progress: progress)
        let weights = kernelWeights(hood.distances)
        let z0 = Array(hood.interpretable[0..<m])
        // Hand the design over without a copy: the ridge centres it in place.
        let design = hood.interpretable
        hood.interpretable = []
        let ridge = WeightedRidge(design: design, rows: samples, columns: m, targets: targets, weights: weights)
        let selected = featureSelection.select(ridge, count: numFeatures, instance: z0)
        let fit = ridge.fit(columns: selected, alpha: Self.ridgeAlpha)
        let fx = targets[0]
        let local = fit.predict(z0)
        var flags = [String]()
        if fit.rSquared < Self.lowFidelityThreshold { flags.append("low_fidelity") }
        if fit.method == .leastSquares { flags.append("surrogate_least_squares_fallback") }
        // With fewer samples than twice the fitted parameters the surrogate nearly interpolates them, and the
        // sandwich standard errors, made of its residuals, come out too small.
        if samples < 2 * (selected.count + 1) { flags.append("lime_too_few_samples_for_std_errors") }
        let labels: [String] = (0..<m).map { j in
            guard let d = sampler.discretizer else { return featureNames[j] }
            return d.label(feature: j, bin: hood.instanceBins[j], name: featureNames[j])
        }
        return Explanation(
            row: row, target: t, targetName: t < outputNames.count ? outputNames[t] : String(t),
            prediction: fx, baseValue: fit.intercept, attributions: fit.coefficients, stdErrors: fit.standardErrors,
            fidelity: fit.rSquared,
            diagnostics: [
                "surrogate_prediction": local, "surrogate_gap": local - fx, "kernel_width": kernelWidth,
                "model_evaluations": Double(samples), "selected_features": Double(selected.count),
            ],
            flags: flags, featureLabels: labels, outputs: nil)
    }

    /// lime's kernel of every distance. Discretised distances are √(number of mismatches), so their M + 1 values are
    /// tabulated once; the table holds exactly `kernel(distance:width:)` of those distances.
    private func kernelWeights(_ distances: [Double]) -> [Double] {
        guard sampler.discretizer != nil else { return distances.map { Self.kernel(distance: $0, width: kernelWidth) } }
        let table = (0...width).map { Self.kernel(distance: Double($0).squareRoot(), width: kernelWidth) }
        return distances.map { d in
            let k = Int((d * d).rounded())
            guard k >= 0 && k <= width && Double(k).squareRoot() == d else { return Self.kernel(distance: d, width: kernelWidth) }
            return table[k]
        }
    }

    /// Runs the model on the neighbourhood in large batches; returns the target column and the resolved target.
    private func evaluate(
        _ hood: LIMENeighbourhood, target: Target, predictor: some BatchPredictor, row: Int,
        progress: ((Double) -> Void)?
    ) throws -> (targets: [Double], index: Int) {
        let m = hood.width, n = hood.count, k = predictor.outputCount
        let chunk = Swift.max(1, Self.batchElementBudget / Swift.max(m, 1))
        var outputs = [Float]()
        outputs.reserveCapacity(n * k)
        var start = 0
        while start < n {
            let end = Swift.min(n, start + chunk)
            let rows = start == 0 && end == n ? hood.samples : Array(hood.samples[(start * m)..<(end * m)])
            let batch = Tensor(shape: [end - start, m], scalars: rows)
            let out = try predictor.predict(batch)
            guard out.batchSize == end - start, out.sampleCount == k else {
                throw ExplainError(.callback, "the model returned shape \(out.shape) for \(end - start) rows, expected [\(end - start), \(k)]",
                                   at: "row \(row)")
            }
            outputs.append(contentsOf: out.scalars)
            start = end
            progress?(Double(end) / Double(n))
        }
        let instance = Array(outputs[0..<k])
        let t = target.resolve(outputs: instance)
        guard t >= 0 && t < k else {
            throw ExplainError(.invalidArgument, "target \(t) is out of range for \(k) outputs", at: "row \(row)")
        }
        let targets = (0..<n).map { Double(outputs[$0 * k + t]) }
        guard targets.allSatisfy({ $0.isFinite }) else {
            throw ExplainError(.numerical, "the model returned a non-finite output on the LIME neighbourhood",
                               at: "row \(row)")
        }
        return (targets, t)
    }
}
