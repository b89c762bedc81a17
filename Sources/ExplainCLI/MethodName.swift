import ArgumentParser
import ExplainKit

/// The `--method` values of CONTRACT.md §3 and §5.
enum MethodName: String, CaseIterable, ExpressibleByArgument, Sendable {
    case gradient, saliency
    case gradientXInput = "gradient-x-input"
    case integratedGradients = "integrated-gradients"
    case smoothgrad, lime, kernelshap
    case deeplift, deepshap
    case guidedBackprop = "guided-backprop"
    case deconvolution, lrp, gradientshap
    case gradCAM = "grad-cam"
    case guidedGradCAM = "guided-grad-cam"
    case featureAblation = "feature-ablation"
    case occlusion
    case shapleySampling = "shapley-sampling"
    case all, predict

    /// The attribution methods that `all` runs, in report order (those that apply to the model: see
    /// `ExplainJob.applies(_:)`).
    static let attributionMethods: [MethodName] = [
        .kernelshap, .shapleySampling, .lime, .integratedGradients, .deeplift, .deepshap, .gradientshap, .smoothgrad,
        .featureAblation, .occlusion, .gradientXInput, .gradient, .saliency, .guidedBackprop, .deconvolution, .lrp,
        .gradCAM, .guidedGradCAM,
    ]

    /// The concrete methods this value stands for (`ExplainJob` leaves out of `all` those that do not apply).
    var expanded: [MethodName] { self == .all ? Self.attributionMethods : [self] }

}
