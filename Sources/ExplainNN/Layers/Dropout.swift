import ExplainTensor

/// Inverted dropout: identity at inference; in training, drops each value with probability p and scales the rest by
/// 1/(1−p). The mask comes from the training seed mixed with the layer's name, so runs are reproducible.
public struct Dropout: Layer {
    public var name: String
    public var type: String { "dropout" }
    public var p: Float

    public init(name: String, p: Float) {
        self.name = name
        self.p = p
    }

    public func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { inputShape }

    public func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        guard case .training(let seed) = mode, p > 0 else { return (input, { dy in (dy, []) }) }
        var rng = SplitMix64(seed: seed).derived(Dropout.hash(name))
        let keep = 1 - p
        let scale = keep > 0 ? 1 / keep : 0
        let mask = (0..<input.count).map { _ in Float(rng.nextUniform()) < keep ? scale : 0 }
        let maskTensor = Tensor(shape: input.shape, scalars: mask)
        return (input * maskTensor, { dy in (dy * maskTensor, []) })
    }

    /// FNV-1a of the name: a stable per-layer stream index.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
