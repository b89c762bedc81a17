import ExplainIO
import ExplainNN
import ExplainTensor
import Foundation
import Testing
import TestSupport

/// onnxruntime's runs of the files `explain export` wrote, recorded by scripts/make_onnx_export_fixtures.py.
enum ONNXExportFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/onnx_export")
    static let models = ["iris", "wine", "breast_cancer", "digits", "all_layers", "conv_head"]

    /// The model file of fixture `name`, relative paths resolved against the package root.
    static func modelPath(_ name: String) -> String {
        ONNXExportModels.samples.contains(name) ? ONNXExportModels.samplePath(name, "model.json")
            : folder.appendingPathComponent("\(name).json").path
    }

    /// One fixture entry: the input rows, onnxruntime's outputs, the exported file's hash and where the rows came from.
    struct Entry {
        var input: Tensor
        var outputs: Tensor
        var sha256: String
        var model: String
        var source: String
    }

    static func entry(_ name: String) throws -> Entry {
        let document = try JSONParser.parse(try AtomicFile.read(folder.appendingPathComponent("expected.json").path),
                                            file: "expected.json")
        let entry = try #require(document["models"]?[name], "no fixture \(name); run scripts/make_onnx_export_fixtures.py")
        func tensor(_ value: JSONValue?) throws -> Tensor {
            let shape = try #require(value?["shape"]?.arrayValue).compactMap(\.intValue)
            let values = try #require(value?["values"]?.arrayValue).compactMap(\.floatValue)
            return Tensor(shape: shape, scalars: values)
        }
        return Entry(input: try tensor(entry["input"]), outputs: try tensor(entry["outputs"]),
                     sha256: try #require(entry["sha256"]?.stringValue), model: try #require(entry["model"]?.stringValue),
                     source: try #require(entry["input"]?["source"]?.stringValue))
    }
}

@Suite("ONNX writer: the exported files run in onnxruntime with Model.forward's predictions")
struct ONNXWriterRuntimeTests {
    @Test("the file written is byte for byte the one onnxruntime ran (SHA-256)", arguments: ONNXExportFixtures.models)
    func sameBytes(name: String) throws {
        let entry = try ONNXExportFixtures.entry(name)
        let model = try ModelFile.load(path: ONNXExportFixtures.modelPath(name)).model
        let digest = SHA256.hex(try ONNXWriter.data(model))
        #expect(digest == entry.sha256,
                "\(name): the export changed; re-run scripts/make_onnx_export_fixtures.py (EXPLAINKIT_VENV=/tmp/refenv)")
        #expect(CLIRunner.packageRoot.appendingPathComponent(entry.model).path == ONNXExportFixtures.modelPath(name))
    }

    @Test("Model.forward equals onnxruntime's outputs to 1e-5 relative", arguments: ONNXExportFixtures.models)
    func predictions(name: String) throws {
        let entry = try ONNXExportFixtures.entry(name)
        let model = try ModelFile.load(path: ONNXExportFixtures.modelPath(name)).model
        if ONNXExportModels.samples.contains(name) {
            // The script read the same rows of the same CSV.
            #expect(entry.source == "samples/\(name)/explain.csv")
            let rows = try ONNXExportModels.sample(name).rows
            #expect(rows.shape == entry.input.shape && rows.scalars == entry.input.scalars)
        }
        #expect(entry.input.batchSize > 0 && entry.outputs.shape == [entry.input.batchSize, model.outputCount])
        ONNXExportModels.expectClose(model.forward(entry.input), entry.outputs, "\(name) vs onnxruntime")
    }

    @Test("the SHA-256 used is the standard one (FIPS 180-4 test vectors)")
    func digestVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
