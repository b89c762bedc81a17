import ExplainNN
import ExplainTensor
import Foundation
import ONNXProto
import SwiftProtobuf

/// Writes a sequential `Model` as an ONNX ModelProto (docs/formats.md, "Exporting to ONNX").
///
/// The file is IR version 8 with the default-domain opset 17, so onnxruntime and the ONNX tools run it, and
/// `ONNXReader` reads it back. The graph has one float input `input`, `[N] + model.inputShape` with the batch a
/// symbolic dimension `N`, and one float output `output`, `[N, outputCount]`. Each layer becomes the node (or
/// nodes) named after it, whose output tensor carries its name (the last layer's is `output`); weights are
/// initializers named `<layer>.weight`, `<layer>.bias`, `<layer>.mean`, `<layer>.std`, stored as little-endian
/// float32 `raw_data`. A name that would clash (a layer called `input`) gets a `_1` suffix.
///
/// The bytes depend only on the model: the same model gives the same file.
public enum ONNXWriter {
    /// The IR version written (ONNX 1.10 and later read it).
    public static let irVersion = 8
    /// The default-domain opset imported.
    public static let opsetVersion = 17
    /// The ModelProto's `producer_name`; `producer_version` is `ExplainKitVersion.current`.
    public static let producerName = "ExplainKit"
    /// The graph's input and output names.
    public static let inputName = "input"
    public static let outputName = "output"
    /// The symbolic batch dimension of the input, the output and every intermediate tensor.
    public static let batchDimension = "N"

    /// The model as an ONNX ModelProto.
    /// - Throws: `ExplainError(.unsupported)` at `layers[i]` for a layer that has no ONNX form (a custom `Layer`).
    public static func modelProto(_ model: Model) throws(ExplainError) -> Onnx_ModelProto {
        guard model.isChain else {
            throw ExplainError(.unsupported, "model \(Echo.quoted(model.name)) is a graph (its layers do not form a chain); "
                               + "export writes sequential models, and a graph model's own .onnx file is already its ONNX form",
                               at: "layers")
        }
        var builder = ONNXGraphBuilder()
        let names = layerNames(model, builder: &builder)
        var current = inputName
        var shape = model.inputShape
        for (i, layer) in model.layers.enumerated() {
            let outputShape = model.layerShapes[i]
            let isFinal = i == model.layers.count - 1 && outputShape.count == 1
            let output = isFinal ? outputName : names.tensors[i]
            try emit(layer, index: i, input: current, inputShape: shape, output: output, node: names.nodes[i],
                     into: &builder)
            if !isFinal { builder.declare(output, sampleShape: outputShape) }
            current = output
            shape = outputShape
        }
        if shape.count != 1 {
            // A network that ends in a [C, H, W] activation still has [N, outputCount] outputs, as `Model.forward`.
            builder.node("Flatten", name: builder.nodeName(outputName), inputs: [current], output: outputName,
                         attributes: [ONNXGraphBuilder.attribute("axis", int: 1)])
        }
        var graph = Onnx_GraphProto()
        graph.name = model.name.isEmpty ? "model" : model.name
        graph.node = builder.nodes
        graph.initializer = builder.initializers
        graph.input = [ONNXGraphBuilder.valueInfo(inputName, sampleShape: model.inputShape)]
        graph.output = [ONNXGraphBuilder.valueInfo(outputName, sampleShape: [model.outputCount])]
        graph.valueInfo = builder.valueInfos
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(opsetVersion)
        var proto = Onnx_ModelProto()
        proto.irVersion = Int64(irVersion)
        proto.opsetImport = [opset]
        proto.producerName = producerName
        proto.producerVersion = ExplainKitVersion.current
        proto.graph = graph
        return proto
    }

    /// The model's ONNX file: the serialized `modelProto(model)`.
    /// - Throws: `ExplainError(.unsupported)` as `modelProto`, or when protobuf cannot encode the model (over 2 GiB).
    public static func data(_ model: Model) throws(ExplainError) -> [UInt8] {
        let proto = try modelProto(model)
        do {
            return try proto.serializedBytes()
        } catch {
            throw ExplainError(.unsupported, "cannot encode the model as ONNX protobuf (\(error)); ONNX files hold at most 2 GiB")
        }
    }

    /// Each layer's tensor and node name: its own name, except where it would clash with `input` or `output` (or
    /// is empty, for a model built in code).
    static func layerNames(_ model: Model, builder: inout ONNXGraphBuilder) -> (tensors: [String], nodes: [String]) {
        let reserved: Set<String> = [inputName, outputName, ""]
        builder.reserveTensorNames(reserved)
        builder.reserveTensorNames(model.layerNames.filter { !reserved.contains($0) })
        builder.reserveNodeNames(model.layerNames.filter { !$0.isEmpty })
        var tensors: [String] = [], nodes: [String] = []
        for (i, layer) in model.layers.enumerated() {
            let base = layer.name.isEmpty ? "\(layer.type)\(i)" : layer.name
            tensors.append(reserved.contains(layer.name) ? builder.tensorName(base) : layer.name)
            nodes.append(layer.name.isEmpty ? builder.nodeName(base) : layer.name)
        }
        return (tensors, nodes)
    }
}
