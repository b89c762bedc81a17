import ExplainNN
import ExplainTensor

/// LRP's backward rules, layer by layer: the relevance R at a layer's output becomes the relevance at its input.
///
/// Dense and conv2d layers use the chosen `LRPRule` (through a copy of the layer with the rule's weights); max and
/// average pooling use the epsilon rule with their own maps, as captum applies `EpsilonRule` to pooling; relu,
/// leaky_relu, tanh, dropout and flatten pass R on unchanged (captum's non-linear layers). Standardize passes R on too:
/// it changes each feature's units and nothing else, and a rule on it would scale R_j by x_j / (x_j − mean_j), which
/// explodes near the mean. Sigmoid and softmax layers have no rule: `LRP` explains the input of a final one and refuses
/// one anywhere else.
struct LRPBackwardRule: BackwardRule {
    /// The stabiliser ε of every denominator.
    var epsilon: Float
    /// Copies of the dense and conv2d layers with the rule's weights, by layer index (empty for the epsilon rule).
    var modified: [Int: any Layer]

    func propagate(_ signal: Tensor, through trace: LayerTrace, at index: Int) throws(ExplainError) -> Tensor {
        switch trace.layer {
        case is Dense, is Conv2D:
            if let layer = modified[index] {
                let (z, pullback) = layer(trace.input, mode: .inference)
                return redistributed(signal, input: trace.input, z: z, pullback: pullback)
            }
            return redistributed(signal, input: trace.input, z: trace.output, pullback: trace.pullback)
        case is Pool2D:
            return redistributed(signal, input: trace.input, z: trace.output, pullback: trace.pullback)
        case let activation as Activation where activation.kind != .sigmoid:
            return signal
        case is Dropout, is Flatten, is Standardize:
            return signal.reshaped(trace.input.shape)
        case let layer where layer.propagationKind == .affine:
            return redistributed(signal, input: trace.input, z: trace.output, pullback: trace.pullback)
        case let layer where layer.propagationKind == .elementwise:
            return signal
        default:
            throw LRP.unsupported(trace.layer, at: index)
        }
    }

    /// a ⊙ Jᵀ (R / (z + ε·sign z)), with J the layer map whose pullback is given.
    /// A sum or concatenation: each input gets its share of the relevance, x_k ⊙ J_kᵀ (R / (z + ε·sign z)).
    func propagateInputs(_ signal: Tensor, through trace: LayerTrace, at index: Int) throws(ExplainError) -> [Tensor] {
        guard trace.layer.propagationKind == .affine else { throw LRP.unsupported(trace.layer, at: index) }
        let s = stabilisedRatio(signal, trace.output)
        return zip(trace.gradients(s), trace.inputs).map { $0.zip($1, *) }
    }

    /// R / (z + ε·sign z), elementwise.
    private func stabilisedRatio(_ relevance: Tensor, _ z: Tensor) -> Tensor {
        let eps = epsilon
        return relevance.zip(z) { r, v in r / (v + (v >= 0 ? eps : -eps)) }
    }

    private func redistributed(_ relevance: Tensor, input: Tensor, z: Tensor, pullback: Pullback) -> Tensor {
        let s = stabilisedRatio(relevance, z)
        return pullback(s).input.zip(input, *)
    }
}
