import ExplainKit

/// `--method feature-ablation | occlusion | shapley-sampling`.
///
/// Each row is explained on its own (`ExplainJob.explainRows`), Shapley sampling with the generator derived from
/// (seed, row), so the numbers do not depend on `--threads`.
enum PerturbationRunner {
    static func run(_ job: ExplainJob, method: MethodName) throws(ExplainError) -> AttributionResult {
        let model = job.model, inputs = job.inputs, target = job.target
        let stats = job.featureStats, background = job.background
        let parameters: [String: String]
        let explainRow: @Sendable (Int, Int, inout SplitMix64) throws -> PerturbationResult
        switch method {
        case .featureAblation:
            let explainer = try located(try FeatureAblation(baseline: try GradientRunner.baseline(job)))
            parameters = explainer.parameters
            explainRow = { i, row, _ in
                try explainer.explain(inputs.row(i), row: row, predictor: model, featureStats: stats, background: background)
            }
        case .occlusion:
            let options = job.command.options
            let window = try options.windowSize()
            let explainer = try located(try Occlusion(inputShape: model.inputShape, windowHeight: window?.height,
                                                      windowWidth: window?.width, stride: options.stride,
                                                      baseline: try GradientRunner.baseline(job)))
            parameters = explainer.parameters
            explainRow = { i, row, _ in
                try explainer.explain(inputs.row(i), row: row, predictor: model, featureStats: stats, background: background)
            }
        case .shapleySampling:
            let explainer = try located(try ShapleySampling(
                background: try job.gameBackground(for: .shapleySampling),
                permutations: job.command.options.samples ?? ShapleySampling.defaultPermutationCount))
            parameters = explainer.parameters
            explainRow = { i, row, rng in try explainer.explain(inputs.row(i), row: row, predictor: model, rng: &rng) }
        default:
            preconditionFailure("PerturbationRunner: \(method) is not a perturbation method it runs")
        }
        let explanations = try job.explainRows(method.rawValue) { i, row, rng, _ in
            try explainRow(i, row, &rng).explanation(target: target, outputNames: model.outputNames)
        }
        return job.result(method, parameters: parameters, explanations)
    }

    /// Runs an explainer's initialiser, naming the CLI flag instead of the library parameter in its errors.
    private static func located<T>(_ body: @autoclosure () throws -> T) throws(ExplainError) -> T {
        let flags = ["occlusion.window": "--window", "occlusion.stride": "--stride", "shapley-sampling.samples": "--samples",
                     "occlusion": "--method"]
        do { return try body() } catch let e as ExplainError {
            throw flags[e.location].map { ExplainError(e.code, e.message, at: $0) } ?? e
        } catch { throw ExplainError(.invalidArgument, "\(error)") }
    }
}
