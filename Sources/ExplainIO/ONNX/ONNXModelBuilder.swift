import ExplainNN
import ExplainTensor

/// Turns an `ONNXGraph` into a graph `Model`: one layer per node (a MatMul and the Add of its bias become one dense
/// layer), wired by tensor name, named after the nodes, with the ONNX tensor names as the model's tensor names.
///
/// Operators map onto the layers that run them fastest: Gemm and MatMul on flat rows to `dense`, per-feature Sub,
/// Div, Add, Mul and Scaler on the input to `standardize` (so that `infer` and KernelSHAP's first-layer shortcut
/// fold them into the first dense layer), plain Conv, MaxPool and AveragePool to `conv2d` and the pooling layers,
/// a whole-sample Softmax to `softmax` and Flatten to `flatten`; everything else to the general operator layers.
struct ONNXModelBuilder {
    let graph: ONNXGraph
    /// The file, for error locations.
    let file: String
    private(set) var layers: [any Layer] = []
    private(set) var inputIDs: [[Int]] = []
    private(set) var tensorNames: [String] = []
    var ids: [String: Int] = [:]
    private var layerNames = Set<String>()

    init(graph: ONNXGraph, file: String) {
        self.graph = graph
        self.file = file
    }

    /// The model, with these names.
    /// - Throws: `ExplainError(.unsupported)` at the node for a graph outside what graph models run (several inputs,
    ///   an input that is neither `[n]` nor `[C, H, W]`, a node whose operands are not of the supported kinds), and the
    ///   errors of `Model`'s initializer.
    static func model(_ graph: ONNXGraph, file: String, name: String, featureNames: [String]?,
                      outputNames: [String]?) throws(ExplainError) -> Model {
        guard graph.inputs.count == 1, let input = graph.inputs.first else {
            throw ExplainError(.unsupported, "the model has \(graph.inputs.count) data inputs (\(graph.inputs.map(\.name).joined(separator: ", "))); "
                               + "ExplainKit explains models with one input", at: file)
        }
        guard input.sampleShape.count == 1 || input.sampleShape.count == 3 else {
            throw ExplainError(.unsupported, "input \"\(input.name)\" has sample shape \(input.sampleShape); expected [n] "
                               + "(tabular rows) or [C, H, W] (images) after the batch dimension", at: file)
        }
        guard !graph.nodes.isEmpty else {
            throw ExplainError(.unsupported, "output \"\(graph.output.name)\" is the input itself; there is nothing to explain",
                               at: file)
        }
        var builder = ONNXModelBuilder(graph: graph, file: file)
        builder.ids[input.name] = 0
        builder.tensorNames = [input.name]
        var skipped = Set<Int>()
        for (index, node) in graph.nodes.enumerated() where !skipped.contains(index) {
            if case .identity = node.operation, index != graph.nodes.count - 1, let x = node.inputs.first,
               let id = builder.ids[x] {
                builder.ids[node.output] = id
            } else if let pair = builder.binaryProbabilities(at: index) {
                builder.appendBinaryProbabilities(pair)
                skipped.formUnion([pair.sigmoid, pair.complement, pair.concat])
            } else if let bias = builder.fusableBias(after: index) {
                try builder.addDense(node, biasNode: graph.nodes[bias])
                skipped.insert(bias)
            } else {
                try builder.add(node)
            }
        }
        let width = input.sampleShape.reduce(1, *)
        let features = featureNames ?? (0..<width).map { "x\($0)" }
        let outputs = outputNames ?? (0..<graph.output.sampleShape.reduce(1, *)).map(String.init)
        do throws(ExplainError) {
            return try Model(name: name, inputShape: input.sampleShape, featureNames: features, outputNames: outputs,
                             layers: builder.layers, inputIDs: builder.inputIDs, tensorNames: builder.tensorNames)
        } catch {
            throw error.located(in: file)
        }
    }

    /// Appends `layer`, reading the batched tensors `inputs` and producing `output`.
    mutating func append(_ layer: any Layer, reading inputs: [String], producing output: String) {
        var named = layer
        var candidate = layer.name, k = 1
        while layerNames.contains(candidate) {
            k += 1
            candidate = "\(layer.name)#\(k)"
        }
        named.name = candidate
        layerNames.insert(candidate)
        inputIDs.append(inputs.compactMap { ids[$0] })
        layers.append(named)
        tensorNames.append(output)
        ids[output] = layers.count
    }

    /// Whether `name` is a batched tensor (an input or a node's output) rather than a constant.
    func isBatched(_ name: String) -> Bool { ids[name] != nil }

    /// The sample shape of a batched tensor.
    func sampleShape(_ name: String) -> [Int] { graph.sampleShapes[name] ?? [] }

    /// The error for `node` with this message.
    func unsupported(_ node: ONNXNode, _ message: String) -> ExplainError {
        ExplainError(.unsupported, message, at: "\(file): node \"\(node.name)\" (\(node.opType))")
    }

    /// The constant input `name` of `node`.
    func constant(_ name: String, of node: ONNXNode) throws(ExplainError) -> Tensor {
        guard let t = graph.constants[name] else {
            throw unsupported(node, "expected input \"\(name)\" to be a constant (an initializer or folded value)")
        }
        return t
    }

    /// The index of an Add node that adds a constant bias `[n]` to the output of the MatMul at `index`, when nothing
    /// else reads that output.
    func fusableBias(after index: Int) -> Int? {
        let node = graph.nodes[index]
        guard case .matMul = node.operation, node.inputs.count == 2, isBatched(node.inputs[0]),
              sampleShape(node.inputs[0]).count == 1, let w = graph.constants[node.inputs[1]], w.shape.count == 2 else { return nil }
        let readers = graph.nodes.indices.filter { graph.nodes[$0].inputs.contains(node.output) }
        guard readers.count == 1, let add = readers.first, case .add = graph.nodes[add].operation,
              graph.output.name != node.output else { return nil }
        let operands = graph.nodes[add].inputs
        guard operands.count == 2, let biasName = operands.first(where: { $0 != node.output }),
              let bias = graph.constants[biasName], bias.count == w.shape[1],
              bias.shape.filter({ $0 != 1 }).count <= 1 else { return nil }
        return add
    }
}
