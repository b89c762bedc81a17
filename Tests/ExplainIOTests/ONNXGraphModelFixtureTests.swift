import ExplainIO
import ExplainNN
import ExplainTensor
import Foundation
import Testing

/// Every ONNX reader fixture, lowered to a graph `Model`: the layers that run it predict what onnxruntime predicted.
@Suite("ONNX fixtures as graph models: Model.forward and infer equal onnxruntime")
struct ONNXGraphModelFixtureTests {
    @Test("each fixture and float output, to 1e-5 relative", arguments: ONNXFixtures.models)
    func predictions(model name: String) throws {
        let expected = try ONNXFixtures.expected(name)
        for (output, want) in expected.outputs {
            let graph = try ONNXReader.load(path: ONNXFixtures.path(name), outputName: output)
            guard graph.inputs.count == 1, [1, 3].contains(graph.inputs[0].sampleShape.count) else {
                // Graph models take one input of shape [n] or [C, H, W]; the others are refused with an error.
                #expect(throws: ExplainError.self) {
                    try ModelFile.loadONNX(path: ONNXFixtures.path(name), outputName: output, featureNames: nil, namesFrom: name)
                }
                continue
            }
            let model = try ModelFile.loadONNX(path: ONNXFixtures.path(name), outputName: output, featureNames: nil,
                                               namesFrom: name).model
            let x = expected.input.reshaped([expected.input.shape[0], model.inputWidth])
            let scale = want.scalars.map(abs).max() ?? 0
            for got in [model.forward(x), model.infer(x)] {
                #expect(got.count == want.count, "\(name) \(output)")
                for (a, b) in zip(got.scalars, want.scalars) {
                    #expect(abs(a - b) <= 1e-5 * max(abs(b), scale), "\(name) \(output): \(a) vs onnxruntime \(b)")
                }
            }
        }
    }
}
