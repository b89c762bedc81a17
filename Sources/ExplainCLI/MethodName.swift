import ArgumentParser

/// The `--method` values of CONTRACT.md §3.
enum MethodName: String, CaseIterable, ExpressibleByArgument, Sendable {
    case gradient, saliency
    case gradientXInput = "gradient-x-input"
    case integratedGradients = "integrated-gradients"
    case smoothgrad, lime, kernelshap
    case featureAblation = "feature-ablation"
    case occlusion
    case shapleySampling = "shapley-sampling"
    case all, predict

    /// The attribution methods that `all` runs, in report order.
    static let attributionMethods: [MethodName] = [
        .kernelshap, .shapleySampling, .lime, .integratedGradients, .smoothgrad, .featureAblation, .occlusion,
        .gradientXInput, .gradient, .saliency,
    ]

    /// The concrete methods this value stands for on a model: `all` leaves out occlusion unless the model takes
    /// images, and Shapley sampling unless there is a background.
    func expanded(isImageModel: Bool, hasBackground: Bool) -> [MethodName] {
        guard self == .all else { return [self] }
        return Self.attributionMethods.filter { method in
            switch method {
            case .occlusion: isImageModel
            case .shapleySampling: hasBackground
            default: true
            }
        }
    }
}
