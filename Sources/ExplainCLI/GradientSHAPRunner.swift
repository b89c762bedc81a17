import ExplainKit

/// `--method gradientshap`: expected gradients over the job's background (`--background FILE` or the model file's).
///
/// Rows are explained in blocks on the job's threads; every draw derives from (seed, row), so the split does not
/// change any number.
enum GradientSHAPRunner {
    static func run(_ job: ExplainJob) throws(ExplainError) -> AttributionResult {
        guard let background = job.background else {
            throw ExplainError(.invalidArgument, "gradientshap draws its baselines from a background, and \(job.command.model) has none; give one with --background FILE", at: "--background")
        }
        let options = job.command.options
        let explainer = GradientSHAP(sampleCount: options.samples ?? 50, noiseLevel: options.noise ?? 0)
        let model = job.model, target = job.target, stats = job.featureStats, seed = job.command.seed
        let explanations = try GradientRunner.inBlocks(job, label: explainer.method) { x, rows, _ in
            try explainer.explain(x, using: model, target: target, rng: SplitMix64(seed: seed), background: background,
                                  featureStats: stats, rowIndices: rows)
        }
        var parameters = explainer.parameters
        parameters["background"] = options.background ?? "model"
        parameters["background_rows"] = String(background.rows.batchSize)
        return job.result(.gradientshap, parameters: parameters, explanations)
    }
}
