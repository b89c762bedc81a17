import ExplainIO
import ExplainTensor
import Foundation
import Testing

/// ONNX fixtures made by scripts/make_onnx_fixtures.py (onnx.helper graphs, skl2onnx, torch.onnx.export) and
/// onnxruntime's outputs on them.
enum ONNXFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/onnx")
    static let models = ["gemm", "broadcast", "activations", "conv", "pool", "reshape", "opset11", "shape_pattern",
                         "scaler", "sklearn_mlp", "torch_resnet"]

    static func path(_ name: String) -> String { folder.appendingPathComponent("\(name).onnx").path }

    static func bytes(_ name: String) throws -> [UInt8] { try AtomicFile.read(path(name)) }

    /// onnxruntime's run of fixture `name`: the input batch and each float output.
    static func expected(_ name: String) throws -> (input: Tensor, outputs: [(name: String, value: Tensor)]) {
        let document = try JSONParser.parse(try AtomicFile.read(folder.appendingPathComponent("expected.json").path), file: "expected")
        let entry = try #require(document[name])
        func tensor(_ value: JSONValue?) throws -> Tensor {
            let shape = try #require(value?["shape"]?.arrayValue).compactMap(\.intValue)
            let values = try #require(value?["values"]?.arrayValue).compactMap(\.floatValue)
            return Tensor(shape: shape, scalars: values)
        }
        let outputs = try #require(entry["outputs"]?.objectValue).map { ($0.key, try tensor($0.value)) }
        return (try tensor(entry), outputs)
    }
}

@Suite("ONNX reader: imported graphs predict what onnxruntime predicts")
struct ONNXReaderTests {
    @Test("the reference interpreter equals onnxruntime to 1e-5 relative, for every fixture and float output",
          arguments: ONNXFixtures.models)
    func predictions(model: String) throws {
        let expected = try ONNXFixtures.expected(model)
        #expect(!expected.outputs.isEmpty)
        for (name, want) in expected.outputs {
            let graph = try ONNXReader.load(path: ONNXFixtures.path(model), outputName: name)
            #expect(graph.output.name == name)
            let got = try ONNXReference(graph, rowsPerChunk: 2).evaluate(expected.input)
            #expect(got.shape == want.shape, "\(model) \(name)")
            let scale = want.scalars.map(abs).max() ?? 0
            for (a, b) in zip(got.scalars, want.scalars) {
                #expect(abs(a - b) <= 1e-5 * max(abs(b), scale), "\(model) \(name): \(a) vs onnxruntime \(b)")
            }
        }
    }

    @Test("the residual CNN also equals PyTorch's own predictions")
    func torchParity() throws {
        let document = try JSONParser.parse(
            try AtomicFile.read(ONNXFixtures.folder.appendingPathComponent("expected.json").path), file: "expected")
        let torch = try #require(document["torch_resnet"]?["torch"]?.arrayValue).compactMap(\.floatValue)
        let graph = try ONNXReader.load(path: ONNXFixtures.path("torch_resnet"))
        let got = try ONNXReference(graph).evaluate(try ONNXFixtures.expected("torch_resnet").input)
        #expect(got.count == torch.count)
        for (a, b) in zip(got.scalars, torch) { #expect(abs(a - b) <= 1e-5) }
    }

    @Test("the first float output is explained by default")
    func firstFloatOutput() throws {
        #expect(try ONNXReader.load(path: ONNXFixtures.path("activations")).output.name == "y")
        let sklearn = try ONNXReader.load(path: ONNXFixtures.path("sklearn_mlp"))
        #expect(sklearn.output == ONNXValue(name: "probabilities", sampleShape: [3]))
        #expect(sklearn.outputs.map(\.name) == ["label", "probabilities"])
        #expect(sklearn.outputs.map(\.isFloatTensor) == [false, true])
    }

    @Test("only the float output's path is kept: skl2onnx's label nodes are pruned, never validated")
    func pruning() throws {
        let graph = try ONNXReader.load(path: ONNXFixtures.path("sklearn_mlp"))
        #expect(graph.nodes.map(\.opType) == ["Scaler", "Cast", "MatMul", "Add", "Relu", "MatMul", "Add", "Softmax", "Identity"])
        #expect(graph.nodes.first?.domain == "ai.onnx.ml")
        #expect(graph.inputs == [ONNXValue(name: "X", sampleShape: [8])])
    }

    @Test("Shape → Gather → Unsqueeze → Concat folds into a static Reshape")
    func shapePatternFolds() throws {
        let graph = try ONNXReader.load(path: ONNXFixtures.path("shape_pattern"))
        #expect(graph.nodes.map(\.name) == ["reshape", "fc"])
        #expect(graph.nodes.first?.operation == .reshape)
        #expect(graph.nodes.first?.inputs == ["x"])
        #expect(graph.sampleShapes["flat"] == [12])
        #expect(graph.sampleShapes["y"] == [4])
        #expect(graph.constants.keys.sorted() == ["b", "w"])
        let torch = try ONNXReader.load(path: ONNXFixtures.path("torch_resnet"))
        #expect(!torch.nodes.contains { ["Shape", "Gather", "Constant", "Unsqueeze", "Concat"].contains($0.opType) })
        #expect(torch.nodes.filter { $0.opType == "BatchNormalization" }.count == 3)
    }

    @Test("a constant Gemm (transA) folds at load time; the batched Gemm keeps alpha, beta and transB")
    func gemmFolding() throws {
        let graph = try ONNXReader.load(path: ONNXFixtures.path("gemm"))
        #expect(!graph.nodes.contains { $0.name == "constant_gemm" })
        #expect(graph.constants["folded"]?.shape == [1, 2])
        #expect(graph.nodes.first?.operation == .gemm(alpha: 0.5, beta: 2, transA: false, transB: true))
        #expect(graph.nodes.first?.attributes["alpha"] == .float(0.5))
    }

    @Test("auto_pad and Softmax's opset-11 meaning are resolved into the operation")
    func normalisedAttributes() throws {
        let conv = try ONNXReader.load(path: ONNXFixtures.path("conv"))
        func window(_ name: String) -> ONNXWindow? {
            if case .conv(let w, _)? = conv.nodes.first(where: { $0.name == name })?.operation { return w }
            return nil
        }
        // 7 wide, stride 2, kernel 2: 4 outputs need 1 padding cell; SAME_LOWER puts it first, SAME_UPPER (kernel 3: 2 cells) splits.
        #expect(window("same_lower")?.padsBegin == [1, 1] && window("same_lower")?.padsEnd == [0, 0])
        #expect(window("same_upper")?.padsBegin == [1, 1] && window("same_upper")?.padsEnd == [1, 1])
        #expect(window("grouped") == ONNXWindow(kernel: [3, 3], strides: [1, 2], dilations: [2, 1], padsBegin: [1, 0], padsEnd: [2, 1]))
        #expect(conv.sampleShapes["a"] == [6, 6, 3])
        let opset11 = try ONNXReader.load(path: ONNXFixtures.path("opset11"))
        #expect(opset11.nodes.last?.operation == .softmax(axis: 1, isLog: false, coercesTrailingAxes: true))
        #expect(opset11.sampleShapes["u"] == [1, 2, 1, 3])
    }
}
