import ExplainTensor

/// A forward-only reference interpreter of an `ONNXGraph`, with `ONNXKernels`: the meaning that faster graph
/// execution must reproduce, and what tests compare with onnxruntime.
public struct ONNXReference: Sendable {
    public let graph: ONNXGraph
    /// The rows evaluated at a time, which bounds the intermediate tensors held.
    public var rowsPerChunk: Int

    public init(_ graph: ONNXGraph, rowsPerChunk: Int = 256) {
        precondition(rowsPerChunk > 0, "ONNXReference: rowsPerChunk must be positive")
        self.graph = graph
        self.rowsPerChunk = rowsPerChunk
    }

    /// The explained output for a batch of a single-input graph.
    /// - Throws: `ExplainError(.invalidInput)` when the graph has several inputs or the batch's sample shape or size
    ///   differs from the input's.
    public func evaluate(_ input: Tensor) throws(ExplainError) -> Tensor {
        guard graph.inputs.count == 1, let only = graph.inputs.first else {
            throw ExplainError(.invalidInput, "the model has \(graph.inputs.count) inputs; pass each by name")
        }
        return try evaluate([only.name: input])
    }

    /// The explained output for one batch per graph input, all with the same number of rows. A batch may be given
    /// flat (`[N, product of the sample shape]`).
    /// - Complexity: one pass over the nodes per chunk of `rowsPerChunk` rows.
    public func evaluate(_ inputs: [String: Tensor]) throws(ExplainError) -> Tensor {
        var rows: Int?
        for input in graph.inputs {
            guard let batch = inputs[input.name] else {
                throw ExplainError(.invalidInput, "no batch for input \"\(input.name)\"")
            }
            let width = input.sampleShape.reduce(1, *)
            guard batch.sampleCount == width, rows == nil || rows == batch.batchSize else {
                throw ExplainError(.invalidInput, "input \"\(input.name)\" expects rows of \(width) values "
                                   + "(shape \(input.sampleShape)) and equal row counts, got shape \(batch.shape)")
            }
            rows = batch.batchSize
        }
        let count = rows ?? 0
        var parts: [Tensor] = []
        for start in stride(from: 0, to: count, by: rowsPerChunk) {
            let range = start..<min(start + rowsPerChunk, count)
            var chunk: [String: Tensor] = [:]
            for input in graph.inputs {
                chunk[input.name] = inputs[input.name]?.rows(range).reshaped([range.count] + input.sampleShape)
            }
            parts.append(run(chunk, rows: range.count))
        }
        guard !parts.isEmpty else { return Tensor(shape: [0] + graph.output.sampleShape) }
        return Tensor.concatenating(parts)
    }

    /// One chunk through every node.
    func run(_ inputs: [String: Tensor], rows: Int) -> Tensor {
        var tensors = inputs
        for node in graph.nodes {
            let operands = node.inputs.compactMap { tensors[$0] ?? graph.constants[$0] }
            let shape = [rows] + (graph.sampleShapes[node.output] ?? [])
            tensors[node.output] = ONNXKernels.apply(node.operation, to: operands, outputShape: shape)
        }
        return tensors[graph.output.name] ?? Tensor(shape: [rows] + graph.output.sampleShape)
    }
}
