import ArgumentParser

/// The `--method` values of CONTRACT.md §3.
enum MethodName: String, CaseIterable, ExpressibleByArgument, Sendable {
    case gradient, saliency
    case gradientXInput = "gradient-x-input"
    case integratedGradients = "integrated-gradients"
    case smoothgrad, lime, kernelshap, all, predict

    /// The attribution methods that `all` runs, in report order.
    static let attributionMethods: [MethodName] = [
        .kernelshap, .lime, .integratedGradients, .smoothgrad, .gradientXInput, .gradient, .saliency,
    ]

    /// The concrete methods this value stands for.
    var expanded: [MethodName] { self == .all ? Self.attributionMethods : [self] }
}
