import ExplainKit

/// `--method kernelshap`.
enum KernelSHAPRunner {
    static func run(_ job: ExplainJob) throws(ExplainError) -> AttributionResult {
        let options = job.command.options
        let background = try job.gameBackground(for: .kernelshap)
        let sampler = try job.choice(options.sampler, flag: "--sampler", default: KernelSHAPSampler.default,
                                     ["kernel": .kernel, "leverage": .leverage])
        let link = try job.choice(options.link, flag: "--link", default: KernelSHAPLink.identity,
                                  ["identity": .identity, "logit": .logit])
        if link == .logit, job.command.logits {
            throw ExplainError(.invalidArgument, "--link logit takes the logit of probabilities, and --logits already "
                + "explains the logits; use one of them", at: "--link")
        }
        let explainer: KernelSHAPExplainer
        do {
            explainer = try KernelSHAPExplainer(background: background, samples: options.samples, sampler: sampler,
                                                tolerance: options.tolerance, link: link, topFeatures: options.topFeatures,
                                                backgroundPerCoalition: options.backgroundPerCoalition)
        } catch let e as ExplainError {
            // Name the flag rather than the library parameter.
            throw e.location == "kernelshap.backgroundPerCoalition"
                ? ExplainError(e.code, e.message, at: "--background-per-coalition") : e
        } catch { throw ExplainError(.invalidArgument, "\(error)") }
        if explainer.backgroundWarning != nil, !job.command.quiet {
            printError("warning: the KernelSHAP background has \(background.rows.batchSize) rows: each explained row costs up "
                + "to \(explainer.coalitionEvaluationsPerRow) model evaluations; --background-size 100 or "
                + "--background-per-coalition 4 cuts the cost")
        }
        let model = job.model, inputs = job.inputs, target = job.target
        let explanations = try job.explainRows("kernelshap") { i, row, rng, progress in
            let result = try explainer.explain(inputs.row(i), row: row, target: target, predictor: model, rng: &rng,
                                               progress: progress)
            return try result.explanation(target: target, outputNames: model.outputNames)
        }
        return job.result(.kernelshap, parameters: explainer.parameters, explanations)
    }
}
