import ExplainTensor

/// The model split after its first layer, for explainers with exact first-layer shortcuts (KernelSHAP).
extension Model {
    /// The first layer of `infer` when it is affine on the flat input: `standardize → dense` or `dense`, with the
    /// scaling folded into the weights `[hidden, inputWidth]` and bias `[hidden]`; nil otherwise, and while forward
    /// hooks are registered (they must see every layer). `infer(preActivations:)` runs the rest of the model.
    public var inputAffine: (weight: [Float], bias: [Float])? {
        guard hooks.forwardHooks().isEmpty, inputShape.count == 1,
              case let .dense(weight, bias, _, _)? = inferenceSteps().first else { return nil }
        return (weight, bias)
    }

    /// The width of `infer(preActivations:)`'s input: the first dense layer's outputs when the model starts with
    /// `standardize → dense` or `dense` on flat rows, else nil.
    public var preActivationWidth: Int? {
        guard inputShape.count == 1 else { return nil }
        let first = layers.first is Standardize ? layers.dropFirst().first : layers.first
        return (first as? Dense)?.outputCount
    }

    /// The outputs `[N, outputCount]` from the first layer's pre-activations `[N, hidden]` (`inputAffine`): its ReLU,
    /// when fused, and every later layer, in blocks like `infer`. infer(x) = infer(preActivations: x·Wᵀ + b) up to float
    /// rounding.
    public func infer(preActivations h: Tensor) -> Tensor {
        let steps = inferenceSteps()
        guard case let .dense(_, _, hidden, relu)? = steps.first else {
            preconditionFailure("Model \(name): infer(preActivations:) needs a model whose first layer is dense")
        }
        precondition(h.sampleCount == hidden, "Model \(name): pre-activations of \(h.sampleCount) values, expected \(hidden)")
        let rest = Array(steps.dropFirst())
        return inBlocks(h) { part in
            guard relu else { return self.run(rest, on: part.reshaped([part.batchSize, hidden])) }
            let values = [Float](unsafeUninitializedCapacity: part.scalars.count) { v, initialized in
                part.scalars.withUnsafeBufferPointer { p in
                    guard let v0 = v.baseAddress, let p0 = p.baseAddress else { return }
                    for i in 0..<p.count { v0[i] = p0[i] > 0 ? p0[i] : 0 }
                }
                initialized = part.scalars.count
            }
            return self.run(rest, on: Tensor(shape: [part.batchSize, hidden], scalars: values))
        }
    }
}
