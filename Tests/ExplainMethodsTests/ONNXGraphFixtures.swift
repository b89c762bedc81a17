import ExplainIO
import ExplainNN
import ExplainTensor
import Foundation
import Testing
import TestSupport

/// The graph-model reference values of scripts/make_onnx_graph_fixtures.py (onnxruntime, PyTorch, captum, brute-force
/// Shapley values) and the ONNX samples they were computed on.
enum ONNXGraphFixtures {
    static let root = CLIRunner.packageRoot
    static let folder = root.appendingPathComponent("Tests/ExplainIOTests/Fixtures/onnx_graph")

    static func document() throws -> JSONValue {
        try JSONParser.parse(try AtomicFile.read(folder.appendingPathComponent("expected.json").path), file: "expected.json")
    }

    /// `{"shape", "values"}` as float32.
    static func tensor(_ value: JSONValue?) throws -> Tensor {
        let shape = try #require(value?["shape"]?.arrayValue).compactMap(\.intValue)
        let values = try #require(value?["values"]?.arrayValue).compactMap(\.floatValue)
        try #require(values.count == shape.reduce(1, *))
        return Tensor(shape: shape, scalars: values)
    }

    /// `{"shape", "values"}` as float64 values.
    static func doubles(_ value: JSONValue?) throws -> [Double] {
        try #require(value?["values"]?.arrayValue).compactMap(\.doubleValue)
    }

    /// The model file of a sample in samples/onnx (`breast_cancer_pipeline`, `digits_resnet`).
    static func sample(_ name: String) throws -> ModelFile {
        try ModelFile.load(path: root.appendingPathComponent("samples/onnx/\(name).json").path)
    }

    /// The largest |a − b| relative to max(|b|, the reference's largest magnitude · `floor`).
    static func worstRelative(_ a: [Double], _ b: [Double], floor: Double = 1e-3) -> Double {
        let scale = b.map(Swift.abs).max() ?? 0
        return zip(a, b).map { Swift.abs($0 - $1) / Swift.max(Swift.abs($1), scale * floor, 1e-30) }.max() ?? 0
    }
}
