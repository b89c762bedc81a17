import ExplainKit
import Foundation
import Testing

/// Models exported from real PyTorch by scripts/pytorch_export.py (fixtures made by scripts/make_pytorch_fixture.py)
/// must predict what PyTorch predicted.
@Suite("PyTorch export: exported models predict what PyTorch predicted, and explain as captum does")
struct PyTorchImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test("MLP and CNN predictions agree with PyTorch to 1e-5", arguments: ["mlp", "cnn"])
    func predictions(kind: String) throws {
        let model = try ModelFile.load(path: Self.fixtures.appendingPathComponent("pytorch-\(kind).json").path).model
        let expected = try JSONParser.parse(
            try AtomicFile.read(Self.fixtures.appendingPathComponent("pytorch-expected.json").path), file: "expected")
        let entry = try #require(expected.objectValue?.first { $0.key == kind }?.value.objectValue)
        func matrix(_ key: String) throws -> [[Float]] {
            let rows = try #require(entry.first { $0.key == key }?.value.arrayValue)
            return rows.map { ($0.arrayValue ?? []).compactMap(\.floatValue) }
        }
        let inputs = try matrix("inputs"), outputs = try matrix("outputs")
        let y = model.forward(Tensor(rows: inputs))
        #expect(y.shape == [outputs.count, outputs[0].count])
        for (got, want) in zip(y.scalars, outputs.flatMap { $0 }) { #expect(abs(got - want) < 1e-5) }
    }

    @Test("gradient, gradient × input and integrated gradients equal captum's on the same models", arguments: ["mlp", "cnn"])
    func captumParity(kind: String) throws {
        let model = try ModelFile.load(path: Self.fixtures.appendingPathComponent("pytorch-\(kind).json").path).model
        let expected = try JSONParser.parse(
            try AtomicFile.read(Self.fixtures.appendingPathComponent("pytorch-expected.json").path), file: "expected")
        let entry = try #require(expected[kind])
        func matrix(_ value: JSONValue?) -> [[Double]] {
            (value?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
        }
        let inputs = Tensor(rows: matrix(entry["inputs"]).map { $0.map(Float.init) })
        let captum = try #require(entry["captum"])
        let targets = (captum["targets"]?.arrayValue ?? []).compactMap(\.intValue)
        let ours: [(String, [Explanation])] = [
            ("gradient", try GradientExplainer(kind: .gradient).explain(inputs, using: model)),
            ("gradient_x_input", try GradientExplainer(kind: .gradientXInput).explain(inputs, using: model)),
            ("integrated_gradients", try IntegratedGradients(stepCount: 50, rule: .gaussLegendre, baseline: .zeros)
                .explain(inputs, using: model)),
        ]
        for (name, explanations) in ours {
            let theirs = matrix(captum[name])
            #expect(explanations.map(\.target) == targets, "\(name): the predicted classes differ")
            let scale = max(theirs.flatMap { $0 }.map(abs).max() ?? 0, 1e-6)
            for (e, t) in zip(explanations, theirs) {
                for (a, b) in zip(e.attributions, t) { #expect(abs(a - b) <= 1e-4 * scale, "\(kind) \(name): \(a) vs captum \(b)") }
            }
        }
    }
}
