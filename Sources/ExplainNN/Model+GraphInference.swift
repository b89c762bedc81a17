import ExplainTensor

/// `infer` on the part of a graph model after its leading chain.
extension Model {
    /// The number of leading layers that form a chain: each reads only the previous tensor, which nothing else
    /// reads. All layers of a sequential model; `infer` runs them with its fused steps.
    var chainPrefixCount: Int {
        let counts = consumerCounts
        var k = 0
        while k < layers.count, inputIDs[k] == [k], counts[k] == 1, !(layers[k] is any MultiInputLayer) { k += 1 }
        return k
    }

    /// Layers `from...` on `x`, tensor `from`, without pullbacks: dense, conv2d and pooling layers use their
    /// inference kernels, a ReLU that alone reads a dense or conv2d output is fused into it, and every tensor is
    /// dropped once its last reader ran.
    func inferGraph(_ x: Tensor, from start: Int) -> Tensor {
        var remaining = consumerCounts
        var tensors = [Tensor?](repeating: nil, count: layers.count + 1)
        tensors[start] = x
        var i = start
        while i < layers.count {
            let inputs = inputIDs[i].map { id -> Tensor in
                guard let t = tensors[id] else { preconditionFailure("Model \(name): tensor \(id) was dropped early") }
                return t
            }
            let fusesReLU = i + 1 < layers.count && inputIDs[i + 1] == [i + 1] && remaining[i + 1] == 1
                && (layers[i + 1] as? Activation)?.kind == .relu && (layers[i] is Dense || layers[i] is Conv2D)
            let y: Tensor
            switch layers[i] {
            case let dense as Dense where inputs[0].shape.count == 2:
                y = Dense.affine(inputs[0], weight: dense.weight.scalars, bias: dense.bias.scalars,
                                 outputs: dense.outputCount, relu: fusesReLU)
            case let conv as Conv2D:
                y = conv.inference(inputs[0], relu: fusesReLU)
            case let pool as Pool2D:
                y = pool.inference(inputs[0])
            default:
                y = apply(i, inputs, mode: .inference).output
            }
            for id in inputIDs[i] {
                remaining[id] -= 1
                if remaining[id] == 0 { tensors[id] = nil }
            }
            let fused = fusesReLU && (layers[i] is Conv2D || inputs[0].shape.count == 2)
            tensors[fused ? i + 2 : i + 1] = y
            i += fused ? 2 : 1
        }
        return tensors[layers.count] ?? x
    }
}
