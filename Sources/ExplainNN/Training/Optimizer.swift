import ExplainTensor

/// A first-order update rule that owns its state (momentum buffers, moment estimates).
///
/// Parameters and gradients are given per layer, in the order of `Model.parameters`; layers without parameters have
/// empty lists. Gradients are those of the batch-mean loss.
public protocol Optimizer {
    /// Applies one update to `parameters` in place.
    mutating func step(_ parameters: inout [[Tensor]], gradients: [[Tensor]], learningRate: Float)
}

/// Which optimizer the trainer builds, with its hyperparameters.
public enum OptimizerKind: Sendable, Equatable {
    /// Stochastic gradient descent with heavy-ball (or Nesterov) momentum.
    case sgd(momentum: Float = 0.9, nesterov: Bool = false)
    /// Adam with L2 weight decay added to the gradient.
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// AdamW: Adam with weight decay decoupled from the gradient.
    case adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)

    /// The names the CLI accepts: `sgd`, `nesterov`, `adam`, `adamw`.
    public init?(name: String) {
        switch name.lowercased() {
        case "sgd": self = .sgd()
        case "nesterov": self = .sgd(nesterov: true)
        case "adam": self = .adam()
        case "adamw": self = .adamW()
        default: return nil
        }
    }

    /// A fresh optimizer of this kind.
    public func make(weightDecay: Float) -> any Optimizer {
        switch self {
        case .sgd(let momentum, let nesterov):
            SGD(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case .adam(let beta1, let beta2, let epsilon):
            Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decouplesWeightDecay: false)
        case .adamW(let beta1, let beta2, let epsilon):
            Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decouplesWeightDecay: true)
        }
    }
}
