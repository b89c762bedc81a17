import ExplainKit
import Foundation
import Testing
import TestSupport

/// The library example in README.md, compiled and run as a test. The test also checks that the README shows exactly
/// the code between the markers below, so the two cannot drift apart.
@Suite("README library example")
struct ReadmeExampleTests {
    static func example() throws {
        // README:begin
        let file = try ModelFile.load(path: "samples/iris/model.json")
        let rows = try CSVTable(contentsOf: "samples/iris/explain.csv").numericColumns(file.model.featureNames)
        let shap = try KernelSHAPExplainer(background: file.background ?? Background(rows: rows))
        var rng = SplitMix64(seed: 0)
        let explanations = try (0..<rows.batchSize).map { i in
            try shap.explain(rows.row(i), row: i, predictor: file.model, rng: &rng).explanation(outputNames: file.model.outputNames)
        }
        print(explanations[0].targetName, explanations[0].attributions, explanations[0].baseValue ?? 0)
        let result = AttributionResult(method: "kernelshap", model: file.model, parameters: shap.parameters, explanations: explanations)
        try ReportWriter.writePDF(ReportInput(model: file.model, inputFile: "explain.csv", rows: rows, results: [result]), to: "reports/iris-kernelshap.pdf")
        // README:end
    }

    @Test("the README shows the example verbatim, and it runs: explanations satisfy efficiency, the PDF exists")
    func runsAsDocumented() throws {
        let root = CLIRunner.packageRoot
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let begin = try #require(source.range(of: "// README:begin\n")), end = try #require(source.range(of: "        // README:end"))
        let code = source[begin.upperBound..<end.lowerBound].split(separator: "\n").map { $0.dropFirst(8) }.joined(separator: "\n")
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("import ExplainKit\n\n" + code + "\n```"), "README.md must show the example in ReadmeExampleTests.swift")

        // Run it in a scratch directory that sees the bundled samples, so it writes reports/ there.
        let dir = try CLIRunner.temporaryDirectory()
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("samples"), withDestinationURL: root.appendingPathComponent("samples"))
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(dir.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try Self.example()
        let pdf = try AtomicFile.read(dir.appendingPathComponent("reports/iris-kernelshap.pdf").path)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
    }
}
