import ExplainKit

/// `--method grad-cam` and `guided-grad-cam`: Grad-CAM on `--layer NAME` (default: the last convolution), rows in blocks on the job's
/// threads.
///
/// With `--method grad-cam`, `--layer` names the Grad-CAM layer (and adds no layer attribution). Within
/// `--method all`, `--layer` keeps its layer-attribution meaning; Grad-CAM uses it too when it is a `[C, H, W]`
/// feature map, and the default layer otherwise (the echoed `layer` parameter says which).
enum GradCAMRunner {
    static func run(_ job: ExplainJob) throws(ExplainError) -> AttributionResult {
        let explainer = GradCAM(layer: layer(job))
        _ = try explainer.layerIndex(in: job.model)
        let model = job.model, target = job.target
        let explanations = try GradientRunner.inBlocks(job, label: explainer.method) { x, rows, _ in
            try explainer.explain(x, model: model, target: target, rowIndices: rows)
        }
        return job.result(.gradCAM, parameters: explainer.parameters(for: model), explanations)
    }

    /// `--method guided-grad-cam`: guided backprop times the Grad-CAM map (nearest upsampling, as captum), on the
    /// same layer as `grad-cam`.
    static func runGuided(_ job: ExplainJob) throws(ExplainError) -> AttributionResult {
        let explainer = GuidedGradCAM(layer: layer(job))
        _ = try GradCAM(layer: explainer.layer).layerIndex(in: job.model)
        let model = job.model, target = job.target
        let explanations = try GradientRunner.inBlocks(job, label: explainer.method) { x, rows, _ in
            try explainer.explain(x, model: model, target: target, rowIndices: rows)
        }
        return job.result(.guidedGradCAM, parameters: explainer.parameters(for: model), explanations)
    }

    /// Whether `--method all` runs Grad-CAM on this model: an image model with a feature-map layer.
    static func applies(to model: Model) -> Bool { GradCAM.defaultLayer(in: model) != nil }

    /// The Grad-CAM layer: `--layer`, except a non-feature-map `--layer` within `--method all` (nil: the default).
    static func layer(_ job: ExplainJob) -> String? {
        guard let name = job.command.options.layer else { return nil }
        guard job.command.method == .all else { return name }
        let model = job.model
        guard let index = model.layers.firstIndex(where: { $0.name == name }), model.layerShapes[index].count == 3 else { return nil }
        return name
    }
}
