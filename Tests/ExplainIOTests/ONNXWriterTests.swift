import ExplainIO
import ExplainNN
import ExplainTensor
import Foundation
import ONNXProto
import Testing
import TestSupport

/// Models for the export tests: the bundled samples with their explain.csv rows, and hand-built networks.
enum ONNXExportModels {
    static let samples = ["iris", "wine", "breast_cancer", "digits"]

    static func samplePath(_ name: String, _ file: String) -> String {
        CLIRunner.packageRoot.appendingPathComponent("samples/\(name)/\(file)").path
    }

    /// A sample's model and its explain.csv rows, columns matched to the model's features.
    static func sample(_ name: String) throws -> (model: Model, rows: Tensor) {
        let model = try ModelFile.load(path: samplePath(name, "model.json")).model
        let rows = try CSVTable(contentsOf: samplePath(name, "explain.csv")).numericColumns(model.featureNames)
        return (model, rows)
    }

    /// Every layer type on a `[2, 7, 7]` image: standardize, conv2d with stride 2 and padding 1, leaky_relu,
    /// maxpool2d (stride 1), conv2d with padding, tanh, avgpool2d, a softmax over the `[C, H, W]` sample, sigmoid,
    /// flatten, dropout, dense, relu, dense, softmax.
    static func everyLayer(seed: UInt64 = 3) throws -> Model {
        var rng = SplitMix64(seed: seed)
        func r(_ shape: [Int], scale: Float = 0.5) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) * scale })
        }
        let width = 2 * 7 * 7
        return try Model(
            name: "every-layer", inputShape: [2, 7, 7], featureNames: (0..<width).map { "px\($0)" },
            outputNames: ["a", "b", "c"],
            layers: [
                Standardize(name: "scale", mean: r([width]).scalars, std: r([width]).scalars.map { abs($0) + 0.5 }),
                Conv2D(name: "conv1", weight: r([3, 2, 3, 3]), bias: r([3]), stride: 2, padding: 1),
                Activation(name: "leaky", kind: .leakyReLU(slope: 0.2)),
                Pool2D(name: "max", reduction: .max, kernel: 2, stride: 1),
                Conv2D(name: "conv2", weight: r([4, 3, 2, 2]), bias: r([4]), padding: 1),
                Activation(name: "tanh", kind: .tanh),
                Pool2D(name: "average", reduction: .average, kernel: 2),
                Softmax(name: "spatial_softmax"),
                Activation(name: "sigmoid", kind: .sigmoid),
                Flatten(name: "flatten"),
                Dropout(name: "dropout", p: 0.3),
                Dense(name: "fc1", weight: r([8, 16]), bias: r([8])),
                Activation(name: "relu", kind: .relu),
                Dense(name: "fc2", weight: r([3, 8]), bias: r([3])),
                Softmax(name: "softmax"),
            ])
    }

    /// Standard normal rows of `model`'s input width.
    static func rows(_ count: Int, for model: Model, seed: UInt64 = 11) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: [count, model.inputWidth], scalars: (0..<(count * model.inputWidth)).map { _ in Float(rng.nextNormal()) })
    }

    /// Checks `got` against `want` to 1e-5 relative to each value, or to the largest |want| for values near 0.
    static func expectClose(_ got: Tensor, _ want: Tensor, _ what: String) {
        #expect(got.count == want.count, "\(what): \(got.shape) vs \(want.shape)")
        let scale = want.scalars.map(abs).max() ?? 0
        for (i, (a, b)) in zip(got.scalars, want.scalars).enumerated() {
            #expect(abs(a - b) <= 1e-5 * max(abs(b), scale), "\(what)[\(i)]: \(a) vs \(b)")
        }
    }
}

@Suite("ONNX writer: exported models read back by ONNXReader predict what Model.forward predicts")
struct ONNXWriterTests {
    /// The model exported, read back, and evaluated by the reference interpreter.
    func roundTrip(_ model: Model, _ rows: Tensor) throws -> Tensor {
        let graph = try ONNXReader.parse(bytes: try ONNXWriter.data(model), file: "\(model.name).onnx")
        #expect(graph.inputs == [ONNXValue(name: "input", sampleShape: model.inputShape)])
        #expect(graph.output == ONNXValue(name: "output", sampleShape: [model.outputCount]))
        return try ONNXReference(graph, rowsPerChunk: 3).evaluate(rows)
    }

    @Test("each sample model, on its explain.csv rows, to 1e-5 relative", arguments: ONNXExportModels.samples)
    func samples(name: String) throws {
        let (model, rows) = try ONNXExportModels.sample(name)
        #expect(rows.batchSize > 0)
        ONNXExportModels.expectClose(try roundTrip(model, rows), model.forward(rows), name)
    }

    @Test("a hand-built model with every layer type, and the fixture models, to 1e-5 relative")
    func everyLayer() throws {
        let model = try ONNXExportModels.everyLayer()
        let rows = ONNXExportModels.rows(7, for: model)
        ONNXExportModels.expectClose(try roundTrip(model, rows), model.forward(rows), model.name)
        for name in ["all_layers", "conv_head"] {
            let fixture = try ModelFile.load(path: ONNXExportFixtures.modelPath(name)).model
            let input = ONNXExportModels.rows(5, for: fixture)
            ONNXExportModels.expectClose(try roundTrip(fixture, input), fixture.forward(input), name)
        }
    }

    @Test("the graph: IR 8, opset 17, producer, a symbolic batch, and nodes, tensors and initializers named after the layers")
    func graphLayout() throws {
        let proto = try ONNXWriter.modelProto(try ONNXExportModels.everyLayer())
        #expect(proto.irVersion == 8)
        #expect(proto.opsetImport.map(\.domain) == [""] && proto.opsetImport.map(\.version) == [17])
        #expect(proto.producerName == "ExplainKit" && proto.producerVersion == ExplainKitVersion.current)
        let graph = proto.graph
        #expect(graph.name == "every-layer")
        #expect(graph.input.map(\.name) == ["input"] && graph.output.map(\.name) == ["output"])
        let dims = graph.input[0].type.tensorType.shape.dim
        #expect(dims.first?.dimParam == "N" && dims.dropFirst().map(\.dimValue) == [2, 7, 7])
        #expect(graph.output[0].type.tensorType.shape.dim.map(\.dimValue) == [0, 3])
        #expect(graph.node.map(\.opType) == ["Sub", "Div", "Conv", "LeakyRelu", "MaxPool", "Conv", "Tanh", "AveragePool",
                                             "Flatten", "Softmax", "Reshape", "Sigmoid", "Flatten", "Identity", "Gemm",
                                             "Relu", "Gemm", "Softmax"])
        #expect(graph.node.map(\.name) == ["scale/sub", "scale", "conv1", "leaky", "max", "conv2", "tanh", "average",
                                           "spatial_softmax/flatten", "spatial_softmax", "spatial_softmax/reshape",
                                           "sigmoid", "flatten", "dropout", "fc1", "relu", "fc2", "softmax"])
        #expect(graph.node[1].output == ["scale"] && graph.node[14].input == ["dropout", "fc1.weight", "fc1.bias"])
        #expect(graph.node.last?.output == ["output"])
        #expect(graph.initializer.map(\.name) == ["scale.mean", "scale.std", "conv1.weight", "conv1.bias", "conv2.weight",
                                                  "conv2.bias", "spatial_softmax.shape", "fc1.weight", "fc1.bias",
                                                  "fc2.weight", "fc2.bias"])
        #expect(graph.initializer[0].dims == [2, 7, 7])
        #expect(graph.initializer.allSatisfy { $0.hasRawData && $0.floatData.isEmpty })
        let conv = graph.node[2].attribute
        #expect(conv.map(\.name) == ["kernel_shape", "pads", "strides"])
        #expect(conv.map(\.ints) == [[3, 3], [1, 1, 1, 1], [2, 2]])
        #expect(graph.node[3].attribute.first?.f == 0.2)
        #expect(graph.node[14].attribute.map(\.name) == ["transB"] && graph.node[14].attribute.first?.i == 1)
        #expect(graph.valueInfo.map(\.name) == Array(["scale", "conv1", "leaky", "max", "conv2", "tanh", "average",
                                                      "spatial_softmax", "sigmoid", "flatten", "dropout", "fc1", "relu",
                                                      "fc2"]))
    }

    @Test("weights are little-endian float32 raw_data, bit for bit")
    func rawData() throws {
        let model = try ONNXExportModels.sample("iris").model
        let dense = try #require(model.layers.compactMap { $0 as? Dense }.first)
        let proto = try ONNXWriter.modelProto(model)
        let weight = try #require(proto.graph.initializer.first { $0.name == "\(dense.name).weight" })
        #expect(weight.dataType == 1 && weight.dims == dense.weight.shape.map(Int64.init))
        let bytes = [UInt8](weight.rawData)
        let decoded = stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
        #expect(decoded.map(\.bitPattern) == dense.weight.scalars.map(\.bitPattern))
    }

    @Test("the same model gives the same bytes, also after a save and load of its model file")
    func deterministic() throws {
        let model = try ONNXExportModels.everyLayer()
        let bytes = try ONNXWriter.data(model)
        #expect(try ONNXWriter.data(try ONNXExportModels.everyLayer()) == bytes)
        let reloaded = try ModelFile.parse(bytes: try ModelFile(model: model).serialized(), file: "m.json").model
        #expect(try ONNXWriter.data(reloaded) == bytes)
        #expect(try ONNXWriter.data(try ONNXExportModels.everyLayer(seed: 4)) != bytes)
    }
}
