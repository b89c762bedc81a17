import ExplainTensor

/// A network built at runtime from a model file: layers in order, with shapes inferred and hooks attached.
///
/// `Model` is a class so that hooks registered on it are shared by every explainer that uses it. Running it is
/// thread-safe; changing its parameters (`setParameters`) is for the trainer, when nothing else runs the model.
public final class Model: @unchecked Sendable {
    public let name: String
    /// The shape of one input row: `[n]` or `[C, H, W]`.
    public let inputShape: [Int]
    public let featureNames: [String]
    public let outputNames: [String]
    /// Changing any layer (the trainer's parameter updates) drops the cached inference plan.
    public private(set) var layers: [any Layer] { didSet { inferencePlan.clear() } }
    /// The output shape of one sample after each layer.
    public let layerShapes: [[Int]]
    /// The tensors each layer reads, by id: 0 is the model's input and i + 1 the output of layer i (`Model+Graph`).
    /// For a chain, layer i reads [i].
    public let inputIDs: [[Int]]
    /// The name of every tensor, by id (0 the input, i + 1 the output of layer i): ONNX tensor names for imported
    /// graphs, `input` and the layer names otherwise. `--layer` and hooks accept them besides layer names.
    public let tensorNames: [String]
    /// Whether every layer reads only the previous one's output: a sequential model.
    public let isChain: Bool
    let hooks: HookRegistry
    /// `infer`'s steps, built once for the current weights (`inferenceSteps()`).
    let inferencePlan = InferencePlanCache()

    /// The largest input or layer output accepted, in values per sample (2^24): larger shapes are an error rather
    /// than an allocation that fails.
    public static let maximumWidth = 1 << 24

    /// The number of values in `shape`, or nil above `maximumWidth` (without overflowing).
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for d in shape {
            let (next, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, next <= maximumWidth else { return nil }
            count = next
        }
        return count
    }

    /// Builds a model, inferring every layer's output shape.
    ///
    /// - Throws: `ExplainError(.invalidModel)` located at `layers[i]` (or `input.features`, `output.names`) when a layer
    ///   does not fit its input, names repeat, the feature count disagrees with the shape, or the output count
    ///   disagrees with `outputNames`.
    public convenience init(name: String, inputShape: [Int], featureNames: [String], outputNames: [String],
                            layers: [any Layer]) throws(ExplainError) {
        try self.init(name: name, inputShape: inputShape, featureNames: featureNames, outputNames: outputNames,
                      layers: layers, hooks: HookRegistry())
    }

    /// Builds a model whose hooks live in `hooks` (shared with the model it is a view of).
    init(name: String, inputShape: [Int], featureNames: [String], outputNames: [String],
         layers: [any Layer], inputIDs: [[Int]]? = nil, tensorNames: [String]? = nil,
         hooks: HookRegistry) throws(ExplainError) {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }), inputShape.count == 1 || inputShape.count == 3 else {
            throw ExplainError(.invalidModel, "expected [n] or [C, H, W] with positive sizes, got \(inputShape)", at: "input.shape")
        }
        guard let width = Self.elementCount(inputShape) else {
            throw ExplainError(.invalidModel, "expected at most \(Self.maximumWidth) values per sample, got shape \(inputShape)",
                               at: "input.shape")
        }
        guard featureNames.count == width else {
            throw ExplainError(.invalidModel, "expected \(width) feature names for shape \(inputShape), got \(featureNames.count)", at: "input.features")
        }
        guard !layers.isEmpty else { throw ExplainError(.invalidModel, "expected at least one layer", at: "layers") }
        let wiring = inputIDs ?? layers.indices.map { [$0] }
        let shapes = try Self.layerShapes(layers, wiring: wiring, tensorNames: tensorNames, inputShape: inputShape)
        let names = tensorNames ?? ["input"] + layers.map(\.name)
        let shape = shapes[shapes.count - 1]
        guard shape.reduce(1, *) == outputNames.count else {
            throw ExplainError(.invalidModel, "the network gives \(shape.reduce(1, *)) outputs, but \(outputNames.count) names are given", at: "output.names")
        }
        self.name = name
        self.inputShape = inputShape
        self.featureNames = featureNames
        self.outputNames = outputNames
        self.layers = layers
        self.layerShapes = shapes
        self.inputIDs = wiring
        self.tensorNames = names
        self.isChain = wiring.enumerated().allSatisfy { $0.element == [$0.offset] }
        self.hooks = hooks
    }

    /// A copy of `other` (the same layers, wiring and names; already validated) with the hooks in `hooks`.
    init(copying other: Model, hooks: HookRegistry) {
        name = other.name
        inputShape = other.inputShape
        featureNames = other.featureNames
        outputNames = other.outputNames
        layers = other.layers
        layerShapes = other.layerShapes
        inputIDs = other.inputIDs
        tensorNames = other.tensorNames
        isChain = other.isChain
        self.hooks = hooks
    }

    /// The same network, with no hooks: for an explainer that attaches hooks of its own while others run the model.
    public func withoutHooks() -> Model { Model(copying: self, hooks: HookRegistry()) }

    /// The number of input values per row.
    public var inputWidth: Int { inputShape.reduce(1, *) }
    /// The number of outputs per row.
    public var outputCount: Int { outputNames.count }
    /// Whether the last layer is a softmax (the trainer then trains on the logits).
    public var endsInSoftmax: Bool { layers.last is Softmax }
    /// The layer names, in order.
    public var layerNames: [String] { layers.map(\.name) }
    /// All trainable parameters, per layer.
    public var parameters: [[Tensor]] { layers.map(\.parameters) }
    /// The number of trainable scalars.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Replaces every layer's parameters (same shapes, per layer).
    public func setParameters(_ values: [[Tensor]]) {
        precondition(values.count == layers.count)
        for i in layers.indices where !values[i].isEmpty {
            let current = layers[i].parameters
            precondition(current.count == values[i].count && zip(current, values[i]).allSatisfy { $0.shape == $1.shape },
                         "setParameters: shape change")
            layers[i].parameters = values[i]
        }
    }

    /// Lets `update` change every layer's parameters in place (per layer, as `parameters`), keeping their shapes.
    ///
    /// The layers hand their tensors over while `update` runs, so an optimizer that writes into them finds unique
    /// buffers and does not copy them first. For the trainer, when nothing else runs the model.
    func updateParameters(_ update: (inout [[Tensor]]) -> Void) {
        var values = parameters
        let placeholder = Tensor(shape: [0], scalars: [])
        for i in layers.indices where !values[i].isEmpty {
            layers[i].parameters = [Tensor](repeating: placeholder, count: values[i].count)
        }
        let shapes = values.map { $0.map(\.shape) }
        update(&values)
        precondition(values.map { $0.map(\.shape) } == shapes, "updateParameters: shape change")
        for i in layers.indices where !values[i].isEmpty { layers[i].parameters = values[i] }
    }

    /// The index of the layer with this name, or of the layer whose output tensor has this name.
    /// - Throws: `ExplainError(.unknownLayer)` listing the known names.
    public func layerIndex(named layerName: String) throws(ExplainError) -> Int {
        guard let i = layers.firstIndex(where: { $0.name == layerName })
                ?? tensorNames.dropFirst().firstIndex(of: layerName).map({ $0 - 1 }) else {
            throw ExplainError(.unknownLayer, "unknown layer \(Echo.quoted(layerName)); layers are \(Echo.list(layerNames))")
        }
        return i
    }

    /// Views a batch as `[N] + inputShape` (accepts flat `[N, width]` rows).
    public func batch(_ x: Tensor) -> Tensor {
        precondition(x.sampleCount == inputWidth, "Model \(name): rows of \(x.sampleCount) values, expected \(inputWidth)")
        return x.shape == [x.batchSize] + inputShape ? x : x.reshaped([x.batchSize] + inputShape)
    }
}
