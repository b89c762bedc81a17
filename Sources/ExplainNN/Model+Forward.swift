import ExplainTensor

/// Gradients of a scalar loss (or a chosen output) with respect to a model's input and parameters.
public struct ModelGradients: Sendable {
    /// Same shape as the batch given to the forward pass (`[N] + inputShape`, or the layer activation for partial runs).
    public var input: Tensor
    /// Per layer, in the order of `Layer.parameters` (empty for layers without parameters or outside the run).
    public var parameters: [[Tensor]]
}

extension Model {
    /// Runs a batch through the network and returns `[N, outputCount]`. Fires forward hooks.
    public func forward(_ x: Tensor, mode: Mode = .inference) -> Tensor {
        let out = run(batch(x), layers: layers.indices, mode: mode, keepsPullbacks: false).output
        return out.reshaped([out.batchSize, out.sampleCount])
    }

    /// Runs a batch and returns the output with a pullback that maps the output gradient to the input and parameter
    /// gradients. The pullback fires backward hooks.
    public func forwardWithPullback(_ x: Tensor, mode: Mode = .inference) -> (output: Tensor, pullback: (Tensor) -> ModelGradients) {
        let (out, pullback) = forwardWithPullback(batch(x), layers: layers.indices, mode: mode)
        return (out.reshaped([out.batchSize, out.sampleCount]), { dy in pullback(dy.reshaped(out.shape)) })
    }

    /// Runs layers `range` only, starting from `activation` (the input of the first layer in the range, with its
    /// natural shape). Used for layer attribution: split the network at a layer and run either side.
    public func forwardWithPullback(_ activation: Tensor, layers range: Range<Int>, mode: Mode = .inference)
        -> (output: Tensor, pullback: (Tensor) -> ModelGradients) {
        forwardWithPullback(activation, layers: range, mode: mode, needsInputGradient: true)
    }

    /// Runs layers `range` from `activation` and returns a pullback to the input gradient only: no layer computes its
    /// parameter gradients (a third of the backward work on an MLP). What the explainers use.
    public func forwardWithInputPullback(_ activation: Tensor, layers range: Range<Int>, mode: Mode = .inference)
        -> (output: Tensor, pullback: (Tensor) -> Tensor) {
        let (out, pullback) = forwardWithPullback(activation, layers: range, mode: mode, needsInputGradient: true,
                                                  needsParameterGradients: false)
        return (out, { pullback($0).input })
    }

    /// `forwardWithPullback(_:layers:mode:)`; with `needsInputGradient` false, the first layer of the range may skip
    /// its input gradient (unless a backward hook watches it), and `ModelGradients.input` may then be empty; with
    /// `needsParameterGradients` false, `ModelGradients.parameters` may hold empty lists.
    func forwardWithPullback(_ activation: Tensor, layers range: Range<Int>, mode: Mode, needsInputGradient: Bool,
                             needsParameterGradients: Bool = true)
        -> (output: Tensor, pullback: (Tensor) -> ModelGradients) {
        if !isChain {
            let (out, pullbacks, _) = runGraph(activation, layers: range, mode: mode, keepsPullbacks: true,
                                               needsParameterGradients: needsParameterGradients)
            let shape = activation.shape
            return (out, { dy in
                self.graphPullback(pullbacks, layers: range, outputGradient: dy, inputShape: shape,
                                   needsParameterGradients: needsParameterGradients)
            })
        }
        let backward = hooks.backwardHooks()
        let skipsFirst = !needsInputGradient && !range.isEmpty && backward[range.lowerBound] == nil
        let (out, pullbacks) = run(activation, layers: range, mode: mode, keepsPullbacks: true,
                                   skipsFirstInputGradient: skipsFirst, needsParameterGradients: needsParameterGradients)
        let count = layers.count
        let names = layerNames
        return (out, { dy in
            var grad = dy
            var params = [[Tensor]](repeating: [], count: count)
            for (i, pullback) in zip(range, pullbacks).reversed() {
                let (dx, dp) = pullback(grad)
                params[i] = dp
                if let hs = backward[i] {
                    let event = BackwardHookEvent(layer: names[i], layerIndex: i, outputGradient: grad, inputGradient: dx)
                    for h in hs { h(event) }
                }
                grad = dx
            }
            return ModelGradients(input: grad, parameters: params)
        })
    }

    /// The outputs `[N, outputCount]` and, for every row i, the gradient of output `targets[i]` with respect to the
    /// row's inputs — one forward and one backward pass for the whole batch.
    public func inputGradient(_ x: Tensor, targets: [Int]) -> (outputs: Tensor, gradient: Tensor) {
        precondition(targets.count == x.batchSize && targets.allSatisfy { (0..<outputCount).contains($0) })
        let (out, pullback) = forwardWithInputPullback(batch(x), layers: layers.indices)
        let flat = out.reshaped([out.batchSize, out.sampleCount])
        var seed = Tensor(shape: out.shape, repeating: 0)
        for (r, t) in targets.enumerated() { seed.scalars[r * outputCount + t] = 1 }
        let g = pullback(seed)
        return (flat, g.reshaped([g.batchSize, g.sampleCount]))
    }

    /// The activations after every layer for a batch (index i is the output of layer i).
    public func activations(_ x: Tensor) -> [Tensor] {
        if !isChain {
            let tensors = runGraph(batch(x), layers: layers.indices, mode: .inference, keepsPullbacks: true).tensors
            return tensors.dropFirst().map { $0 ?? Tensor(shape: [0], scalars: []) }
        }
        var acts: [Tensor] = []
        var h = batch(x)
        for layer in layers {
            h = layer(h, mode: .inference).output
            acts.append(h)
        }
        return acts
    }

    /// Runs layers `range` from `x`, firing forward hooks; `skipsFirstInputGradient` lets the first layer's pullback
    /// skip its input gradient.
    func run(_ x: Tensor, layers range: Range<Int>, mode: Mode, keepsPullbacks: Bool,
             skipsFirstInputGradient: Bool = false, needsParameterGradients: Bool = true) -> (output: Tensor, pullbacks: [Pullback]) {
        if !isChain {
            precondition(!keepsPullbacks, "Model \(name): graph pullbacks come from forwardWithPullback")
            return (runGraph(x, layers: range, mode: mode, keepsPullbacks: false,
                             needsParameterGradients: needsParameterGradients).output, [])
        }
        let forwardHooks = hooks.forwardHooks()
        var h = x
        var pullbacks: [Pullback] = []
        if keepsPullbacks { pullbacks.reserveCapacity(range.count) }
        for i in range {
            let needsInput = !(skipsFirstInputGradient && i == range.lowerBound)
            let (y, pullback) = needsParameterGradients
                ? (needsInput ? layers[i](h, mode: mode) : layers[i](h, mode: mode, needsInputGradient: false))
                : layers[i](h, mode: mode, needsInputGradient: needsInput, needsParameterGradients: false)
            if let hs = forwardHooks[i] {
                let event = ForwardHookEvent(layer: layers[i].name, layerIndex: i, input: h, output: y, mode: mode)
                for hook in hs { hook(event) }
            }
            if keepsPullbacks { pullbacks.append(pullback) }
            h = y
        }
        return (h, pullbacks)
    }
}
