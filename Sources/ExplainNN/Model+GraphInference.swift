import ExplainTensor

/// `infer` on the part of a graph model after its leading chain.
///
/// Convolutions run channels-last as in a sequential model's plan (`Model+ChannelsLast.swift`), and the layers that do
/// not care about the layout (elementwise activations, same-shape sums and products, identities) keep it, so a
/// residual block stays channels-last end to end; global average pooling and pooling read it directly. Any other
/// layer gets channels-first inputs.
extension Model {
    /// The number of leading layers that form a chain: each reads only the previous tensor, which nothing else
    /// reads. All layers of a sequential model; `infer` runs them with its fused steps.
    var chainPrefixCount: Int {
        let counts = consumerCounts
        var k = 0
        while readsOnlyPrevious(k, counts), !(layers[k] is any MultiInputLayer) { k += 1 }
        return k
    }

    /// The prepared tail of a graph: where it starts, and per layer how it runs.
    struct GraphTail {
        enum Kind {
            /// A conv2d on channels-last samples (its ReLU fused when `fusesReLU`).
            case convolutionLast(ChannelsLastConvolution)
            /// A dense layer on flat rows.
            case dense(PackedAffine)
            /// Pooling on channels-last samples.
            case poolLast(Pool2D)
            /// Global average pooling of channels-last samples.
            case globalAverageLast
            /// The layer as it is, on inputs in whatever layout they have (they share one).
            case layoutFree
            /// The layer as it is, on channels-first inputs.
            case channelsFirst
        }
        var start: Int
        /// Whether tensor `start`, the leading chain's output, arrives in channels-last order (`channelsLast(_:)`
        /// leaves a chain's convolutional run in that order when a graph tail follows it).
        var inputIsLast = false
        var kinds: [Int: Kind]
        /// The layers whose ReLU is fused into them.
        var fusesReLU: Set<Int>
        /// How many following layers each layer absorbs (a batch normalisation, a ReLU), which are skipped.
        var absorbed: [Int: Int] = [:]
    }

    /// Whether layer `i` alone reads the output of layer `i − 1` (or the input, for layer 0), which nothing else reads.
    private func readsOnlyPrevious(_ i: Int, _ counts: [Int]) -> Bool {
        i < layers.count && inputIDs[i] == [i] && counts[i] == 1
    }

    /// The sample shape of tensor `id` (0 the input, i + 1 the output of layer i).
    private func tensorShape(_ id: Int) -> [Int] { id == 0 ? inputShape : layerShapes[id - 1] }

    /// The tail's plan: each layer's kind, worked out once per set of weights.
    func graphTail(from start: Int) -> GraphTail {
        let counts = consumerCounts
        var kinds: [Int: GraphTail.Kind] = [:]
        var fuses = Set<Int>()
        var absorbed: [Int: Int] = [:]
        var i = start
        while i < layers.count {
            let input = tensorShape(inputIDs[i][0])
            let fusable = readsOnlyPrevious(i + 1, counts) && (layers[i + 1] as? Activation)?.kind == .relu
            switch layers[i] {
            case var conv as Conv2D where input.count == 3:
                // A batch normalisation right after the convolution folds into its weights and bias.
                var taken = 0
                if readsOnlyPrevious(i + 1, counts), let bn = layers[i + 1] as? ChannelAffine,
                   bn.scale.count == conv.weight.shape[0] {
                    conv = Self.folded(conv, bn)
                    taken = 1
                }
                let relu = readsOnlyPrevious(i + 1 + taken, counts) && (layers[i + 1 + taken] as? Activation)?.kind == .relu
                kinds[i] = .convolutionLast(ChannelsLastConvolution(conv, input: input, relu: relu))
                if relu { fuses.insert(i) }
                absorbed[i] = taken + (relu ? 1 : 0)
            case let dense as Dense where input.count == 1:
                kinds[i] = .dense(dense.packed)
                if fusable { fuses.insert(i) }
                absorbed[i] = fusable ? 1 : 0
            case let pool as Pool2D where input.count == 3:
                kinds[i] = .poolLast(pool)
            case is GlobalAveragePool where input.count == 3:
                kinds[i] = .globalAverageLast
            case is Activation, is Identity, is Dropout:
                kinds[i] = .layoutFree
            case is Broadcast where inputIDs[i].allSatisfy({ tensorShape($0) == layerShapes[i] }):
                kinds[i] = .layoutFree
            default:
                kinds[i] = .channelsFirst
            }
            i += 1 + (absorbed[i] ?? 0)
        }
        return GraphTail(start: start, kinds: kinds, fusesReLU: fuses, absorbed: absorbed)
    }

    /// `conv` followed by a per-channel affine map, as one convolution: W′[o] = s[o]·W[o], b′[o] = s[o]·b[o] + t[o].
    static func folded(_ conv: Conv2D, _ affine: ChannelAffine) -> Conv2D {
        var out = conv
        let o = conv.weight.shape[0], per = conv.weight.count / o
        for k in 0..<o {
            let s = affine.scale.scalars[k]
            for j in 0..<per { out.weight.scalars[k * per + j] *= s }
            out.bias.scalars[k] = s * conv.bias.scalars[k] + affine.shift.scalars[k]
        }
        return out
    }

    /// Layers `tail.start...` on `x`, tensor `tail.start` (channels-first), without pullbacks; every tensor is
    /// dropped once its last reader ran.
    func inferGraph(_ x: Tensor, tail: GraphTail) -> Tensor {
        var remaining = consumerCounts
        var tensors = [Tensor?](repeating: nil, count: layers.count + 1)
        var isLast = [Bool](repeating: false, count: layers.count + 1)
        func read(_ id: Int, last: Bool) -> Tensor {
            guard let t = tensors[id] else { preconditionFailure("Model \(name): tensor \(id) was dropped early") }
            let s = tensorShape(id)
            guard isLast[id] != last, Self.layoutsDiffer(s) else { return t }
            return last ? Self.transposed(t, rows: s[0], columns: s[1] * s[2], shape: [s[1], s[2], s[0]])
                        : Self.transposed(t, rows: s[1] * s[2], columns: s[0], shape: s)
        }
        // In the sample shape of its order: callers may pass flat rows (`infer(preActivations:)`).
        let s = tensorShape(tail.start)
        let shape = tail.inputIsLast && s.count == 3 ? [s[1], s[2], s[0]] : s
        tensors[tail.start] = x.reshaped([x.batchSize] + shape)
        isLast[tail.start] = tail.inputIsLast
        var i = tail.start
        while i < layers.count {
            let ids = inputIDs[i]
            let y: Tensor, outputIsLast: Bool
            switch tail.kinds[i] ?? .channelsFirst {
            case let .convolutionLast(conv):
                (y, outputIsLast) = (conv.apply(read(ids[0], last: true)), true)
            case let .dense(map):
                let h = read(ids[0], last: false)
                y = map(h.reshaped([h.batchSize, h.sampleCount]), relu: tail.fusesReLU.contains(i))
                outputIsLast = false
            case let .poolLast(pool):
                (y, outputIsLast) = (pool.inferenceChannelsLast(read(ids[0], last: true), input: tensorShape(ids[0])), true)
            case .globalAverageLast:
                (y, outputIsLast) = (Self.globalAverageChannelsLast(read(ids[0], last: true), shape: tensorShape(ids[0])), false)
            case .layoutFree:
                let last = ids.allSatisfy { isLast[$0] || !Self.layoutsDiffer(tensorShape($0)) }
                let inputs = ids.map { read($0, last: last) }
                (y, outputIsLast) = (apply(i, inputs, mode: .inference).output, last)
            case .channelsFirst:
                (y, outputIsLast) = (apply(i, ids.map { read($0, last: false) }, mode: .inference).output, false)
            }
            for id in ids {
                remaining[id] -= 1
                if remaining[id] == 0 { tensors[id] = nil }
            }
            let out = i + 1 + (tail.absorbed[i] ?? 0)
            tensors[out] = y
            isLast[out] = outputIsLast
            i = out
        }
        return read(layers.count, last: false)
    }

    /// Each channel's mean over the positions of channels-last samples `[N, H, W, C]`, as `[N, C, 1, 1]`.
    static func globalAverageChannelsLast(_ x: Tensor, shape: [Int]) -> Tensor {
        let c = shape[0], positions = shape[1] * shape[2], n = x.batchSize
        var out = [Float](repeating: 0, count: n * c)
        // As `GlobalAveragePool`: the sum in Double, in position order, times 1 / positions.
        let inverse = 1 / Double(positions)
        var sums = [Double](repeating: 0, count: c)
        x.scalars.withUnsafeBufferPointer { src in
            for s in 0..<n {
                for k in 0..<c { sums[k] = 0 }
                for p in 0..<positions {
                    let base = (s * positions + p) * c
                    for k in 0..<c { sums[k] += Double(src[base + k]) }
                }
                for k in 0..<c { out[s * c + k] = Float(sums[k] * inverse) }
            }
        }
        return Tensor(shape: [n, c, 1, 1], scalars: out)
    }
}
