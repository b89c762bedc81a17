import ExplainIO
import ExplainNN
import ExplainTensor
import Testing

/// A layer type that the writer has no ONNX form for.
private struct Doubling: Layer {
    var name: String
    var type: String { "doubling" }
    func outputShape(for inputShape: [Int]) throws(ExplainError) -> [Int] { inputShape }
    func callAsFunction(_ input: Tensor, mode: Mode) -> (output: Tensor, pullback: Pullback) {
        (input * Tensor(shape: input.shape, repeating: 2), { dy in (dy * Tensor(shape: dy.shape, repeating: 2), []) })
    }
}

@Suite("ONNX writer: names that clash, networks that end in an image, and layers without an ONNX form")
struct ONNXWriterNamingTests {
    func conv(_ name: String, _ out: Int, _ input: Int) -> Conv2D {
        Conv2D(name: name, weight: Tensor(shape: [out, input, 2, 2], scalars: (0..<(out * input * 4)).map { Float($0 % 5) * 0.1 - 0.2 }),
               bias: Tensor(shape: [out], scalars: (0..<out).map { Float($0) * 0.05 }))
    }

    @Test("layers named input, output or like another layer's weight keep the graph valid; their tensors get suffixes")
    func clashingNames() throws {
        let model = try Model(
            name: "clash", inputShape: [1, 4, 4], featureNames: (0..<16).map { "px\($0)" },
            outputNames: (0..<8).map { "o\($0)" },
            layers: [conv("input", 2, 1), Activation(name: "output", kind: .relu), conv("input.weight", 2, 2),
                     Softmax(name: "softmax")])
        let graph = try ONNXWriter.modelProto(model).graph
        #expect(graph.node.map(\.name) == ["input", "output", "input.weight", "softmax/flatten", "softmax", "softmax/reshape",
                                           "output_1"])
        #expect(graph.node.map(\.output) == [["input_1"], ["output_1"], ["input.weight"], ["softmax/flat"],
                                             ["softmax/flat_softmax"], ["softmax"], ["output"]])
        // The weight of layer "input" yields its name to the layer called "input.weight".
        #expect(graph.initializer.map(\.name) == ["input.weight_1", "input.bias", "input.weight.weight", "input.weight.bias",
                                                  "softmax.shape"])
        #expect(graph.node[0].input == ["input", "input.weight_1", "input.bias"])
        #expect(graph.node.last?.opType == "Flatten")
        let tensors = graph.node.flatMap(\.output) + graph.initializer.map(\.name)
        #expect(Set(tensors).count == tensors.count)
        let rows = ONNXExportModels.rows(4, for: model)
        let read = try ONNXReader.parse(bytes: try ONNXWriter.data(model), file: "clash.onnx")
        ONNXExportModels.expectClose(try ONNXReference(read).evaluate(rows), model.forward(rows), "clash")
    }

    @Test("a flat softmax is one Softmax node over axis 1")
    func flatSoftmax() throws {
        let model = try ONNXExportModels.sample("iris").model
        let graph = try ONNXWriter.modelProto(model).graph
        let softmax = try #require(graph.node.last)
        #expect(softmax.opType == "Softmax" && softmax.attribute.map(\.i) == [1] && softmax.output == ["output"])
        #expect(graph.node.filter { $0.opType == "Softmax" }.count == 1 && !graph.node.contains { $0.opType == "Reshape" })
    }

    @Test("a layer without an ONNX form is refused at its index, naming it and the exported types")
    func unsupportedLayer() throws {
        let model = try Model(name: "custom", inputShape: [2], featureNames: ["a", "b"], outputNames: ["y"],
                              layers: [Doubling(name: "twice"),
                                       Dense(name: "fc", weight: Tensor(shape: [1, 2], scalars: [1, 2]), bias: Tensor(shape: [1]))])
        #expect {
            _ = try ONNXWriter.data(model)
        } throws: { error in
            guard let e = error as? ExplainError else { return false }
            return e.code == .unsupported && e.location == "layers[0]"
                && e.message == "layer \"twice\" of type \"doubling\" has no ONNX form; exported types: standardize, dense, "
                    + "conv2d, maxpool2d, avgpool2d, flatten, dropout, relu, leaky_relu, tanh, sigmoid, softmax"
        }
    }

    @Test("a graph model is refused, even when all its layers have ONNX forms: its wiring is not a chain")
    func graphRefused() throws {
        // fc2 reads the input, not fc1's output: written as a chain, it would read the wrong tensor.
        let w = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2])
        let model = try Model(name: "g", inputShape: [2], featureNames: ["a", "b"], outputNames: ["p", "q"],
                              layers: [Dense(name: "fc1", weight: w, bias: b), Dense(name: "fc2", weight: w, bias: b)],
                              inputIDs: [[0], [0]])
        #expect(throws: ExplainError.self) { _ = try ONNXWriter.data(model) }
    }
}
