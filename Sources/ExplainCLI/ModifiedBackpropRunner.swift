import ExplainKit

/// `--method deeplift | deepshap | guided-backprop | deconvolution | lrp`: the modified-backward-pass methods.
///
/// Rows are split into blocks explained on the job's threads, as `GradientRunner` does; no method here is random.
enum ModifiedBackpropRunner {
    static func run(_ job: ExplainJob, method: MethodName) throws(ExplainError) -> AttributionResult {
        let options = job.command.options
        let model = job.model, target = job.target
        let stats = job.featureStats
        let parameters: [String: String]
        let explainBlock: @Sendable (Tensor, [Int], @escaping (Double) -> Void) throws -> [Explanation]
        switch method {
        case .deeplift:
            let explainer = DeepLIFT(baseline: try GradientRunner.baseline(job))
            let background = job.background
            parameters = explainer.parameters
            explainBlock = { x, rows, _ in
                try explainer.explain(x, using: model, target: target, featureStats: stats, background: background, rowIndices: rows)
            }
        case .deepshap:
            guard let background = job.background, background.rows.batchSize > 0 else {
                throw ExplainError(.invalidArgument, "deepshap needs background rows: \(job.command.model) has none; give --background FILE",
                                   at: "--method deepshap")
            }
            let explainer = DeepSHAP()
            parameters = explainer.parameters.merging(["background_rows": String(background.rows.batchSize)]) { $1 }
            explainBlock = { x, rows, _ in try explainer.explain(x, using: model, background: background, target: target, rowIndices: rows) }
        case .guidedBackprop, .deconvolution:
            let explainer = GuidedBackprop(kind: method == .guidedBackprop ? .guidedBackprop : .deconvolution)
            parameters = explainer.parameters
            explainBlock = { x, rows, _ in try explainer.explain(x, using: model, target: target, rowIndices: rows) }
        case .lrp:
            try LRP.check(model)
            let explainer = LRP(rule: options.lrpRule.flatMap(LRPRule.init(rawValue:)) ?? .epsilon,
                                epsilon: Float(options.epsilon ?? 1e-6), gamma: Float(options.gamma ?? 0.25))
            parameters = explainer.parameters
            explainBlock = { x, rows, _ in try explainer.explain(x, using: model, target: target, rowIndices: rows) }
        default:
            preconditionFailure("ModifiedBackpropRunner: \(method) is not a modified-backward-pass method")
        }
        let explanations = try GradientRunner.inBlocks(job, label: method.rawValue, explainBlock)
        return job.result(method, parameters: parameters, explanations)
    }
}
