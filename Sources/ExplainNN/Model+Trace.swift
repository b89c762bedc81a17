import ExplainTensor

/// One layer's part of a forward pass: what went in, what came out, and the layer's ordinary pullback there.
///
/// Modified backward passes (DeepLIFT, guided backprop, LRP) read these to replace some layers' chain rule while
/// the forward pass stays the model's.
public struct LayerTrace {
    /// The layer that ran.
    public let layer: any Layer
    /// Its input batch, `[N] + input shape`.
    public let input: Tensor
    /// Its output batch, `[N] + output shape`.
    public let output: Tensor
    /// Its ordinary pullback at `input` (the gradient rule).
    public let pullback: Pullback
}

extension Model {
    /// Runs a batch through every layer at inference, keeping each layer's input, output and pullback.
    ///
    /// Forward hooks fire as in `forward`. The last trace's output is the model's output, `[N] + last layer shape`.
    public func trace(_ x: Tensor) -> [LayerTrace] {
        let forwardHooks = hooks.forwardHooks()
        var traces: [LayerTrace] = []
        traces.reserveCapacity(layers.count)
        var h = batch(x)
        for (i, layer) in layers.enumerated() {
            let (y, pullback) = layer(h, mode: .inference)
            if let hs = forwardHooks[i] {
                let event = ForwardHookEvent(layer: layer.name, layerIndex: i, input: h, output: y, mode: .inference)
                for hook in hs { hook(event) }
            }
            traces.append(LayerTrace(layer: layer, input: h, output: y, pullback: pullback))
            h = y
        }
        return traces
    }
}
