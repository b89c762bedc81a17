import ExplainKit
import Foundation
import Testing
import TestSupport

/// `--method gradientshap` and `--method grad-cam` through the built binary.
@Suite("explain --method gradientshap and grad-cam")
struct GradientSHAPCAMCLITests {
    static func run(_ sample: String, _ extra: [String], rows: String = "0-2") throws -> (CLIRunner.Outcome, JSONValue?) {
        let dir = try CLIRunner.temporaryDirectory()
        let json = dir.appendingPathComponent("out.json").path
        let out = try CLIRunner.run([
            "--model", EndToEndTests.samplePath(sample, "model.json"), "--input", EndToEndTests.samplePath(sample, "explain.csv"),
            "--rows", rows, "--json", json, "--out", dir.appendingPathComponent("r.pdf").path, "--quiet",
        ] + extra)
        let doc = FileManager.default.fileExists(atPath: json) ? try JSONParser.parse(try AtomicFile.read(json), file: json) : nil
        return (out, doc)
    }

    @Test("--method grad-cam --layer names the Grad-CAM layer (no layer attribution); the default is the last conv2d")
    func gradCAMLayer() throws {
        let (named, doc) = try Self.run("digits", ["--method", "grad-cam", "--layer", "relu5"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(doc?["parameters"]?["layer"]?.stringValue == "relu5")
        #expect(doc?["layer_attributions"] == nil)
        let explanations = try #require(doc?["explanations"]?.arrayValue)
        #expect(explanations.count == 3)
        for e in explanations {
            #expect(e["layer_map"]?["layer"]?.stringValue == "relu5")
            #expect(e["layer_map"]?["shape"]?.arrayValue?.compactMap(\.intValue) == [4, 4])
            #expect(e["attributions"]?.arrayValue?.count == 64)
        }
        let (plain, defaultDoc) = try Self.run("digits", ["--method", "grad-cam"])
        #expect(plain.status == 0)
        #expect(defaultDoc?["parameters"]?["layer"]?.stringValue == "conv2d4")
        // The old meaning of --layer with other methods is unchanged.
        let (ig, igDoc) = try Self.run("digits", ["--method", "integrated-gradients", "--layer", "conv2d4"], rows: "0")
        #expect(ig.status == 0)
        #expect(igDoc?["layer_attributions"]?.arrayValue?.count == 3)
    }

    @Test("grad-cam on a tabular model and on a flat layer fails with one line naming the problem")
    func gradCAMRefusals() throws {
        let (tabular, _) = try Self.run("breast_cancer", ["--method", "grad-cam"])
        #expect(tabular.status == 1)
        #expect(tabular.stderr.contains("image model"))
        let (flat, _) = try Self.run("digits", ["--method", "grad-cam", "--layer", "dense8"])
        #expect(flat.status == 1)
        #expect(flat.stderr.contains("--layer") && flat.stderr.contains("conv2d4"))
    }

    @Test("gradientshap: echoed parameters, base value E f(b), error bars, and the same bytes at --threads 1 and 2")
    func gradientSHAP() throws {
        let (one, a) = try Self.run("breast_cancer", ["--method", "gradientshap", "--threads", "1", "--samples", "20"], rows: "0-4")
        let (two, b) = try Self.run("breast_cancer", ["--method", "gradientshap", "--threads", "2", "--samples", "20"], rows: "0-4")
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)")
        #expect(a == b)
        let parameters = try #require(a?["parameters"])
        #expect(parameters["samples"]?.stringValue == "20" && parameters["noise"]?.stringValue == "0.0")
        #expect(parameters["background"]?.stringValue == "model" && parameters["background_rows"]?.stringValue == "100")
        for e in a?["explanations"]?.arrayValue ?? [] {
            #expect(e["std_errors"]?.arrayValue?.count == 30)
            #expect(e["base_value"]?.doubleValue != nil && e["diagnostics"]?["completeness_gap"]?.doubleValue != nil)
        }
    }

    @Test("gradientshap without any background fails naming --background, and runs with --background FILE")
    func gradientSHAPBackground() throws {
        let fixture = try CLIFixtures.make()
        let loaded = try ModelFile.load(path: fixture.modelPath)
        let bare = fixture.directory.appendingPathComponent("bare.json").path
        try ModelFile(model: loaded.model, featureStats: loaded.featureStats).save(to: bare)
        let args = ["--model", bare, "--input", fixture.inputPath, "--method", "gradientshap", "--json", "-", "--quiet",
                    "--out", fixture.directory.appendingPathComponent("r.pdf").path]
        let missing = try CLIRunner.run(args)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--background"))
        let csv = try fixture.write("bg.csv", "alpha,beta,gamma\n1,2,3\n0.5,2.5,1\n1.5,1.5,4\n")
        let given = try CLIRunner.run(args + ["--background", csv])
        #expect(given.status == 0, "\(given.stderr)")
        let doc = try JSONParser.parse(given.stdoutBytes, file: "stdout")
        #expect(doc["parameters"]?["background"]?.stringValue == csv)
        #expect(doc["parameters"]?["background_rows"]?.stringValue == "3")
    }
}
