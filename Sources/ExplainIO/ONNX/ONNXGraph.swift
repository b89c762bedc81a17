import ExplainTensor

/// An ONNX model as ExplainKit reads it: what the explained output needs, validated, folded and in execution order.
///
/// The reader (`ONNXReader`) leaves in the graph only the nodes on the path from the inputs to the chosen float
/// output. Everything computable without the inputs (initializers, `Constant` nodes, constant subgraphs such as
/// PyTorch's `Shape → Gather → Unsqueeze → Concat` reshape targets) is folded into `constants`, so that every node
/// has at least one batched input. Every batched tensor keeps the batch as its first dimension, and its shape per
/// sample is static (`sampleShapes`). Operators are normalised to `ONNXOperation` with their defaults, opset
/// differences and `auto_pad` resolved.
public struct ONNXGraph: Sendable, Equatable {
    /// The model's data inputs (graph inputs that are not initializers), in file order.
    public var inputs: [ONNXValue]
    /// The explained output: the first float output, or the one asked for by name.
    public var output: ONNXValue
    /// Every graph output, in file order, with its element type: what `--onnx-output` can name.
    public var outputs: [ONNXOutputInfo]
    /// The nodes the output needs, in topological order.
    public var nodes: [ONNXNode]
    /// Float constants that nodes read (weights, biases, folded values), by tensor name, with their full shapes.
    public var constants: [String: Tensor]
    /// The shape of one sample (without the batch dimension) of every batched tensor: inputs and node outputs.
    public var sampleShapes: [String: [Int]]
    /// The default-domain opset the model imports (11 to 21).
    public var opsetVersion: Int
    /// The class labels a scikit-learn classifier's export carries (one per output), or nil.
    public var classLabels: [String]?

    public init(inputs: [ONNXValue], output: ONNXValue, outputs: [ONNXOutputInfo], nodes: [ONNXNode],
                constants: [String: Tensor], sampleShapes: [String: [Int]], opsetVersion: Int) {
        self.inputs = inputs
        self.output = output
        self.outputs = outputs
        self.nodes = nodes
        self.constants = constants
        self.sampleShapes = sampleShapes
        self.opsetVersion = opsetVersion
    }
}

/// A batched tensor at the graph's boundary: its name and the shape of one sample.
public struct ONNXValue: Sendable, Equatable {
    public var name: String
    /// The dimensions after the batch dimension.
    public var sampleShape: [Int]
    /// The batch size the file declares (`dim_value`), or nil when it is symbolic or unset.
    public var declaredBatchSize: Int?

    public init(name: String, sampleShape: [Int], declaredBatchSize: Int? = nil) {
        self.name = name
        self.sampleShape = sampleShape
        self.declaredBatchSize = declaredBatchSize
    }
}

/// One graph output as the file declares it.
public struct ONNXOutputInfo: Sendable, Equatable {
    public var name: String
    /// `float`, `int64`, `seq(map(int64,tensor(float)))`, ...
    public var elementType: String
    /// Whether it is a float32 tensor, which is what can be explained.
    public var isFloatTensor: Bool

    public init(name: String, elementType: String, isFloatTensor: Bool) {
        self.name = name
        self.elementType = elementType
        self.isFloatTensor = isFloatTensor
    }
}
