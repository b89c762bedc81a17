import ExplainKit

/// `--method gradient | saliency | gradient-x-input | integrated-gradients | smoothgrad`, and `--layer`.
///
/// Rows are split into blocks explained on the job's threads. Inside a block the explainers never batch one row's
/// points with another's (`GradientBatching`) and SmoothGrad's noise derives from (seed, row), so the split, which
/// follows the thread count, changes no number.
enum GradientRunner {
    static func run(_ job: ExplainJob, method: MethodName) throws(ExplainError) -> AttributionResult {
        let options = job.command.options
        let model = job.model, target = job.target
        let stats = job.featureStats, background = job.background
        let seed = job.command.seed
        let parameters: [String: String]
        let explainBlock: @Sendable (Tensor, [Int], @escaping (Double) -> Void) throws -> [Explanation]
        switch method {
        case .gradient, .saliency, .gradientXInput:
            let kind: GradientExplainer.Kind = method == .gradient ? .gradient : method == .saliency ? .saliency : .gradientXInput
            let explainer = GradientExplainer(kind: kind)
            parameters = explainer.parameters
            explainBlock = { x, rows, _ in try explainer.explain(x, using: model, target: target, rowIndices: rows) }
        case .integratedGradients:
            let explainer = IntegratedGradients(stepCount: options.steps ?? 50, rule: try rule(job), baseline: try baseline(job))
            parameters = explainer.parameters.merging(baselineSource(job, explainer.baseline)) { $1 }
            explainBlock = { x, rows, _ in
                try explainer.explain(x, using: model, target: target, featureStats: stats, background: background, rowIndices: rows)
            }
        case .smoothgrad:
            let variant = try job.choice(options.variant, flag: "--variant", default: SmoothGrad.Variant.smoothGrad,
                                         Dictionary(uniqueKeysWithValues: SmoothGrad.Variant.allCases.map { ($0.rawValue, $0) }))
            let explainer = SmoothGrad(sampleCount: options.samples ?? 50, noiseLevel: options.noise ?? 0.15, variant: variant)
            parameters = explainer.parameters
            explainBlock = { x, rows, progress in
                try explainer.explain(x, using: model, target: target, rng: SplitMix64(seed: seed),
                                      featureStats: stats, background: background, rowIndices: rows, progress: progress)
            }
        default:
            preconditionFailure("GradientRunner: \(method) is not a gradient method")
        }
        let explanations = try inBlocks(job, label: method.rawValue, explainBlock)
        return job.result(method, parameters: parameters, explanations)
    }

    /// Explains the job's rows in blocks on its threads, preserving row order; `body` may report the share of its
    /// block done.
    ///
    /// The blocks depend on the row count only, never on the thread count (and the explainers batch no two rows
    /// together: `GradientBatching`). Up to 32 blocks of at most 256 rows.
    static func inBlocks<T: Sendable>(_ job: ExplainJob, label: String,
                                      _ body: @escaping @Sendable (Tensor, [Int], @escaping (Double) -> Void) throws -> [T])
        throws(ExplainError) -> [T] {
        let n = job.rowIndices.count
        let blockSize = max(1, min(256, (n + 31) / 32))
        let blocks = stride(from: 0, to: n, by: blockSize).map { $0..<min(n, $0 + blockSize) }
        let inputs = job.inputs, rows = job.rowIndices
        let progress = Progress(total: blocks.count, label: label, quiet: job.command.quiet)
        do {
            let parts = try ParallelRows.map(count: blocks.count, threads: job.threads, progress: { progress.update($0) }) { b in
                defer { progress.finish(item: b) }
                return try body(inputs.rows(blocks[b]), Array(rows[blocks[b]])) { progress.advance(item: b, fraction: $0) }
            }
            return parts.flatMap { $0 }
        } catch let error as ExplainError {
            throw error
        } catch {
            throw ExplainError(.callback, "\(label) failed: \(error)")
        }
    }

    static func rule(_ job: ExplainJob) throws(ExplainError) -> QuadratureRule {
        try job.choice(job.command.options.rule, flag: "--rule", default: QuadratureRule.gaussLegendre,
                       Dictionary(uniqueKeysWithValues: QuadratureRule.allCases.map { ($0.rawValue, $0) }))
    }

    /// `--baseline zeros | mean | FILE`. Without the flag: the training mean for a tabular model that has
    /// `feature_stats` or a background (the model file's or `--background`), all zeros for an image model (as
    /// captum) and for a tabular model with neither (with a note, `ExplainJob.defaultBaselineNote`).
    static func baseline(_ job: ExplainJob) throws(ExplainError) -> GradientBaseline {
        switch job.command.options.baseline {
        case nil:
            let isTabular = job.model.inputShape.count == 1
            return isTabular && (job.featureStats != nil || job.background != nil) ? .mean : .zeros
        case "zeros": return .zeros
        case "mean":
            guard job.featureStats != nil || job.background != nil else {
                throw ExplainError(.invalidArgument, "mean needs feature_stats or a background in \(job.command.model), or --background FILE", at: "--baseline")
            }
            return .mean
        case let path?: return .rows(try job.featureRows(path), source: path)
        }
    }

    /// Where a mean baseline came from, for `parameters["baseline_mean_of"]`: `feature_stats`, `background` (the
    /// model file's) or the `--background` file; empty for other baselines.
    static func baselineSource(_ job: ExplainJob, _ baseline: GradientBaseline) -> [String: String] {
        guard baseline == .mean else { return [:] }
        if job.featureStats != nil { return ["baseline_mean_of": "feature_stats"] }
        return ["baseline_mean_of": job.command.options.background.map { "--background \($0)" } ?? "background"]
    }

    /// `--layer NAME`: activation, gradient × activation and conductance for the explained rows.
    static func layerAttributions(_ job: ExplainJob, layer: String) throws(ExplainError) -> [LayerAttribution] {
        _ = try job.model.layerIndex(named: layer)
        let baseline = try baseline(job)
        var results: [LayerAttribution] = []
        for method in LayerAttributor.Method.allCases {
            let attributor = LayerAttributor(layer: layer, method: method, stepCount: job.command.options.steps ?? 50, baseline: baseline)
            let model = job.model, target = job.target, stats = job.featureStats, background = job.background
            let rowsPart = try inBlocks(job, label: "layer \(method.rawValue)") { x, rows, _ in
                [try attributor.attribute(x, model: model, target: target, featureStats: stats, background: background, rowIndices: rows)]
            }
            guard var merged = rowsPart.first else { continue }
            merged.rows = rowsPart.flatMap(\.rows)
            results.append(merged)
        }
        return results
    }
}
