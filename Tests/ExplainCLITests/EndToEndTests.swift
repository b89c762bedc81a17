import ExplainKit
import Foundation
import Testing
import TestSupport

/// The built `explain` binary on every bundled sample with `--method all`.
@Suite("explain end to end on the bundled samples")
struct EndToEndTests {
    static let samples = ["iris", "wine", "breast_cancer", "digits"]

    static func samplePath(_ name: String, _ file: String) -> String {
        CLIRunner.packageRoot.appendingPathComponent("samples/\(name)/\(file)").path
    }

    /// Runs `--method all` on rows 0–1 of a sample; KernelSHAP's background is summarised to keep debug runs short.
    /// IG takes 600 steps: from the zero baseline the ReLU networks' paths cross many kinks, and with the default 50
    /// Gauss–Legendre steps the gap reaches 5–14% of f(x) − f(x') on wine (the run flags it); 600 steps bring it
    /// under 2%.
    static func runAll(_ name: String, extra: [String] = []) throws -> (CLIRunner.Outcome, URL) {
        let dir = try CLIRunner.temporaryDirectory()
        let args = ["--model", samplePath(name, "model.json"), "--input", samplePath(name, "explain.csv"),
                    "--method", "all", "--rows", "0-1", "--background-size", "12", "--steps", "600",
                    "--json", dir.appendingPathComponent("out.json").path,
                    "--out", dir.appendingPathComponent("report.pdf").path] + extra
        return (try CLIRunner.run(args), dir)
    }

    @Test("--method all: exit 0, JSON parses, KernelSHAP efficiency, small IG gaps, PDF with the expected pages",
          arguments: samples)
    func allMethods(name: String) throws {
        let (out, dir) = try Self.runAll(name)
        #expect(out.status == 0, "\(out.stderr)")
        let results = try AttributionJSON.decode(try AtomicFile.read(dir.appendingPathComponent("out.json").path), file: "out.json")
        // Every sample has a background (shapley-sampling, deepshap, gradientshap); only digits is an image model
        // (occlusion, grad-cam, guided-grad-cam).
        let image = name == "digits"
        let methods = ["kernelshap", "shapley-sampling", "lime", "integrated-gradients", "deeplift", "deepshap", "gradientshap",
                       "smoothgrad", "feature-ablation"] + (image ? ["occlusion"] : [])
            + ["gradient-x-input", "gradient", "saliency", "guided-backprop", "deconvolution", "lrp"]
            + (image ? ["grad-cam", "guided-grad-cam"] : [])
        #expect(results.map(\.method) == methods)
        for result in results {
            #expect(result.explanations.map(\.row) == [0, 1])
            for e in result.explanations {
                #expect(e.attributions.count == result.features.count)
                #expect(e.attributions.allSatisfy { $0.isFinite })
            }
        }
        let shapley = results.filter { $0.method == "kernelshap" || $0.method == "shapley-sampling" }
        #expect(shapley.count == 2)
        for e in shapley.flatMap(\.explanations) {
            let base = try #require(e.baseValue)
            let total = e.attributions.reduce(0, +)
            #expect(abs(total - (e.prediction - base)) < 1e-5, "efficiency: Σφ = \(total), f − E f = \(e.prediction - base)")
        }
        let ig = try #require(results.first { $0.method == "integrated-gradients" })
        for e in ig.explanations {
            let gap = try #require(e.diagnostics["completeness_gap"])
            let base = try #require(e.baseValue)
            #expect(abs(gap) <= 0.02 * abs(e.prediction - base) + 1e-3, "IG gap \(gap) for f − f' = \(e.prediction - base)")
        }
        let lime = try #require(results.first { $0.method == "lime" })
        #expect(lime.explanations.allSatisfy { $0.fidelity != nil && $0.stdErrors != nil })
        // The PDF has the pages the run reported: title, one summary per method, one page per row, and more.
        let pdf = try AtomicFile.read(dir.appendingPathComponent("report.pdf").path)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        let text = String(decoding: pdf, as: UTF8.self)
        let pageCount = text.matches(of: /\/Type\s*\/Page\b/).count
        let reported = try #require(out.stderr.firstMatch(of: /report: .* \((\d+) pages\)/)).output.1
        #expect(pageCount == Int(reported))
        #expect(pageCount >= 1 + methods.count + 2)
    }

    @Test("--threads 1 and --threads 2 give identical JSON")
    func threadsDoNotChangeResults() throws {
        let (one, dir1) = try Self.runAll("breast_cancer", extra: ["--threads", "1", "--quiet"])
        let (two, dir2) = try Self.runAll("breast_cancer", extra: ["--threads", "2", "--quiet"])
        #expect(one.status == 0 && two.status == 0)
        let a = try AtomicFile.read(dir1.appendingPathComponent("out.json").path)
        let b = try AtomicFile.read(dir2.appendingPathComponent("out.json").path)
        #expect(a == b)
    }

    @Test("--layer adds activation, gradient × activation and conductance; conductance sums to the IG total")
    func layerAttribution() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let json = dir.appendingPathComponent("layer.json").path
        let out = try CLIRunner.run([
            "--model", Self.samplePath("iris", "model.json"), "--input", Self.samplePath("iris", "explain.csv"),
            "--method", "integrated-gradients", "--layer", "relu2", "--steps", "400", "--json", json,
            "--out", dir.appendingPathComponent("r.pdf").path, "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try JSONParser.parse(try AtomicFile.read(json), file: json)
        let layers = try #require(doc["layer_attributions"]?.arrayValue)
        #expect(layers.compactMap { $0["method"]?.stringValue } == ["activation", "gradient-x-activation", "conductance"])
        let conductance = try #require(layers.last?["rows"]?.arrayValue)
        let ig = try #require(doc["explanations"]?.arrayValue)
        for (c, e) in zip(conductance, ig) {
            let total = (c["scores"]?.arrayValue ?? []).compactMap(\.doubleValue).reduce(0, +)
            let prediction = try #require(e["prediction"]?.doubleValue), base = try #require(e["base_value"]?.doubleValue)
            #expect(abs(total - (prediction - base)) < 0.01 * abs(prediction - base) + 1e-4)
        }
    }
}

@Suite("explain --method kernelshap --background-per-coalition")
struct SampledBackgroundCLITests {
    /// Runs `--method kernelshap` on a sample with `extra` flags, writing into a fresh directory.
    static func run(_ sample: String, _ extra: [String]) throws -> (CLIRunner.Outcome, URL) {
        let dir = try CLIRunner.temporaryDirectory()
        let out = try CLIRunner.run([
            "--model", EndToEndTests.samplePath(sample, "model.json"),
            "--input", EndToEndTests.samplePath(sample, "explain.csv"), "--method", "kernelshap",
            "--json", dir.appendingPathComponent("out.json").path, "--out", dir.appendingPathComponent("r.pdf").path,
        ] + extra)
        return (out, dir)
    }

    @Test("one background row per coalition: efficiency, error bars, the evaluation count and the echoed setting")
    func sampledBackground() throws {
        let (out, dir) = try Self.run("breast_cancer",
                                      ["--rows", "0-1", "--samples", "3000", "--background-per-coalition", "1", "--quiet"])
        let json = dir.appendingPathComponent("out.json").path
        #expect(out.status == 0, "\(out.stderr)")
        let result = try #require(try AttributionJSON.decode(try AtomicFile.read(json), file: json).first)
        #expect(result.parameters["background_per_coalition"] == "1")
        let m = result.features.count, k = 100
        for e in result.explanations {
            let base = try #require(e.baseValue)
            #expect(abs(e.attributions.reduce(0, +) - (e.prediction - base)) < 1e-5)
            #expect((e.stdErrors ?? []).contains { $0 > 0 })
            #expect(e.diagnostics["model_evaluations"] == Double(k + 1 + 2 * m * k + (3000 - 2 * m)))
        }
    }

    @Test("a background above 200 rows warns with the cost and names the flags that cut it")
    func largeBackgroundWarning() throws {
        let (out, _) = try Self.run("breast_cancer", [
            "--rows", "0", "--samples", "200", "--background-per-coalition", "1",
            "--background", EndToEndTests.samplePath("breast_cancer", "breast_cancer.csv")])
        #expect(out.status == 0, "\(out.stderr)")
        let warning = try #require(out.stderr.split(separator: "\n").first { $0.hasPrefix("warning: the KernelSHAP background") })
        #expect(warning.contains("569 rows") && warning.contains("\(2 * 30 * 569 + (200 - 60))"))
        #expect(warning.contains("--background-size") && warning.contains("--background-per-coalition"))
    }

    @Test("with --link logit it fails with one line naming the flag and writes nothing")
    func logitRejected() throws {
        let (out, dir) = try Self.run("iris", ["--background-per-coalition", "1", "--link", "logit"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("--background-per-coalition"))
        #expect(CLIRunner.files(in: dir).isEmpty)
    }
}
