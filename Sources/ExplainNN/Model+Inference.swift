import ExplainTensor

extension Model {
    /// Outputs `[N, outputCount]` for explainers that need no gradients, faster than `forward`.
    ///
    /// A `standardize` layer followed by a `dense` layer runs as one dense layer with the scaling folded into its
    /// weights, and a `relu` right after a dense layer is applied in place; other layers run as in `forward`. With any
    /// forward hook registered it is exactly `forward`, so hooks see every layer. Outputs agree with `forward` up to
    /// float rounding (the folded first layer rounds differently).
    public func infer(_ x: Tensor) -> Tensor {
        guard hooks.forwardHooks().isEmpty else { return forward(x) }
        var h = batch(x)
        var i = 0
        while i < layers.count {
            var standardize: (mean: [Float], std: [Float])?
            var denseAt = i
            if let s = layers[i] as? Standardize, h.shape.count == 2, i + 1 < layers.count, layers[i + 1] is Dense {
                standardize = (s.mean, s.std)
                denseAt = i + 1
            }
            guard let dense = layers[denseAt] as? Dense, h.shape.count == 2 else {
                h = layers[i](h, mode: .inference).output
                i += 1
                continue
            }
            let relu = denseAt + 1 < layers.count && (layers[denseAt + 1] as? Activation)?.kind == .relu
            h = dense.inference(h, standardize: standardize, relu: relu)
            i = denseAt + (relu ? 2 : 1)
        }
        return h.reshaped([h.batchSize, h.sampleCount])
    }
}
