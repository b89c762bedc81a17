import ExplainTensor

/// Stochastic gradient descent with momentum, PyTorch's `torch.optim.SGD` (dampening 0).
///
/// ```
/// g ← ∇ + λ p;   b ← μ b + g (b = g on the first step);   d ← nesterov ? g + μ b : b;   p ← p − η d
/// ```
/// Sutskever et al. (2013), "On the importance of initialization and momentum in deep learning".
public struct SGD: Optimizer {
    public var momentum: Float
    public var nesterov: Bool
    /// L2 weight decay λ, added to the gradient of every parameter.
    public var weightDecay: Float
    private var velocity: [[Tensor]] = []

    public init(momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(momentum >= 0 && weightDecay >= 0 && (!nesterov || momentum > 0), "SGD: invalid hyperparameters")
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public mutating func step(_ parameters: inout [[Tensor]], gradients: [[Tensor]], learningRate: Float) {
        precondition(parameters.count == gradients.count, "SGD: \(parameters.count) layers, \(gradients.count) gradients")
        let isFirstStep = velocity.isEmpty
        if isFirstStep { velocity = parameters.map { $0.map { Tensor(shape: $0.shape, repeating: 0) } } }
        let mu = momentum, decay = weightDecay, nesterov = nesterov
        for layer in parameters.indices {
            for p in parameters[layer].indices {
                let grad = gradients[layer][p]
                precondition(grad.count == parameters[layer][p].count, "SGD: gradient shape mismatch")
                parameters[layer][p].scalars.withUnsafeMutableBufferPointer { w in
                    velocity[layer][p].scalars.withUnsafeMutableBufferPointer { b in
                        grad.scalars.withUnsafeBufferPointer { g in
                            for i in 0..<w.count {
                                let d = g[i] + decay * w[i]
                                var direction = d
                                if mu > 0 {
                                    b[i] = isFirstStep ? d : mu * b[i] + d
                                    direction = nesterov ? d + mu * b[i] : b[i]
                                }
                                w[i] -= learningRate * direction
                            }
                        }
                    }
                }
            }
        }
    }
}
