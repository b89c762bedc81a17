import ExplainTensor

/// Random initial weights, drawn from an explicitly seeded generator.
public enum Initializer: Sendable, Equatable {
    /// Kaiming normal, for layers followed by a ReLU: w ~ N(0, 2 / fan_in).
    /// He et al. (2015), "Delving Deep into Rectifiers".
    case he
    /// Glorot uniform, for tanh, sigmoid and linear outputs: w ~ U(−a, a), a = √(6 / (fan_in + fan_out)).
    /// Glorot & Bengio (2010), "Understanding the difficulty of training deep feedforward neural networks".
    case xavier

    /// A tensor of `shape` filled from `generator`.
    public func weights(shape: [Int], fanIn: Int, fanOut: Int, using generator: inout SplitMix64) -> Tensor {
        let count = shape.reduce(1, *)
        switch self {
        case .he:
            let std = (2 / Double(max(fanIn, 1))).squareRoot()
            return Tensor(shape: shape, scalars: (0..<count).map { _ in Float(generator.nextNormal() * std) })
        case .xavier:
            let limit = (6 / Double(max(fanIn + fanOut, 1))).squareRoot()
            return Tensor(shape: shape, scalars: (0..<count).map { _ in Float((2 * generator.nextUniform() - 1) * limit) })
        }
    }

    /// He for a layer whose next non-dropout layer is rectifier-like (ReLU, leaky ReLU, GELU, or a clip at a
    /// nonnegative minimum such as ReLU6), Xavier otherwise.
    static func choice(after index: Int, in layers: [any Layer]) -> Initializer {
        for next in layers.dropFirst(index + 1) where !(next is Dropout) {
            if let activation = next as? Activation {
                switch activation.kind {
                case .relu, .leakyReLU, .gelu: return .he
                case .clip(let minimum, _): return minimum >= 0 ? .he : .xavier
                case .tanh, .sigmoid, .erf: return .xavier
                }
            }
            return .xavier
        }
        return .xavier
    }
}

extension Model {
    /// Draws fresh weights for every dense and conv2d layer and zeroes their biases.
    ///
    /// Each layer draws from its own stream, `SplitMix64(seed: seed).derived(layerIndex)`, so the same seed gives the
    /// same weights. The initializer follows `Initializer.choice`: He before ReLUs, Xavier elsewhere.
    public func initializeParameters(seed: UInt64) {
        let root = SplitMix64(seed: seed)
        var values = parameters
        for (i, layer) in layers.enumerated() {
            var generator = root.derived(UInt64(i))
            let initializer = Initializer.choice(after: i, in: layers)
            if let dense = layer as? Dense {
                values[i] = [initializer.weights(shape: dense.weight.shape, fanIn: dense.inputCount,
                                                 fanOut: dense.outputCount, using: &generator),
                             Tensor(shape: dense.bias.shape, repeating: 0)]
            } else if let conv = layer as? Conv2D {
                let s = conv.weight.shape
                let receptive = s[2] * s[3]
                values[i] = [initializer.weights(shape: s, fanIn: s[1] * receptive, fanOut: s[0] * receptive,
                                                 using: &generator),
                             Tensor(shape: conv.bias.shape, repeating: 0)]
            }
        }
        setParameters(values)
    }
}
