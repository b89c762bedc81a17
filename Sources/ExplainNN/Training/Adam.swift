import ExplainTensor

/// Adam and AdamW, as PyTorch's `torch.optim.Adam` / `torch.optim.AdamW` (no amsgrad).
///
/// ```
/// Adam:  g ← ∇ + λ p                  AdamW: p ← p (1 − η λ), g ← ∇
/// m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
/// p ← p − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// ```
/// Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization"; Loshchilov & Hutter (2019), "Decoupled Weight
/// Decay Regularization".
public struct Adam: Optimizer {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// AdamW when true: weight decay shrinks the weights directly instead of entering the gradient.
    public var decouplesWeightDecay: Bool
    /// The number of steps taken so far (t).
    public private(set) var stepCount = 0
    private var beta1Power = 1.0
    private var beta2Power = 1.0
    private var firstMoment: [[Tensor]] = []
    private var secondMoment: [[Tensor]] = []

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                decouplesWeightDecay: Bool = false) {
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2) && epsilon > 0 && weightDecay >= 0,
                     "Adam: invalid hyperparameters")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decouplesWeightDecay = decouplesWeightDecay
    }

    public mutating func step(_ parameters: inout [[Tensor]], gradients: [[Tensor]], learningRate: Float) {
        precondition(parameters.count == gradients.count, "Adam: \(parameters.count) layers, \(gradients.count) gradients")
        if firstMoment.isEmpty {
            firstMoment = parameters.map { $0.map { Tensor(shape: $0.shape, repeating: 0) } }
            secondMoment = firstMoment
        }
        stepCount += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        // Bias corrections from running powers βᵗ, kept in Double.
        beta1Power *= Double(b1)
        beta2Power *= Double(b2)
        let correction1 = Float(1 - beta1Power)
        let correction2Root = Float((1 - beta2Power).squareRoot())
        let coupledDecay = decouplesWeightDecay ? 0 : weightDecay
        let shrink = decouplesWeightDecay ? 1 - learningRate * weightDecay : 1
        let stepSize = learningRate / correction1
        for layer in parameters.indices {
            for p in parameters[layer].indices {
                let grad = gradients[layer][p]
                precondition(grad.count == parameters[layer][p].count, "Adam: gradient shape mismatch")
                parameters[layer][p].scalars.withUnsafeMutableBufferPointer { w in
                    firstMoment[layer][p].scalars.withUnsafeMutableBufferPointer { m in
                        secondMoment[layer][p].scalars.withUnsafeMutableBufferPointer { v in
                            grad.scalars.withUnsafeBufferPointer { g in
                                guard let wp = w.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress,
                                      let gp = g.baseAddress else { return }
                                let count = w.count
                                var i = 0
                                while i + 8 <= count {
                                    let weight = FloatKernels.load(wp + i)
                                    let d = FloatKernels.load(gp + i) + coupledDecay * weight
                                    let mi = b1 * FloatKernels.load(mp + i) + (1 - b1) * d
                                    let vi = b2 * FloatKernels.load(vp + i) + (1 - b2) * d * d
                                    FloatKernels.store(mi, mp + i)
                                    FloatKernels.store(vi, vp + i)
                                    FloatKernels.store(weight * shrink - stepSize * mi / (FloatKernels.squareRoot(vi) / correction2Root + eps),
                                                      wp + i)
                                    i += 8
                                }
                                while i < count {
                                    let d = gp[i] + coupledDecay * wp[i]
                                    mp[i] = b1 * mp[i] + (1 - b1) * d
                                    vp[i] = b2 * vp[i] + (1 - b2) * d * d
                                    wp[i] = wp[i] * shrink - stepSize * mp[i] / (vp[i].squareRoot() / correction2Root + eps)
                                    i += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
