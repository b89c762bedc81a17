import ExplainTensor

extension Model {
    /// One step of the inference pipeline: a dense layer with its folded weights, a conv2d or pooling layer run without
    /// a pullback, or a layer run as in `forward`.
    enum InferenceStep {
        case dense(PackedAffine, relu: Bool)
        case convolution(Conv2D, relu: Bool)
        case pool(Pool2D)
        case layer(Int)
        /// A graph's layers after its leading chain, from the chain's output (`Model+GraphInference.swift`).
        case graph(GraphTail)
        /// Channels-last steps (`Model+ChannelsLast.swift`): layout changes of `[C, H, W]` samples, and conv2d and
        /// pooling on `[H, W, C]` samples.
        case toChannelsLast(shape: [Int])
        case toChannelsFirst(shape: [Int])
        case convolutionLast(ChannelsLastConvolution)
        case poolLast(Pool2D, input: [Int])
    }

    /// The most scalars one layer's output may hold per block of rows, so a block's activations stay in cache.
    static let inferenceBlockScalars = 1 << 16

    /// Outputs `[N, outputCount]` for explainers that need no gradients, faster than `forward`.
    ///
    /// A `standardize` layer followed by a `dense` layer runs as one dense layer with the scaling folded into its
    /// weights (once per set of weights, `InferencePlanCache`), a `relu` right after a dense or conv2d layer is fused
    /// with its bias, and conv2d and pooling layers run without recording anything for a backward pass. Rows go through every
    /// layer in blocks whose widest activation holds at most `inferenceBlockScalars` values, so memory and cache
    /// use do not grow with N. Other layers run as in `forward`. With any forward hook registered it is exactly
    /// `forward`, so hooks see every layer. Outputs agree with `forward` up to float rounding (the folded first
    /// layer rounds differently).
    public func infer(_ x: Tensor) -> Tensor {
        guard hooks.forwardHooks().isEmpty else { return forward(x) }
        let steps = inferenceSteps()
        return inBlocks(x) { run(steps, on: batch($0)) }
    }

    /// `body` on blocks of at most `inferenceBlockRows` rows of `x`, its `[rows, outputCount]` results concatenated.
    func inBlocks(_ x: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
        let n = x.batchSize, block = inferenceBlockRows
        guard n > block else { return body(x) }
        var out = [Float]()
        out.reserveCapacity(n * outputCount)
        for start in stride(from: 0, to: n, by: block) {
            out.append(contentsOf: body(x.rows(start..<min(n, start + block))).scalars)
        }
        return Tensor(shape: [n, outputCount], scalars: out)
    }

    /// The rows `infer` sends through the layers at a time.
    public var inferenceBlockRows: Int {
        max(1, Self.inferenceBlockScalars / max(inputWidth, layerShapes.map { $0.reduce(1, *) }.max() ?? 1))
    }

    /// The steps of `infer`, built on first use and kept until a layer changes (`InferencePlanCache`).
    func inferenceSteps() -> [InferenceStep] {
        inferencePlan.steps { buildInferenceSteps() }
    }

    /// The steps of `infer`: `standardize → dense (→ relu)` and `dense (→ relu)` on flat rows become one dense step, and
    /// `conv2d (→ relu)` one convolution step.
    private func buildInferenceSteps() -> [InferenceStep] {
        var steps = [InferenceStep]()
        var flat = inputShape.count == 1
        var i = 0
        // A graph's leading chain runs as a sequential model's layers do; the rest node by node.
        let end = chainPrefixCount
        while i < end {
            var standardize: (mean: [Float], std: [Float])?
            var denseAt = i
            if flat, let found = composedStandardize(from: i, end: end), layers[found.next] is Dense {
                standardize = found.standardize
                denseAt = found.next
            }
            if let conv = layers[i] as? Conv2D {
                let relu = i + 1 < end && (layers[i + 1] as? Activation)?.kind == .relu
                steps.append(.convolution(conv, relu: relu))
                i += relu ? 2 : 1
                flat = layerShapes[i - 1].count == 1
                continue
            }
            if let pool = layers[i] as? Pool2D {
                steps.append(.pool(pool))
                flat = layerShapes[i].count == 1
                i += 1
                continue
            }
            guard flat, let dense = layers[denseAt] as? Dense else {
                steps.append(.layer(i))
                flat = layerShapes[i].count == 1
                i += 1
                continue
            }
            let relu = denseAt + 1 < end && (layers[denseAt + 1] as? Activation)?.kind == .relu
            let (w, b) = dense.folded(standardize: standardize)
            steps.append(.dense(PackedAffine(weight: w, bias: b, outputs: dense.outputCount), relu: relu))
            i = denseAt + (relu ? 2 : 1)
            flat = layerShapes[i - 1].count == 1
        }
        if end < layers.count { steps.append(.graph(graphTail(from: end))) }
        return channelsLast(steps)
    }

    /// Consecutive `standardize` layers from layer `i` (before `end`) as one, and the index of the layer after them;
    /// nil when layer `i` is not one (`composed(_:then:)`): an imported pipeline's Sub and Div (or Scaler) nodes fold
    /// into the first dense layer like one standardisation.
    private func composedStandardize(from i: Int, end: Int) -> (standardize: (mean: [Float], std: [Float]), next: Int)? {
        guard var composed = layers[i] as? Standardize else { return nil }
        var next = i + 1
        while next < end, let s = layers[next] as? Standardize {
            composed = Self.composed(composed, then: s)
            next += 1
        }
        guard next < end else { return nil }
        return (standardize: (mean: composed.mean, std: composed.std), next: next)
    }

    /// Runs `steps` on one block of rows.
    func run(_ steps: [InferenceStep], on x: Tensor) -> Tensor {
        var h = x
        for step in steps {
            switch step {
            case let .dense(map, relu):
                h = map(h.reshaped([h.batchSize, h.sampleCount]), relu: relu)
            case let .convolution(conv, relu):
                h = conv.inference(h, relu: relu)
            case let .pool(pool):
                h = pool.inference(h)
            case let .layer(i):
                h = layers[i](h, mode: .inference).output
            case let .graph(tail):
                h = inferGraph(h, tail: tail)
            case let .toChannelsLast(shape):
                h = Model.transposed(h, rows: shape[0], columns: shape[1] * shape[2], shape: [shape[1], shape[2], shape[0]])
            case let .toChannelsFirst(shape):
                h = Model.transposed(h, rows: shape[1] * shape[2], columns: shape[0], shape: shape)
            case let .convolutionLast(conv):
                h = conv.apply(h)
            case let .poolLast(pool, input):
                h = pool.inferenceChannelsLast(h, input: input)
            }
        }
        return h.reshaped([h.batchSize, h.sampleCount])
    }
}
