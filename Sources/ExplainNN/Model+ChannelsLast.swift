import ExplainTensor

/// `infer`'s convolutional part in channels-last order.
///
/// Runs of conv2d and pooling layers (with the ReLUs, other activations and dropouts between them) work on
/// `[H, W, C]` samples: windows then read contiguous channel vectors, and conv2d's product needs no transposition
/// (`ChannelsLastConvolution`). Samples change layout once on the way in, and on the way out either once or not at all:
/// a `flatten` followed by a dense layer keeps the channels-last order, and the dense layer's columns are permuted
/// to match instead. A small convolution after another one runs as a dense layer over channels-last samples when its
/// unrolled matrix costs at most twice the patch product's multiply-adds (`ChannelsLastConvolution.isCheaperUnrolled`):
/// one well-shaped sgemm, no patch matrix. Model files and every other path keep PyTorch's channels-first order.
extension Model {
    /// `steps` with their conv2d and pooling runs in channels-last order.
    func channelsLast(_ steps: [InferenceStep]) -> [InferenceStep] {
        var out = [InferenceStep]()
        var shape = inputShape
        var isLast = false
        // The `[C, H, W]` shape of a flatten's input that was left in channels-last order, for the next dense layer.
        var flattened: [Int]?
        func leave() {
            if isLast && Self.layoutsDiffer(shape) { out.append(.toChannelsFirst(shape: shape)) }
            isLast = false
        }
        for (index, step) in steps.enumerated() {
            switch step {
            case let .dense(map, relu):
                leave()
                if let chw = flattened {
                    let weight = Self.channelsLastColumns(map.weight, outputs: map.outputs, chw)
                    out.append(.dense(PackedAffine(weight: weight, bias: map.bias, outputs: map.outputs), relu: relu))
                    flattened = nil
                } else {
                    out.append(step)
                }
                shape = [map.outputs]
            case let .convolution(conv, relu) where shape.count == 3:
                let prepared = ChannelsLastConvolution(conv, input: shape, relu: relu)
                if isLast && prepared.isCheaperUnrolled {
                    // A small convolution after another one: one well-shaped sgemm instead of a patch matrix.
                    let (weight, bias) = prepared.unrolled(channelsLastInput: true)
                    out.append(.dense(PackedAffine(weight: weight, bias: bias, outputs: bias.count), relu: relu))
                } else {
                    if !isLast && Self.layoutsDiffer(shape) { out.append(.toChannelsLast(shape: shape)) }
                    out.append(.convolutionLast(prepared))
                }
                isLast = true
                shape = prepared.outputShape
            case let .pool(pool) where shape.count == 3:
                out.append(isLast ? .poolLast(pool, input: shape) : step)
                shape = [shape[0], (shape[1] - pool.kernel) / pool.stride + 1, (shape[2] - pool.kernel) / pool.stride + 1]
            case let .layer(i) where isLast && (layers[i] is Activation || layers[i] is Dropout):
                out.append(step)
            case let .layer(i) where isLast && layers[i] is Flatten && index + 1 < steps.count:
                if case .dense = steps[index + 1] {
                    flattened = shape
                    isLast = false
                } else {
                    leave()
                    out.append(step)
                }
                shape = layerShapes[i]
            case let .layer(i):
                leave()
                out.append(step)
                shape = layerShapes[i]
            case var .graph(tail) where isLast:
                // The graph's nodes read tensors in either order: no change of layout between the chain and them.
                tail.inputIsLast = true
                out.append(.graph(tail))
                isLast = false
            default:
                leave()
                out.append(step)
            }
        }
        leave()
        return out
    }

    /// Whether `[C, H, W]` and `[H, W, C]` order the values differently.
    static func layoutsDiffer(_ shape: [Int]) -> Bool { shape.count == 3 && shape[0] > 1 && shape[1] * shape[2] > 1 }

    /// A dense weight `[outputs, C·H·W]` over channels-first inputs, with its columns in channels-last order.
    static func channelsLastColumns(_ weight: [Float], outputs: Int, _ chw: [Int]) -> [Float] {
        let c = chw[0], positions = chw[1] * chw[2], width = c * positions
        guard layoutsDiffer(chw) else { return weight }
        var out = weight
        for o in 0..<outputs {
            for ch in 0..<c {
                for q in 0..<positions { out[o * width + q * c + ch] = weight[o * width + ch * positions + q] }
            }
        }
        return out
    }

    /// Each sample of `x` as a `[rows, columns]` matrix transposed; the result's sample shape is `shape`.
    static func transposed(_ x: Tensor, rows: Int, columns: Int, shape: [Int]) -> Tensor {
        let n = x.batchSize, size = rows * columns
        precondition(x.sampleCount == size, "transpose: \(x.sampleCount) values per sample, expected \(size)")
        let out = [Float](unsafeUninitializedCapacity: n * size) { dst, initialized in
            x.scalars.withUnsafeBufferPointer { src in
                guard let d0 = dst.baseAddress, let s0 = src.baseAddress else { return }
                for s in 0..<n {
                    let from = s0 + s * size, to = d0 + s * size
                    for r in 0..<rows { for c in 0..<columns { to[c * rows + r] = from[r * columns + c] } }
                }
            }
            initialized = n * size
        }
        return Tensor(shape: [n] + shape, scalars: out)
    }
}
