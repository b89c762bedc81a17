import ExplainNN
import ExplainTensor
import Foundation

extension ModelFileDecoder {
    /// `"graph": {"onnx": "path.onnx"}`: the ONNX file (relative to the model file) with the model file's names.
    /// - Throws: `ExplainError(.invalidModel)` at `graph.onnx` for a missing path, the ONNX reader's errors, and a
    ///   located error when the ONNX input or output sizes disagree with `input.shape` or `output.names`.
    func decodeGraph(_ node: JSONNode, name: String, inputShape: [Int], features: [String],
                     outputNames: [String]) throws(ExplainError) -> ModelFile {
        _ = try node.object()
        let pathNode = try node.field("onnx")
        let relative = try pathNode.string()
        guard !relative.isEmpty else { throw pathNode.error("expected the path of an .onnx file") }
        let path = relative.hasPrefix("/") ? relative
            : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(relative).path
        let graph = try ONNXReader.load(path: path, outputName: onnxOutput)
        if let input = graph.inputs.first, graph.inputs.count == 1, input.sampleShape != inputShape {
            throw ExplainError(.invalidModel, "input.shape is \(inputShape), but \(relative) takes input \(Echo.quoted(input.name)) "
                               + "of shape \(input.sampleShape)", at: "\(file): input.shape")
        }
        let outputs = graph.output.sampleShape.reduce(1, *)
        guard outputs == outputNames.count else {
            throw ExplainError(.invalidModel, "\(outputNames.count) output names, but output \(Echo.quoted(graph.output.name)) "
                               + "of \(relative) has \(outputs) values", at: "\(file): output.names")
        }
        let model = try ONNXModelBuilder.model(graph, file: path, name: name, featureNames: features, outputNames: outputNames)
        var result = ModelFile(model: model)
        result.onnxPath = relative
        return result
    }
}

extension ModelFile {
    /// The model of a bare `.onnx` file, named after the file, with these feature names (one per input value, the
    /// CSV's columns; nil for `x0`, `x1`, …) and outputs named by the class labels a scikit-learn export carries,
    /// else `0`, `1`, ….
    /// - Throws: the ONNX reader's errors; `ExplainError(.invalidInput)` at `csv` when the number of feature names
    ///   differs from the model's input width, saying both.
    public static func loadONNX(path: String, outputName: String? = nil, featureNames: [String]?,
                                namesFrom csv: String) throws(ExplainError) -> ModelFile {
        let graph = try ONNXReader.load(path: path, outputName: outputName)
        if let featureNames, let input = graph.inputs.first, graph.inputs.count == 1 {
            let width = input.sampleShape.reduce(1, *)
            guard width == featureNames.count else {
                throw ExplainError(.invalidInput, "\(featureNames.count) feature columns, but \(path) takes \(width) input values "
                                   + "(input \(Echo.quoted(input.name)), shape \(input.sampleShape)); the columns in file order "
                                   + "are the model's inputs, with the label column dropped", at: csv)
            }
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var result = ModelFile(model: try ONNXModelBuilder.model(graph, file: path, name: name, featureNames: featureNames,
                                                                 outputNames: graph.classLabels))
        result.onnxPath = URL(fileURLWithPath: path).lastPathComponent
        return result
    }
}
