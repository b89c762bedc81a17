import ExplainNN
import ExplainTensor

/// scikit-learn's binary classifiers: skl2onnx turns one logit z into two probabilities as
/// `Concat(Sub(1, Sigmoid(z)), Sigmoid(z))`. Graph models run that as a dense layer z → [−z, z] and a sigmoid:
/// σ(−z) is 1 − σ(z) (without its cancellation near 1), the model ends in a sigmoid, and `--logits` explains each
/// class's log-odds.
extension ONNXModelBuilder {
    /// The nodes of one such pattern.
    struct BinaryProbabilities {
        var sigmoid, complement, concat: Int
        /// The logit tensor.
        var logit: String
    }

    /// The pattern whose Sigmoid node is at `index`, if the nodes after it form one.
    func binaryProbabilities(at index: Int) -> BinaryProbabilities? {
        let nodes = graph.nodes
        guard case .sigmoid = nodes[index].operation, let z = nodes[index].inputs.first, isBatched(z),
              sampleShape(z) == [1] else { return nil }
        let p = nodes[index].output
        guard let sub = nodes.indices.first(where: { i in
            if case .sub = nodes[i].operation, nodes[i].inputs.count == 2, nodes[i].inputs[1] == p,
               let one = graph.constants[nodes[i].inputs[0]], one.count == 1, one.scalars[0] == 1 { return true }
            return false
        }) else { return nil }
        guard let concat = nodes.indices.first(where: { i in
            if case .concat(axis: 1) = nodes[i].operation, nodes[i].inputs == [nodes[sub].output, p] { return true }
            return false
        }) else { return nil }
        // Nothing else may read the sigmoid's or the complement's output.
        let readers = nodes.indices.filter { i in
            i != sub && i != concat && (nodes[i].inputs.contains(p) || nodes[i].inputs.contains(nodes[sub].output))
        }
        guard readers.isEmpty, graph.output.name != p, graph.output.name != nodes[sub].output else { return nil }
        return BinaryProbabilities(sigmoid: index, complement: sub, concat: concat, logit: z)
    }

    /// The dense layer z → [−z, z] and the sigmoid, producing the Concat's output.
    mutating func appendBinaryProbabilities(_ pattern: BinaryProbabilities) {
        let concat = graph.nodes[pattern.concat], sigmoid = graph.nodes[pattern.sigmoid]
        let logits = "\(concat.output).logits"
        append(Dense(name: graph.nodes[pattern.complement].name, weight: Tensor(shape: [2, 1], scalars: [-1, 1]),
                     bias: Tensor(shape: [2], scalars: [0, 0])),
               reading: [pattern.logit], producing: logits)
        append(Activation(name: sigmoid.name, kind: .sigmoid), reading: [logits], producing: concat.output)
    }
}
