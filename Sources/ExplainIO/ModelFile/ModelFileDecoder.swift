import ExplainMethods
import ExplainNN
import ExplainTensor

/// Validates a parsed model document and builds a `ModelFile`, one located error per problem.
struct ModelFileDecoder {
    let root: JSONNode
    /// The ONNX output a `graph` model explains (`--onnx-output`); nil for the first float output.
    var onnxOutput: String?

    var file: String { root.file }

    func decode() throws(ExplainError) -> ModelFile {
        guard root.value.objectValue != nil else { throw root.error("expected a JSON object at the top level") }
        _ = try root.object()
        let formatNode = try root.field("format")
        let format = try formatNode.string()
        guard format == ModelFile.formatName else {
            throw formatNode.error("expected \"\(ModelFile.formatName)\", got \(Echo.quoted(format))")
        }
        let versionNode = try root.field("version")
        let version = try versionNode.int()
        guard version == ModelFile.version else {
            throw versionNode.error("unsupported version \(version); this build reads version \(ModelFile.version)")
        }
        let name = try root.field("name").string()
        let input = try root.field("input")
        _ = try input.object()
        let shapeNode = try input.field("shape")
        let inputShape = try shapeNode.ints(minimum: 1, maximum: Model.maximumWidth)
        guard inputShape.count == 1 || inputShape.count == 3 else {
            throw shapeNode.error("expected [n] or [C, H, W], got \(inputShape)")
        }
        guard let width = Model.elementCount(inputShape) else {
            throw shapeNode.error("expected at most \(Model.maximumWidth) values per sample, got shape \(inputShape)")
        }
        let featuresNode = try input.field("features")
        let features = try uniqueStrings(featuresNode, what: "feature name")
        guard features.count == width else {
            throw featuresNode.error("expected \(width) names for shape \(inputShape), got \(features.count)")
        }
        let output = try root.field("output")
        _ = try output.object()
        let outputNamesNode = try output.field("names")
        let outputNames = try uniqueStrings(outputNamesNode, what: "output name")
        guard !outputNames.isEmpty else { throw outputNamesNode.error("expected at least one output name") }

        var result: ModelFile
        if let graphNode = root.optionalField("graph") {
            guard root.optionalField("layers") == nil else {
                throw graphNode.error("expected either \"layers\" or \"graph\", not both")
            }
            result = try decodeGraph(graphNode, name: name, inputShape: inputShape, features: features,
                                     outputNames: outputNames)
        } else {
            result = try decodeLayers(name: name, inputShape: inputShape, features: features, outputNames: outputNames)
        }
        if let node = root.optionalField("background") {
            let (background, fileWeights) = try decodeBackground(node, width: width)
            result.background = background
            result.loadedBackground = (background, fileWeights)
        }
        if let node = root.optionalField("feature_stats") {
            result.featureStats = try decodeFeatureStats(node, width: width)
        }
        return result
    }

    /// The `layers` of a sequential model.
    func decodeLayers(name: String, inputShape: [Int], features: [String],
                      outputNames: [String]) throws(ExplainError) -> ModelFile {
        let layersNode = try root.field("layers")
        let layerNodes = try layersNode.array()
        guard !layerNodes.isEmpty else { throw layersNode.error("expected at least one layer") }
        var layers: [any Layer] = []
        var keys: [Set<String>] = []
        var shape = inputShape
        for (i, node) in layerNodes.enumerated() {
            let decoded = try LayerCoding.decode(node, index: i, inputShape: shape)
            do throws(ExplainError) {
                shape = try decoded.layer.outputShape(for: shape)
            } catch {
                throw ExplainError(.invalidModel, error.message, at: "\(file): layers[\(i)]")
            }
            // Checked here rather than on the next layer's input, so the error names the layer that made it.
            guard Model.elementCount(shape) != nil else {
                throw node.error("the layer's output \(shape) has more than \(Model.maximumWidth) values per sample")
            }
            layers.append(decoded.layer)
            keys.append(decoded.keys)
        }
        let model: Model
        do throws(ExplainError) {
            model = try Model(name: name, inputShape: inputShape, featureNames: features, outputNames: outputNames,
                              layers: layers)
        } catch {
            throw error.located(in: file)
        }
        var result = ModelFile(model: model)
        result.layerKeys = keys
        return result
    }

    func uniqueStrings(_ node: JSONNode, what: String) throws(ExplainError) -> [String] {
        let names = try node.strings()
        var seen = Set<String>()
        for (i, n) in names.enumerated() where !seen.insert(n).inserted {
            throw node.error("duplicate \(what) \(Echo.quoted(n))", at: "[\(i)]")
        }
        return names
    }

    func decodeBackground(_ node: JSONNode, width: Int) throws(ExplainError) -> (Background, [Double]?) {
        _ = try node.object()
        let rowsNode = try node.field("rows")
        let rowNodes = try rowsNode.array()
        guard !rowNodes.isEmpty else { throw rowsNode.error("expected at least one row") }
        var scalars = [Float]()
        scalars.reserveCapacity(rowNodes.count * width)
        for row in rowNodes { scalars += try row.floats(count: width) }
        let rows = Tensor(shape: [rowNodes.count, width], scalars: scalars)
        guard let weightsNode = node.optionalField("weights") else { return (Background(rows: rows), nil) }
        let weights = try weightsNode.doubles(count: rowNodes.count)
        if let i = weights.firstIndex(where: { $0 < 0 }) {
            throw weightsNode.error("expected a non-negative weight, got \(weights[i])", at: "[\(i)]")
        }
        guard weights.contains(where: { $0 > 0 }) else { throw weightsNode.error("expected weights with a positive sum") }
        var background = Background(rows: rows, weights: weights)
        // Weights that already sum to 1 up to rounding (as saved from a `Background`) are kept bit for bit, so a
        // loaded background equals the one that was saved; renormalising could change their last bits.
        if abs(weights.reduce(0, +) - 1) <= 1e-12 { background.weights = weights }
        return (background, weights)
    }

    func decodeFeatureStats(_ node: JSONNode, width: Int) throws(ExplainError) -> FeatureStats {
        _ = try node.object()
        let mean = try node.field("mean").doubles(count: width)
        let stdNode = try node.field("std")
        let std = try stdNode.doubles(count: width)
        if let i = std.firstIndex(where: { $0 < 0 }) {
            throw stdNode.error("expected a non-negative number, got \(std[i])", at: "[\(i)]")
        }
        let minimum = try node.field("min").doubles(count: width)
        let maximumNode = try node.field("max")
        let maximum = try maximumNode.doubles(count: width)
        if let i = (0..<width).first(where: { maximum[$0] < minimum[$0] }) {
            throw maximumNode.error("expected a value >= min (\(minimum[i])), got \(maximum[i])", at: "[\(i)]")
        }
        // Explainers sample and add noise in Float: every statistic, and each feature's range, must fit in one.
        let limit = Double(Float.greatestFiniteMagnitude)
        for (name, values) in [("mean", mean), ("std", std), ("min", minimum), ("max", maximum)] {
            if let i = values.firstIndex(where: { abs($0) > limit }) {
                throw try node.field(name).error("expected a value within Float's range (±3.4e38), got \(values[i])",
                                                 at: "[\(i)]")
            }
        }
        if let i = (0..<width).first(where: { maximum[$0] - minimum[$0] > limit }) {
            throw maximumNode.error("max − min (\(maximum[i] - minimum[i])) exceeds Float's range (3.4e38)", at: "[\(i)]")
        }
        let quartilesNode = try node.field("quartiles")
        let rows = try quartilesNode.array()
        guard rows.count == width else { throw quartilesNode.error("expected \(width) entries, got \(rows.count)") }
        var quartiles: [[Double]] = []
        for (i, row) in rows.enumerated() {
            let q = try row.doubles(count: 3)
            if let k = q.firstIndex(where: { abs($0) > limit }) {
                throw quartilesNode.error("expected a value within Float's range (±3.4e38), got \(q[k])", at: "[\(i)][\(k)]")
            }
            if let k = (1..<3).first(where: { q[$0] < q[$0 - 1] }) {
                throw quartilesNode.error("expected non-decreasing quartiles, got \(q[k - 1]) then \(q[k])", at: "[\(i)][\(k)]")
            }
            quartiles.append(q)
        }
        return FeatureStats(mean: mean, std: std, min: minimum, max: maximum, quartiles: quartiles)
    }
}
