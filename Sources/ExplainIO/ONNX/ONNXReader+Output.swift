import ExplainTensor

extension ONNXReader {
    /// The output to explain: the one named, or the first float tensor output.
    /// - Throws: `.invalidArgument` for an unknown name (listing the outputs), `.unsupported` when the output is not a
    ///   float tensor, or at the ZipMap node when the probabilities come only as ZipMap's maps.
    static func chooseOutput(_ outputs: [ONNXOutputInfo], named name: String?, nodes: [ONNXNodeContext],
                             file: String) throws(ExplainError) -> String {
        let listing = outputs.map { "\($0.name) (\($0.elementType))" }.joined(separator: ", ")
        func zipMapRefusal(for tensor: String?) -> ExplainError? {
            let zipMap = nodes.first { $0.opType == "ZipMap" && (tensor.map($0.outputs.contains) ?? true) }
            return zipMap.map { node in
                node.error("ZipMap outputs a list of maps, not a tensor of probabilities; export the classifier with "
                           + "skl2onnx option {'zipmap': False}")
            }
        }
        if let name {
            guard let output = outputs.first(where: { $0.name == name }) else {
                throw ExplainError(.invalidArgument, "the model has no output \"\(name)\"; its outputs: \(listing)",
                                   at: "\(file): --onnx-output")
            }
            guard output.isFloatTensor else {
                if let refusal = zipMapRefusal(for: name) { throw refusal }
                throw ExplainError(.unsupported, "output \"\(name)\" is \(output.elementType), not a float tensor; "
                                   + "float outputs: \(outputs.filter(\.isFloatTensor).map(\.name).joined(separator: ", "))",
                                   at: "\(file): --onnx-output")
            }
            return name
        }
        if let first = outputs.first(where: \.isFloatTensor) { return first.name }
        if let refusal = zipMapRefusal(for: nil) { throw refusal }
        throw ExplainError(.unsupported, "the model has no float tensor output; its outputs: \(listing)", at: file)
    }
}
