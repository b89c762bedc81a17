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
    case deconvolution, lrp
    case all, predict

    /// The attribution methods that `all` runs, in report order.
    static let attributionMethods: [MethodName] = [
        .kernelshap, .lime, .integratedGradients, .deeplift, .deepshap, .smoothgrad, .gradientXInput, .gradient, .saliency,
        .guidedBackprop, .deconvolution, .lrp,
    ]

    /// The concrete methods this value stands for.
    var expanded: [MethodName] { self == .all ? Self.attributionMethods : [self] }

    /// Whether `all` runs this method on `model` with `background`: deepshap needs a background, and lrp a rule for
    /// every layer. A method named explicitly runs anyway and reports why it cannot.
    func applies(to model: Model, background: Background?) -> Bool {
        switch self {
        case .deepshap: return (background?.rows.batchSize ?? 0) > 0
        case .lrp: return (try? LRP.check(model)) != nil
        default: return true
        }
    }
}
