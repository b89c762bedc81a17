import ExplainTensor

/// A scale and a shift per channel, y[c, ...] = scale[c] · x[c, ...] + shift[c], over the first sample axis.
///
/// It is inference batch normalisation with its statistics folded in (`batchNormalization`), and works on `[C]`
/// feature vectors as on `[C, H, W]` images. Both vectors are trainable.
public struct ChannelAffine: Layer {
    public var name: String
    public var type: String { "channel_affine" }
    /// `[C]`.
    public var scale: Tensor
    /// `[C]`.
    public var shift: Tensor
    public var propagationKind: PropagationKind { .affine }

    /// Creates the layer from one scale and one shift per channel.
    public init(name: String, scale: [Float], shift: [Float]) {
        precondition(scale.count == shift.count, "ChannelAffine: \(scale.count) scales, \(shift.count) shifts")
        self.name = name
        self.scale = Tensor(shape: [scale.count], scalars: scale)
        self.shift = Tensor(shape: [shift.count], scalars: shift)
    }

    /// Inference batch normalisation, y = γ (x − mean) / √(variance + ε) + β, as a channel affine map:
    /// ```
    /// scale = γ / √(variance + ε),    shift = β − mean · scale
    /// ```
    /// Ioffe & Szegedy (2015), "Batch Normalization: Accelerating Deep Network Training by Reducing Internal
    /// Covariate Shift".
    ///
    /// - Throws: `ExplainError(.invalidModel)` when the four vectors differ in length, or when variance + ε is not
    ///   positive for some channel.
    public static func batchNormalization(name: String, gamma: [Float], beta: [Float], mean: [Float], variance: [Float],
                                          epsilon: Float) throws(ExplainError) -> ChannelAffine {
        let count = gamma.count
        guard beta.count == count, mean.count == count, variance.count == count else {
            throw ExplainError(.invalidModel, "batch normalisation has \(gamma.count) scales, \(beta.count) biases, "
                               + "\(mean.count) means and \(variance.count) variances")
        }
        var scale = [Float](repeating: 0, count: count), shift = [Float](repeating: 0, count: count)
        for c in 0..<count {
            let denominator = Double(variance[c]) + Double(epsilon)
            guard denominator > 0, denominator.isFinite else {
                throw ExplainError(.invalidModel, "batch normalisation channel \(c): variance + epsilon is \(denominator), not positive")
            }
            let s = Double(gamma[c]) / Math.sqrt(denominator)
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        return ChannelAffine(name: name, scale: scale, shift: shift)
    }

    /// The number of channels.
    public var channelCount: Int { scale.count }

    public var parameters: [Tensor] {
        get { [scale, shift] }
        set { scale = newValue[0]; shift = newValue[1] }
    }
    public var parameterNames: [String] { ["scale", "shift"] }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] {
        guard inputShape.first == channelCount else {
            throw ExplainError(.invalidModel, "channel_affine has \(channelCount) channels, the input has shape \(inputShape)")
        }
        return inputShape
    }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        let channels = channelCount
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "ChannelAffine: input \(input.shape), \(channels) channels")
        let planes = input.batchSize * channels, inner = input.shape.dropFirst(2).reduce(1, *)
        let scale = self.scale.scalars, shift = self.shift.scalars
        var out = input.scalars
        for p in 0..<planes {
            let s = scale[p % channels], t = shift[p % channels]
            for i in (p * inner)..<((p + 1) * inner) { out[i] = s * out[i] + t }
        }
        return (Tensor(shape: input.shape, scalars: out), { dy in
            var dx = dy.scalars
            var dScale = [Float](repeating: 0, count: channels), dShift = [Float](repeating: 0, count: channels)
            for p in 0..<planes {
                let c = p % channels, s = scale[c]
                var products: Float = 0, total: Float = 0
                for i in (p * inner)..<((p + 1) * inner) {
                    products += dy.scalars[i] * input.scalars[i]
                    total += dy.scalars[i]
                    dx[i] *= s
                }
                dScale[c] += products
                dShift[c] += total
            }
            return (Tensor(shape: input.shape, scalars: dx),
                    [Tensor(shape: [channels], scalars: dScale), Tensor(shape: [channels], scalars: dShift)])
        })
    }
}
