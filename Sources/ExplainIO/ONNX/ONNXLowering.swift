import ExplainTensor

/// Turns the nodes an output needs into `ONNXNode`s: checks each against the supported operators, infers static
/// shapes, and folds whatever does not depend on the inputs.
///
/// Shapes here are full shapes; a batched tensor's first dimension is `batch`, a symbol that shape computations
/// (PyTorch's `Shape → Gather → Unsqueeze → Concat`) carry through to a Reshape target. Every batched tensor must
/// keep the batch first and only there.
struct ONNXLowering {
    /// A tensor's value during lowering.
    enum Value {
        /// Known only when the model runs: its full shape, `batch` first.
        case batched([Int])
        /// Known now.
        case constant(ONNXConstant)
    }

    /// What lowering one node gives.
    enum Outcome {
        case constant(ONNXConstant)
        /// An operation on the named float inputs, and its full output shape.
        case operation(ONNXOperation, inputs: [String], shape: [Int])
    }

    /// The batch dimension's symbol in shapes and in integer tensors computed from shapes.
    static let batch = Int.min

    let file: String
    var values: [String: Value] = [:]
    var nodes: [ONNXNode] = []
    /// The batch size the first input declares, when it is a fixed number (a Reshape target may spell it out).
    let declaredBatchSize: Int?
    let inputs: [ONNXValue]

    init(inputs: [ONNXValue], constants: [String: ONNXConstant], file: String) {
        self.file = file
        self.inputs = inputs
        declaredBatchSize = inputs.first?.declaredBatchSize
        for (name, constant) in constants { values[name] = .constant(constant) }
        for input in inputs { values[input.name] = .batched([Self.batch] + input.sampleShape) }
    }

    /// Lowers one node, whose inputs are all lowered already.
    mutating func lower(_ node: ONNXNodeContext, needed: Set<String>) throws(ExplainError) {
        for output in node.outputs.dropFirst() where !output.isEmpty && needed.contains(output) {
            throw node.error("only the first output of \(node.opType) is supported; tensor \"\(output)\" reads another")
        }
        guard let output = node.outputs.first, !output.isEmpty else {
            throw node.error("has no output", code: .invalidModel)
        }
        let outcome = try outcome(of: node)
        switch outcome {
        case .constant(let constant):
            values[output] = .constant(constant)
        case .operation(let operation, let inputNames, let shape):
            let floats = try inputNames.map { name throws(ExplainError) in try floatValue(name, node: node) }
            if floats.allSatisfy({ $0 != nil }) {
                let tensors = floats.compactMap { $0 }
                values[output] = .constant(.float(ONNXKernels.apply(operation, to: tensors, outputShape: shape)))
                return
            }
            guard shape.first == Self.batch, !shape.dropFirst().contains(Self.batch) else {
                throw node.error("would move the batch dimension away from axis 0 (output shape \(describe(shape))); "
                                 + "ExplainKit keeps the batch first")
            }
            guard let count = ONNXConstant.count(Array(shape.dropFirst())), count <= 1 << 24 else {
                throw node.error("output holds more than 2^24 values per sample (shape \(describe(shape)))")
            }
            values[output] = .batched(shape)
            nodes.append(ONNXNode(name: node.name, opType: node.opType, domain: node.domain, inputs: inputNames,
                                  output: output, attributes: node.attributes, operation: operation))
        }
    }

    /// The float constant named `name`, or nil when it is batched.
    func floatValue(_ name: String, node: ONNXNodeContext) throws(ExplainError) -> Tensor? {
        switch values[name] {
        case .batched?: return nil
        case .constant(.float(let t))?: return t
        case .constant(.integer)?:
            throw node.error("reads integer tensor \"\(name)\" as data; integer tensors are supported only in shape computations")
        case nil: throw node.error("input \"\(name)\" is not defined by the graph", code: .invalidModel)
        }
    }

    /// The value of input `position`, or nil when it is omitted.
    func value(_ node: ONNXNodeContext, _ position: Int) throws(ExplainError) -> Value? {
        guard let name = node.input(position) else { return nil }
        guard let value = values[name] else {
            throw node.error("input \"\(name)\" is not defined by the graph", code: .invalidModel)
        }
        return value
    }

    /// The value of required input `position`.
    func required(_ node: ONNXNodeContext, _ position: Int) throws(ExplainError) -> Value {
        guard let value = try value(node, position) else {
            throw node.error("needs input \(position)", code: .invalidModel)
        }
        return value
    }

    /// The full shape of required input `position`.
    func shape(_ node: ONNXNodeContext, _ position: Int) throws(ExplainError) -> [Int] {
        switch try required(node, position) {
        case .batched(let shape): shape
        case .constant(let c): c.shape
        }
    }

    /// The integer values of constant input `position` (an axes or shape input), or nil when it is omitted.
    func integers(_ node: ONNXNodeContext, _ position: Int, role: String) throws(ExplainError) -> [Int]? {
        switch try value(node, position) {
        case nil: return nil
        case .constant(.integer(_, let values))?: return values
        default: throw node.error("\(role) (input \(position)) must be a constant integer tensor")
        }
    }

    /// A shape for messages, with the batch written `N`.
    func describe(_ shape: [Int]) -> String {
        "[" + shape.map { $0 == Self.batch ? "N" : String($0) }.joined(separator: ", ") + "]"
    }

    /// The lowered graph explaining tensor `output`.
    func graph(output: String, outputs: [ONNXOutputInfo], opset: Int) throws(ExplainError) -> ONNXGraph {
        guard case .batched(let shape)? = values[output] else {
            throw ExplainError(.unsupported, "output \"\(output)\" does not depend on the model's inputs", at: file)
        }
        var constants: [String: Tensor] = [:], sampleShapes: [String: [Int]] = [:]
        for input in inputs { sampleShapes[input.name] = input.sampleShape }
        for node in nodes {
            if case .batched(let s)? = values[node.output] { sampleShapes[node.output] = Array(s.dropFirst()) }
            for name in node.inputs {
                if case .constant(.float(let t))? = values[name] { constants[name] = t }
            }
        }
        return ONNXGraph(inputs: inputs, output: ONNXValue(name: output, sampleShape: Array(shape.dropFirst())),
                         outputs: outputs, nodes: nodes, constants: constants, sampleShapes: sampleShapes,
                         opsetVersion: opset)
    }
}
