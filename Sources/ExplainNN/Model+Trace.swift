import ExplainTensor

/// One layer's part of a forward pass: what went in, what came out, and the layer's ordinary pullback there.
///
/// Modified backward passes (DeepLIFT, guided backprop, LRP) read these to replace some layers' chain rule while
/// the forward pass stays the model's.
public struct LayerTrace {
    /// The layer that ran.
    public let layer: any Layer
    /// Its input batches, `[N] + input shape` each: one, or several for a `MultiInputLayer`.
    public let inputs: [Tensor]
    /// The tensors it read, by id (`Model.inputIDs`).
    public let inputIDs: [Int]
    /// Its output batch, `[N] + output shape`.
    public let output: Tensor
    /// Its ordinary pullback at `inputs` (the gradient rule), to every input.
    public let inputsPullback: MultiPullback

    /// Its first (for most layers, only) input batch.
    public var input: Tensor { inputs[0] }
    /// Its ordinary pullback at `input` (the gradient rule), for the first input.
    public var pullback: Pullback {
        let p = inputsPullback
        return { dy in
            let g = p(dy)
            return (g.inputs[0], g.parameters)
        }
    }
}

extension Model {
    /// Runs a batch through every layer at inference, keeping each layer's inputs, output and pullback.
    ///
    /// Forward hooks fire as in `forward`. The last trace's output is the model's output, `[N] + last layer shape`.
    public func trace(_ x: Tensor) -> [LayerTrace] {
        let forwardHooks = hooks.forwardHooks()
        var traces: [LayerTrace] = []
        traces.reserveCapacity(layers.count)
        var tensors: [Tensor] = [batch(x)]
        tensors.reserveCapacity(layers.count + 1)
        for i in layers.indices {
            let inputs = inputIDs[i].map { tensors[$0] }
            let (y, pullback) = apply(i, inputs, mode: .inference)
            if let hs = forwardHooks[i] {
                let event = ForwardHookEvent(layer: layers[i].name, layerIndex: i, input: inputs[0], output: y, mode: .inference)
                for hook in hs { hook(event) }
            }
            traces.append(LayerTrace(layer: layers[i], inputs: inputs, inputIDs: inputIDs[i], output: y, inputsPullback: pullback))
            tensors.append(y)
        }
        return traces
    }
}
