import ArgumentParser

/// The `--method` values of CONTRACT.md §3.
enum MethodName: String, CaseIterable, ExpressibleByArgument, Sendable {
    case gradient, saliency
    case gradientXInput = "gradient-x-input"
    case integratedGradients = "integrated-gradients"
    case smoothgrad, lime, kernelshap, gradientshap, all, predict
    case gradCAM = "grad-cam"

    /// The attribution methods that `all` runs, in report order (those that apply to the model: see
    /// `ExplainJob.applies(_:)`).
    static let attributionMethods: [MethodName] = [
        .kernelshap, .lime, .integratedGradients, .gradientshap, .smoothgrad, .gradientXInput, .gradient, .saliency, .gradCAM,
    ]

    /// The concrete methods this value stands for.
    var expanded: [MethodName] { self == .all ? Self.attributionMethods : [self] }
}
