/// One node of an `ONNXGraph`: a normalised operation on named tensors.
public struct ONNXNode: Sendable, Equatable {
    /// The node's name in the file, or `node<index>` (its 0-based index in the file) when it has none.
    public var name: String
    /// The ONNX operator type as written (`Conv`, `Squeeze`, `Scaler`).
    public var opType: String
    /// The operator's domain: "" (ai.onnx) or `ai.onnx.ml`.
    public var domain: String
    /// The float tensors the operation reads, in the order `operation` documents: batched tensors (graph inputs or
    /// earlier nodes' outputs) or names in `ONNXGraph.constants`. Inputs that only configure the operator (Reshape's
    /// shape, Squeeze's axes, Clip's bounds) are folded into `operation` and are not listed.
    public var inputs: [String]
    /// The one tensor the node produces (its first ONNX output; optional outputs such as Dropout's mask are unused).
    public var output: String
    /// The attributes as the file gives them, typed.
    public var attributes: [String: ONNXAttribute]
    /// What the node computes, with defaults applied and configuration inputs folded in.
    public var operation: ONNXOperation

    public init(name: String, opType: String, domain: String, inputs: [String], output: String,
                attributes: [String: ONNXAttribute], operation: ONNXOperation) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.output = output
        self.attributes = attributes
        self.operation = operation
    }
}
