import ExplainKit
import Foundation
import Testing
import TestSupport

@Suite("explain --method feature-ablation | occlusion | shapley-sampling")
struct PerturbationCLITests {
    static func run(_ sample: String, _ method: String, _ extra: [String]) throws -> (CLIRunner.Outcome, String) {
        let dir = try CLIRunner.temporaryDirectory()
        let json = dir.appendingPathComponent("out.json").path
        let out = try CLIRunner.run([
            "--model", EndToEndTests.samplePath(sample, "model.json"),
            "--input", EndToEndTests.samplePath(sample, "explain.csv"), "--method", method, "--json", json,
            "--out", dir.appendingPathComponent("r.pdf").path, "--quiet"] + extra)
        return (out, json)
    }

    @Test("occlusion on digits: --window 3x3 --stride 2 gives captum's 4 × 4 windows, echoed, with f(baseline)")
    func occlusion() throws {
        let (out, json) = try Self.run("digits", "occlusion", ["--rows", "0-1", "--window", "3x3", "--stride", "2"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try #require(try AttributionJSON.decode(try AtomicFile.read(json), file: json).first)
        #expect(result.parameters["window"] == "3x3" && result.parameters["stride"] == "2")
        #expect(result.parameters["baseline"] == "zeros")
        for e in result.explanations {
            #expect(e.diagnostics["windows"] == 16 && e.stdErrors == nil && e.baseValue != nil)
            #expect(e.attributions.count == 64 && e.attributions.contains { $0 != 0 })
        }
    }

    @Test("a window larger than the image names --window")
    func windowTooLarge() throws {
        let (out, _) = try Self.run("digits", "occlusion", ["--rows", "0", "--window", "9x2"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("--window: the window 9x2 must be at least 1x1 and fit the 8x8 image"), "\(out.stderr)")
    }

    @Test("feature ablation takes --baseline mean (the training mean) and echoes it")
    func featureAblationMean() throws {
        let (out, json) = try Self.run("breast_cancer", "feature-ablation", ["--rows", "0", "--baseline", "mean"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try #require(try AttributionJSON.decode(try AtomicFile.read(json), file: json).first)
        #expect(result.parameters["baseline"] == "mean" && result.parameters["players"] == "features")
        #expect(result.explanations[0].diagnostics["model_evaluations"] == 32)
    }

    @Test("shapley-sampling: efficiency, error bars, echoed permutations, and the same bytes at --threads 1 and 2")
    func shapleySampling() throws {
        let args = ["--rows", "0-3", "--samples", "9", "--background-size", "10"]
        let (one, json1) = try Self.run("breast_cancer", "shapley-sampling", args + ["--threads", "1"])
        let (two, json2) = try Self.run("breast_cancer", "shapley-sampling", args + ["--threads", "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        #expect(try AtomicFile.read(json1) == AtomicFile.read(json2))
        let result = try #require(try AttributionJSON.decode(try AtomicFile.read(json1), file: json1).first)
        #expect(result.parameters["samples"] == "10" && result.parameters["background_size"] == "10")
        for e in result.explanations {
            let base = try #require(e.baseValue)
            #expect(abs(e.attributions.reduce(0, +) - (e.prediction - base)) < 1e-9)
            #expect((e.stdErrors ?? []).contains { $0 > 0 })
        }
    }

    @Test("shapley-sampling without a background names --background")
    func noBackground() throws {
        let f = try CLIFixtures.make()
        let loaded = try ModelFile.load(path: f.modelPath)
        let path = f.directory.appendingPathComponent("nobg.json").path
        try ModelFile(model: loaded.model, background: nil, featureStats: loaded.featureStats).save(to: path)
        let out = try CLIRunner.run(["--model", path, "--input", f.inputPath, "--method", "shapley-sampling", "--quiet",
                                     "--out", f.directory.appendingPathComponent("r.pdf").path])
        #expect(out.status == 1)
        #expect(out.stderr.contains("shapley-sampling needs a background"), "\(out.stderr)")
    }
}
