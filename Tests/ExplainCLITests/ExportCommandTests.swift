import ExplainKit
import Foundation
import Testing
import TestSupport

@Suite("explain export: model files as ONNX")
struct ExportCommandTests {
    static let iris = CLIRunner.packageRoot.appendingPathComponent("samples/iris/model.json").path

    @Test("export writes the ONNX file the library writes and prints one line saying what it wrote")
    func writes() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let run = try CLIRunner.run(["export", "--model", Self.iris, "--onnx", "iris.onnx"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        #expect(run.stdout == "wrote iris.onnx (ONNX opset 17: input \"input\" [N, 4], output \"output\" [N, 3], 7 layers)\n")
        let written = try AtomicFile.read(dir.appendingPathComponent("iris.onnx").path)
        #expect(written == (try ONNXWriter.data(try ModelFile.load(path: Self.iris).model)))
        #expect(CLIRunner.files(in: dir) == ["iris.onnx"])
        let graph = try ONNXReader.parse(bytes: written, file: "iris.onnx")
        #expect(graph.output == ONNXValue(name: "output", sampleShape: [3]))
    }

    @Test("an existing file is replaced, and a missing directory is created, as for every other output")
    func replacesAndCreates() throws {
        let dir = try CLIRunner.temporaryDirectory()
        try Data("old".utf8).write(to: dir.appendingPathComponent("m.onnx"))
        for path in ["m.onnx", "new/deeper/m.onnx"] {
            let run = try CLIRunner.run(["export", "--model", Self.iris, "--onnx", path], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try ONNXReader.load(path: dir.appendingPathComponent(path).path).inputs.map(\.name) == ["input"])
        }
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var expected: String
        var status: Int32
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "a missing model file", arguments: ["--model", "none.json", "--onnx", "out.onnx"],
                expected: "Error: none.json: ", status: 1),
        BadCase(name: "a model file that is not JSON", arguments: ["--model", "regfile", "--onnx", "out.onnx"],
                expected: "Error: regfile:1:", status: 1),
        BadCase(name: "an output under a regular file", arguments: ["--model", iris, "--onnx", "regfile/out.onnx"],
                expected: "Error: regfile/out.onnx: regfile exists and is not a directory", status: 1),
        BadCase(name: "an output that is a directory", arguments: ["--model", iris, "--onnx", "folder"],
                expected: "Error: folder: ", status: 1),
        BadCase(name: "the model file as the output", arguments: ["--model", "regfile", "--onnx", "./regfile"],
                expected: "--onnx: same file as --model (regfile)", status: 64),
        BadCase(name: "no --onnx", arguments: ["--model", iris], expected: "--onnx", status: 64),
    ]

    @Test("bad arguments give one error line, a non-zero exit and no output file", arguments: badCases)
    func refusals(_ c: BadCase) throws {
        let dir = try CLIRunner.temporaryDirectory()
        try Data("keep".utf8).write(to: dir.appendingPathComponent("regfile"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: false)
        let before = AllOrNothingOutputTests.entries(dir)
        let run = try CLIRunner.run(["export"] + c.arguments, in: dir)
        #expect(run.status == c.status, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(c.expected), "\(run.stderr)")
        if c.status == 1 {
            #expect(run.stderr.hasPrefix("Error: ") && run.stderr.filter { $0 == "\n" }.count == 1, "\(run.stderr)")
        }
        #expect(AllOrNothingOutputTests.entries(dir) == before)
    }

    @Test("explain --help lists the export subcommand")
    func help() throws {
        let run = try CLIRunner.run(["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("export"))
        let own = try CLIRunner.run(["export", "--help"])
        #expect(own.status == 0 && own.stdout.contains("--onnx") && own.stdout.contains("--model"))
    }
}
