import ExplainTensor

/// Graph models: layers in topological order over numbered tensors.
///
/// Tensor 0 is the model's input and tensor i + 1 the output of layer i; `inputIDs[i]` lists the tensors layer i
/// reads (several for a `MultiInputLayer`), all produced before it. The last layer's output is the model's output. A
/// sequential model is the chain `inputIDs[i] == [i]`, and every chain runs exactly as before graphs existed.
extension Model {
    /// Builds a graph model.
    ///
    /// - Parameters:
    ///   - inputIDs: per layer, the tensors it reads (0 the input, i + 1 the output of layer i), each below i + 1.
    ///   - tensorNames: the name of each tensor (`layers.count + 1` unique names); default `input` and the layer names.
    /// - Throws: `ExplainError(.invalidModel)` located at `layers[i]` for a wiring that reads a later tensor, the wrong
    ///   number of inputs, or shapes that do not fit, and the errors of the sequential initializer.
    public convenience init(name: String, inputShape: [Int], featureNames: [String], outputNames: [String],
                            layers: [any Layer], inputIDs: [[Int]], tensorNames: [String]? = nil) throws(ExplainError) {
        try self.init(name: name, inputShape: inputShape, featureNames: featureNames, outputNames: outputNames,
                      layers: layers, inputIDs: inputIDs, tensorNames: tensorNames, hooks: HookRegistry())
    }

    /// The output shape of every layer, checking names, wiring and sizes.
    static func layerShapes(_ layers: [any Layer], wiring: [[Int]], tensorNames: [String]?,
                            inputShape: [Int]) throws(ExplainError) -> [[Int]] {
        guard wiring.count == layers.count else {
            throw ExplainError(.invalidModel, "expected inputs for \(layers.count) layers, got \(wiring.count)", at: "layers")
        }
        var seen = Set<String>()
        var shapes: [[Int]] = [inputShape]
        for (i, layer) in layers.enumerated() {
            guard seen.insert(layer.name).inserted else {
                throw ExplainError(.invalidModel, "duplicate layer name \(Echo.quoted(layer.name))", at: "layers[\(i)].name")
            }
            let ids = wiring[i]
            guard !ids.isEmpty, ids.allSatisfy({ (0...i).contains($0) }) else {
                throw ExplainError(.invalidModel, "layer \(Echo.quoted(layer.name)) reads tensors \(ids), expected ids in 0...\(i)",
                                   at: "layers[\(i)]")
            }
            let shape: [Int]
            do throws(ExplainError) {
                if let merge = layer as? any MultiInputLayer {
                    shape = try merge.outputShape(forInputs: ids.map { shapes[$0] })
                } else {
                    guard ids.count == 1 else {
                        throw ExplainError(.invalidModel, "\(layer.type) reads one tensor, got \(ids.count)")
                    }
                    shape = try layer.outputShape(for: shapes[ids[0]])
                }
            } catch { throw error.located(in: "layers[\(i)]") }
            guard elementCount(shape) != nil else {
                throw ExplainError(.invalidModel, "the output \(shape) has more than \(maximumWidth) values per sample",
                                   at: "layers[\(i)]")
            }
            shapes.append(shape)
        }
        if let tensorNames, tensorNames.count != layers.count + 1 || Set(tensorNames).count != tensorNames.count {
            throw ExplainError(.invalidModel, "expected \(layers.count + 1) unique tensor names, got \(tensorNames.count)",
                               at: "layers")
        }
        return Array(shapes.dropFirst())
    }

    /// How many layers read each tensor (by id).
    var consumerCounts: [Int] {
        var counts = [Int](repeating: 0, count: layers.count + 1)
        for ids in inputIDs { for id in ids { counts[id] += 1 } }
        return counts
    }

    /// Layer `i` on its input tensors, as a multi-input pullback.
    func apply(_ i: Int, _ inputs: [Tensor], mode: Mode, needsInputGradient: Bool = true,
               needsParameterGradients: Bool = true) -> (output: Tensor, pullback: MultiPullback) {
        if let merge = layers[i] as? any MultiInputLayer { return merge(inputs, mode: mode) }
        let (y, pullback) = layers[i](inputs[0], mode: mode, needsInputGradient: needsInputGradient,
                                      needsParameterGradients: needsParameterGradients)
        return (y, { dy in
            let (dx, dp) = pullback(dy)
            return ([dx], dp)
        })
    }

    /// Runs layers `range` of a graph from `x`, tensor `range.lowerBound` (the input when the range starts at 0),
    /// firing forward hooks; tensors nobody reads any more are dropped unless `keepsPullbacks`.
    ///
    /// - Precondition: the range's layers read only tensor `range.lowerBound` and tensors the range produces.
    func runGraph(_ x: Tensor, layers range: Range<Int>, mode: Mode, keepsPullbacks: Bool,
                  needsParameterGradients: Bool = true) -> (output: Tensor, pullbacks: [MultiPullback], tensors: [Tensor?]) {
        let forwardHooks = hooks.forwardHooks()
        var remaining = consumerCounts
        var tensors = [Tensor?](repeating: nil, count: layers.count + 1)
        tensors[range.lowerBound] = x
        var pullbacks: [MultiPullback] = []
        if keepsPullbacks { pullbacks.reserveCapacity(range.count) }
        for i in range {
            let inputs = inputIDs[i].map { id -> Tensor in
                guard let t = tensors[id] else { preconditionFailure("Model \(name): layer \(i) reads tensor \(id) outside the run") }
                return t
            }
            let (y, pullback) = apply(i, inputs, mode: mode, needsParameterGradients: needsParameterGradients)
            if let hs = forwardHooks[i] {
                let event = ForwardHookEvent(layer: layers[i].name, layerIndex: i, input: inputs[0], output: y, mode: mode)
                for hook in hs { hook(event) }
            }
            if keepsPullbacks {
                pullbacks.append(pullback)
            } else {
                for id in inputIDs[i] {
                    remaining[id] -= 1
                    if remaining[id] == 0 { tensors[id] = nil }
                }
            }
            tensors[i + 1] = y
        }
        return (tensors[range.upperBound] ?? x, pullbacks, tensors)
    }

    /// The backward pass of `runGraph` over `range`: gradients that reach a tensor from several layers are summed.
    /// Fires backward hooks; layers that no gradient reaches report zero parameter gradients.
    func graphPullback(_ pullbacks: [MultiPullback], layers range: Range<Int>, outputGradient dy: Tensor,
                       inputShape: [Int], needsParameterGradients: Bool) -> ModelGradients {
        let backward = hooks.backwardHooks()
        var grads = [Tensor?](repeating: nil, count: layers.count + 1)
        grads[range.upperBound] = dy
        var params = [[Tensor]](repeating: [], count: layers.count)
        for (i, pullback) in zip(range, pullbacks).reversed() {
            guard let g = grads[i + 1] else {
                if needsParameterGradients { params[i] = layers[i].parameters.map { Tensor(shape: $0.shape, repeating: 0) } }
                continue
            }
            grads[i + 1] = nil
            let (dxs, dp) = pullback(g)
            params[i] = dp
            if let hs = backward[i] {
                let event = BackwardHookEvent(layer: layers[i].name, layerIndex: i, outputGradient: g, inputGradient: dxs[0])
                for h in hs { h(event) }
            }
            for (id, dx) in zip(inputIDs[i], dxs) { grads[id] = grads[id].map { $0 + dx } ?? dx }
        }
        let input = grads[range.lowerBound] ?? Tensor(shape: inputShape, repeating: 0)
        return ModelGradients(input: input, parameters: params)
    }
}

extension Model {
    /// A batch's activation at the output of layer `index`, the model's outputs `[N] + output shape`, and a pullback
    /// from an output gradient to the gradient with respect to that activation (every path that does not pass
    /// through it held fixed, as a hook on the layer sees it). Explainers read input gradients only; no parameter
    /// gradients are computed.
    public func forwardWithLayerPullback(_ x: Tensor, at index: Int)
        -> (activation: Tensor, output: Tensor, pullback: (Tensor) -> Tensor) {
        precondition(layers.indices.contains(index), "Model \(name): no layer \(index)")
        if isChain {
            let activation = forwardWithInputPullback(batch(x), layers: 0..<(index + 1)).output
            let (out, pullback) = forwardWithInputPullback(activation, layers: (index + 1)..<layers.count)
            return (activation, out, pullback)
        }
        let (out, pullbacks, tensors) = runGraph(batch(x), layers: layers.indices, mode: .inference, keepsPullbacks: true,
                                                 needsParameterGradients: false)
        let activation = tensors[index + 1] ?? out
        let rest = (index + 1)..<layers.count
        let tail = Array(pullbacks[rest])
        return (activation, out, { dy in
            self.graphPullback(tail, layers: rest, outputGradient: dy, inputShape: activation.shape,
                               needsParameterGradients: false).input
        })
    }
}
