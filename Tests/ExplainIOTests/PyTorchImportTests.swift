import ExplainKit
import Foundation
import Testing

/// Models exported from real PyTorch by scripts/pytorch_export.py (fixtures made by scripts/make_pytorch_fixture.py)
/// must predict what PyTorch predicted.
@Suite("PyTorch export: exported models predict what PyTorch predicted")
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
}
