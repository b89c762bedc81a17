import Foundation
import Testing
import TestSupport

/// `explain --model m.onnx` and `"graph": {"onnx"}` model files from the command line.
@Suite("explain on ONNX models: bare files, graph model files, inner tensors, and one-line errors")
struct ONNXCLITests {
    static let root = CLIRunner.packageRoot
    static func sample(_ path: String) -> String { root.appendingPathComponent(path).path }
    static let onnxFixtures = root.appendingPathComponent("Tests/ExplainIOTests/Fixtures/onnx")

    /// Every entry under `directory`, sorted.
    static func entries(_ directory: URL) -> [String] {
        (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).sorted()
    }

    /// Runs `arguments` in a fresh directory and checks the failure: exit 1, one `Error:` line that contains
    /// `message`, and no file left behind.
    func expectFailure(_ arguments: [String], _ message: String, setUp: (URL) throws -> Void = { _ in }) throws {
        let dir = try CLIRunner.temporaryDirectory()
        try setUp(dir)
        let before = Self.entries(dir)
        let run = try CLIRunner.run(arguments + ["--json", "out.json", "--out", "r.pdf", "--quiet"], in: dir)
        #expect(run.status == 1, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(lines.first?.hasPrefix("Error: ") == true && run.stderr.contains(message), "\(run.stderr)")
        #expect(Self.entries(dir) == before)
    }

    @Test("a bare .onnx explains the CSV's columns in file order, dropping the label column")
    func bareONNX() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let csv = try String(contentsOfFile: Self.sample("samples/breast_cancer/explain.csv"), encoding: .utf8)
        // A label column in the middle is dropped; the model's outputs are named 0 and 1.
        let lines = csv.split(separator: "\n").map(String.init)
        let withLabel = lines.enumerated().map { i, line -> String in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells.insert(i == 0 ? "label" : "1", at: 3)
            return cells.joined(separator: ",")
        }
        try (withLabel.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        let run = try CLIRunner.run(["--model", Self.sample("samples/onnx/breast_cancer_pipeline.onnx"), "--input", "x.csv",
                                     "--method", "gradient", "--json", "out.json", "--out", "r.pdf", "--quiet"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try String(contentsOf: dir.appendingPathComponent("out.json"), encoding: .utf8)
        #expect(json.contains("\"outputs\": [\"0\", \"1\"]") || json.contains("\"outputs\":[\"0\",\"1\"]"), "\(json.prefix(400))")
        #expect(json.contains("\"mean radius\""))
        #expect(!json.contains("\"label\""))
    }

    @Test("the graph model file explains an inner tensor of the residual block with --layer")
    func innerLayer() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let run = try CLIRunner.run(["--model", Self.sample("samples/onnx/digits_resnet.json"),
                                     "--input", Self.sample("samples/digits/explain.csv"), "--rows", "0",
                                     "--method", "integrated-gradients", "--layer", "/block/block.3/Conv_output_0",
                                     "--json", "out.json", "--out", "r.pdf", "--quiet"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try String(contentsOf: dir.appendingPathComponent("out.json"), encoding: .utf8)
        #expect(json.contains("/block/block.3/Conv_output_0"))
    }

    @Test("an unsupported operator is one error line naming the node")
    func unsupportedOperator() throws {
        try expectFailure(["--model", Self.onnxFixtures.appendingPathComponent("unsupported_op.onnx").path,
                           "--input", "x.csv"], "node ") { dir in
            try "a,b,c,d\n1,2,3,4\n".write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        }
    }

    @Test("a truncated file is one error line with the byte offset")
    func truncated() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.sample("samples/onnx/digits_resnet.onnx")))
        try expectFailure(["--model", "cut.onnx", "--input", Self.sample("samples/digits/explain.csv")], "byte ") { dir in
            try bytes.prefix(bytes.count / 2).write(to: dir.appendingPathComponent("cut.onnx"))
        }
    }

    @Test("a dynamic spatial dimension is one error line")
    func dynamicSpatial() throws {
        try expectFailure(["--model", Self.onnxFixtures.appendingPathComponent("dynamic_spatial.onnx").path,
                           "--input", Self.sample("samples/digits/explain.csv")], "dynamic")
    }

    @Test("a ZipMap output is one error line with the zipmap=False hint")
    func zipMap() throws {
        try expectFailure(["--model", Self.onnxFixtures.appendingPathComponent("sklearn_zipmap.onnx").path,
                           "--input", "x.csv", "--onnx-output", "output_probability"], "zipmap") { dir in
            try "a,b,c,d,e,f,g,h\n1,2,3,4,5,6,7,8\n".write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        }
    }

    @Test("a column count that differs from the model's input width says both numbers")
    func columnMismatch() throws {
        try expectFailure(["--model", Self.sample("samples/onnx/breast_cancer_pipeline.onnx"),
                           "--input", Self.sample("samples/digits/explain.csv")], "64 feature columns, but")
    }
}
