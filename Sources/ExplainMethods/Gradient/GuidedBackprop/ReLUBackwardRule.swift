import ExplainNN
import ExplainTensor

/// The backward rules of guided backpropagation and deconvolution at ReLU layers; every other layer keeps its
/// gradient (captum's `GuidedBackprop` and `Deconvolution` override `nn.ReLU` only).
///
/// ```
/// guided backprop:  R_in = max(0, R_out ⊙ 1[x > 0])     (Springenberg et al. 2015)
/// deconvolution:    R_in = max(0, R_out)                (Zeiler & Fergus 2014)
/// ```
struct ReLUBackwardRule: BackwardRule {
    var kind: GuidedBackprop.Kind

    func propagate(_ signal: Tensor, through trace: LayerTrace, at index: Int) throws(ExplainError) -> Tensor {
        guard let activation = trace.layer as? Activation, activation.kind == .relu else { return trace.gradient(signal) }
        switch kind {
        case .guidedBackprop: return trace.gradient(signal).map { Swift.max($0, 0) }
        case .deconvolution: return signal.map { Swift.max($0, 0) }
        }
    }
}
