import ExplainKit

/// `--method lime`.
enum LIMERunner {
    static func run(_ job: ExplainJob) throws(ExplainError) -> AttributionResult {
        let options = job.command.options
        let discretizer = try job.choice(options.discretizer, flag: "--discretizer", default: LIMEDiscretization.quartile,
                                         Dictionary(uniqueKeysWithValues: LIMEDiscretization.allCases.map { ($0.rawValue, $0) }))
        let selection = try job.choice(options.featureSelection, flag: "--feature-selection", default: LIMEFeatureSelection.none,
                                       Dictionary(uniqueKeysWithValues: LIMEFeatureSelection.allCases.map { ($0.rawValue, $0) }))
        if let samples = options.samples, samples < 2 {
            throw ExplainError(.invalidArgument, "lime needs at least 2 samples, got \(samples)", at: "--samples")
        }
        let model = job.model
        guard job.featureStats != nil || job.background != nil else {
            throw ExplainError(.invalidArgument, "lime needs feature_stats or a background in the model file, or --background FILE", at: job.command.model)
        }
        let explainer: LIMEExplainer
        do {
            explainer = try LIMEExplainer(
                featureStats: job.featureStats, background: job.background,
                samples: options.samples ?? 5000, kernelWidth: options.kernelWidth, discretizer: discretizer,
                featureSelection: selection, numFeatures: options.numFeatures ?? 10,
                featureNames: model.featureNames, outputNames: model.outputNames)
        } catch let e as ExplainError { throw e } catch { throw ExplainError(.invalidArgument, "\(error)") }
        let inputs = job.inputs, target = job.target
        let explanations = try job.explainRows("lime") { i, row, rng, progress in
            try explainer.explain(inputs.row(i), row: row, target: target, predictor: model, rng: &rng, progress: progress)
        }
        return job.result(.lime, parameters: explainer.parameters, explanations)
    }
}
