import ExplainTensor

/// The model split after its first layer, for explainers with exact first-layer shortcuts (KernelSHAP).
///
/// The first layer qualifies when it is affine on the flat input: `standardize → dense` or `dense` on flat rows, and
/// `standardize → conv2d` or `conv2d` on images whose unrolled matrix (outputs × inputs) holds at most
/// `unrolledConvolutionLimit` values. A convolution's rows are its outputs in the channels-last order that `infer`
/// continues in, and its columns the input's channels-first features, so the rest of the model runs exactly as in
/// `infer`.
extension Model {
    /// The largest convolution, in output × input values, that `inputAffine` unrolls into a matrix: 2^18 (1 MiB).
    public static let unrolledConvolutionLimit = 1 << 18

    /// The first layer of `infer` when it is affine on the flat input, with any standardisation folded into the
    /// weights `[hidden, inputWidth]` and bias `[hidden]`; nil otherwise, and while forward hooks are registered (they
    /// must see every layer). `infer(preActivations:)` runs the rest of the model.
    public var inputAffine: (weight: [Float], bias: [Float])? {
        guard hooks.forwardHooks().isEmpty, let first = firstAffineStep(inferenceSteps()) else { return nil }
        switch first.kind {
        case let .dense(weight, bias): return (weight, bias)
        case let .convolution(conv, standardize): return Self.unrolled(conv, standardize: standardize)
        }
    }

    /// The width of `infer(preActivations:)`'s input, the first layer's outputs, when `inputAffine` has a first
    /// layer to split off (hooks aside); nil otherwise.
    public var preActivationWidth: Int? { firstAffineStep(inferenceSteps())?.hidden }

    /// The outputs `[N, outputCount]` from the first layer's pre-activations `[N, hidden]` (`inputAffine`): its ReLU,
    /// when fused, and every later layer, in blocks like `infer`. infer(x) = infer(preActivations: x·Wᵀ + b) up to float
    /// rounding.
    public func infer(preActivations h: Tensor) -> Tensor {
        guard let rest = preActivationInference() else {
            preconditionFailure("Model \(name): infer(preActivations:) needs a model whose first layer is affine")
        }
        return rest(h)
    }

    /// `infer(preActivations:)` with the layer plan worked out once, for many calls while the weights stay as they
    /// are (a convolution's reordered weights, a dense layer's permuted columns); nil when the model has no affine
    /// first layer.
    public func preActivationInference() -> ((Tensor) -> Tensor)? {
        let steps = inferenceSteps()
        guard let first = firstAffineStep(steps) else { return nil }
        let hidden = first.hidden, relu = first.relu, rest = Array(steps.dropFirst(first.steps))
        return { h in
            precondition(h.sampleCount == hidden, "Model \(self.name): pre-activations of \(h.sampleCount) values, expected \(hidden)")
            return self.inBlocks(h) { part in
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

    /// The affine first step of `infer`, if there is one.
    struct FirstAffineStep {
        enum Kind {
            case dense(weight: [Float], bias: [Float])
            case convolution(ChannelsLastConvolution, standardize: Standardize?)
        }
        let kind: Kind
        /// How many of `inferenceSteps()` it spans (a standardize step and a layout change before a convolution).
        let steps: Int
        let hidden: Int
        /// Whether a ReLU is fused into it.
        let relu: Bool
    }

    /// The affine first step of `steps` (`inferenceSteps()`), or nil.
    func firstAffineStep(_ steps: [InferenceStep]) -> FirstAffineStep? {
        if inputShape.count == 1, case let .dense(map, relu)? = steps.first {
            return FirstAffineStep(kind: .dense(weight: map.weight, bias: map.bias), steps: 1, hidden: map.outputs, relu: relu)
        }
        guard inputShape.count == 3 else { return nil }
        var i = 0, standardize: Standardize?
        // Leading standardisations (an imported graph's Sub and Div) compose into one.
        while i < steps.count, case .layer(i) = steps[i], let s = layers[i] as? Standardize {
            standardize = standardize.map { Self.composed($0, then: s) } ?? s
            i += 1
        }
        if i < steps.count, case .toChannelsLast = steps[i] { i += 1 }
        guard i < steps.count, case let .convolutionLast(conv) = steps[i] else { return nil }
        guard conv.unrolledCount <= Self.unrolledConvolutionLimit else { return nil }
        let hidden = conv.outputShape.reduce(1, *)
        return FirstAffineStep(kind: .convolution(conv, standardize: standardize), steps: i + 1, hidden: hidden,
                               relu: conv.relu)
    }

    /// (x − m₁)/s₁ then (· − m₂)/s₂ as one standardisation: (x − (m₁ + m₂·s₁)) / (s₁·s₂).
    static func composed(_ first: Standardize, then second: Standardize) -> Standardize {
        var mean = first.mean, std = first.std
        for j in mean.indices {
            mean[j] += second.mean[j] * std[j]
            std[j] *= second.std[j]
        }
        return Standardize(name: first.name, mean: mean, std: std)
    }

    /// A convolution as a matrix over the input's channels-first features, with a preceding standardisation folded
    /// in like a dense layer's (`ChannelsLastConvolution.unrolled`).
    static func unrolled(_ conv: ChannelsLastConvolution, standardize: Standardize?) -> (weight: [Float], bias: [Float]) {
        var (weight, bias) = conv.unrolled(channelsLastInput: false)
        if let standardize { Dense.fold(mean: standardize.mean, std: standardize.std, into: &weight, bias: &bias) }
        return (weight, bias)
    }
}
