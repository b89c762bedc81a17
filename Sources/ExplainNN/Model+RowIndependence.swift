import ExplainTensor

extension Model {
    /// Whether `infer` and the explainers' gradient pass (`forwardWithInputPullback`, `inputGradient`) compute each
    /// row from that row alone, to the bit, whatever other rows share the call.
    ///
    /// True when no hooks are registered and every layer is one whose inference and lean paths are row by row: dense
    /// layers and stride-1 square convolutions run through the small-matrix kernel (`PackedAffine`, one FMA chain
    /// per output), and activations, softmax, pooling, flattening, standardisation, dropout, per-channel affine maps,
    /// global average pooling and elementwise operators work on each sample by itself. Layers that still call
    /// OpenBLAS there (strided convolutions' pullbacks, graph `MatMul` and grouped `Conv` nodes) make it false: sgemm
    /// rounds a row depending on the rows beside it. Explainers batch rows together only when it holds.
    public var rowsAreIndependent: Bool {
        guard hooks.forwardHooks().isEmpty, hooks.backwardHooks().isEmpty else { return false }
        return layers.allSatisfy { layer in
            switch layer {
            case let conv as Conv2D: conv.usesDirectPath(needsParameterGradients: false)
            case is Dense, is Activation, is Softmax, is Pool2D, is Flatten, is Standardize, is Dropout,
                 is ChannelAffine, is GlobalAveragePool, is Broadcast, is Identity, is Reshape, is AxisSoftmax: true
            default: false
            }
        }
    }
}
