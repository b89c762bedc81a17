import ExplainKit
import Foundation
import Testing
import TestSupport

/// `--method deeplift | deepshap | guided-backprop | deconvolution | lrp` through the built binary.
@Suite("explain with the modified-backward-pass methods")
struct ModifiedBackpropCLITests {
    static func run(_ sample: String, _ extra: [String]) throws -> (CLIRunner.Outcome, [AttributionResult]) {
        let dir = try CLIRunner.temporaryDirectory()
        let json = dir.appendingPathComponent("out.json").path
        let out = try CLIRunner.run([
            "--model", EndToEndTests.samplePath(sample, "model.json"), "--input", EndToEndTests.samplePath(sample, "explain.csv"),
            "--rows", "0-2", "--json", json, "--out", dir.appendingPathComponent("r.pdf").path, "--quiet",
        ] + extra)
        guard out.status == 0 else { return (out, []) }
        return (out, try AttributionJSON.decode(try AtomicFile.read(json), file: json))
    }

    @Test("each method runs on the MLP and the CNN sample and echoes its parameters", arguments: ["breast_cancer", "digits"])
    func methods(sample: String) throws {
        for (method, extra, parameters) in [
            ("deeplift", ["--baseline", "mean"], ["baseline": "mean"]),
            ("deepshap", [], ["background_rows": "100"]),
            ("guided-backprop", [], [:]),
            ("deconvolution", [], [:]),
            ("lrp", ["--lrp-rule", "gamma", "--gamma", "0.5"], ["lrp_rule": "gamma", "epsilon": "1e-06", "gamma": "0.5"]),
        ] {
            let (out, results) = try Self.run(sample, ["--method", method] + extra)
            #expect(out.status == 0, "\(method): \(out.stderr)")
            let result = try #require(results.first)
            #expect(result.method == method)
            for (key, value) in parameters { #expect(result.parameters[key] == value, "\(method) \(key)") }
            #expect(result.explanations.map(\.row) == [0, 1, 2])
            for e in result.explanations {
                #expect(e.attributions.count == result.features.count && e.attributions.allSatisfy(\.isFinite))
                switch method {
                case "deeplift", "deepshap":
                    let gap = try #require(e.diagnostics["completeness_gap"])
                    #expect(abs(e.attributions.reduce(0, +) - (e.prediction - (e.baseValue ?? .nan)) - gap) < 1e-6)
                    #expect((e.stdErrors != nil) == (method == "deepshap"))
                case "lrp":
                    #expect(e.diagnostics["conservation_gap"] != nil && e.diagnostics["explained_value"] != nil)
                default:
                    #expect(e.baseValue == nil)
                }
            }
        }
    }

    @Test("bad --lrp-rule, --epsilon or --gamma values are usage errors", arguments: [
        ["--lrp-rule", "alpha-beta"], ["--epsilon", "0"], ["--epsilon", "nan"], ["--gamma", "-1"],
    ])
    func badFlags(flags: [String]) throws {
        let (out, _) = try Self.run("breast_cancer", ["--method", "lrp"] + flags)
        #expect(out.status == 64, "\(out.stderr)")
        #expect(out.stderr.contains(flags[0]))
    }

    @Test("lrp on a network with a sigmoid inside names the layer; --method all leaves lrp out and runs the rest")
    func lrpRefusal() throws {
        let fixtures = try CLIFixtures.make()
        var rng = SplitMix64(seed: 3)
        func r(_ s: [Int]) -> Tensor { Tensor(shape: s, scalars: (0..<s.reduce(1, *)).map { _ in Float(rng.nextNormal()) }) }
        let model = try Model(name: "sig", inputShape: [3], featureNames: ["alpha", "beta", "gamma"], outputNames: ["no", "yes"],
                              layers: [Dense(name: "fc1", weight: r([4, 3]), bias: r([4])), Activation(name: "squash", kind: .sigmoid),
                                       Dense(name: "fc2", weight: r([2, 4]), bias: r([2])), Softmax(name: "softmax")])
        let path = fixtures.directory.appendingPathComponent("sig.json").path
        try ModelFile(model: model, background: Background(rows: r([5, 3]))).save(to: path)
        let pdf = fixtures.directory.appendingPathComponent("r.pdf").path
        let json = fixtures.directory.appendingPathComponent("all.json").path
        let lrp = try CLIRunner.run(["--model", path, "--input", fixtures.inputPath, "--method", "lrp", "--out", pdf, "--quiet"])
        #expect(lrp.status == 1 && lrp.stderr.contains("squash") && lrp.stderr.contains("sigmoid"), "\(lrp.stderr)")
        let all = try CLIRunner.run(["--model", path, "--input", fixtures.inputPath, "--method", "all", "--out", pdf,
                                     "--json", json, "--background-size", "3", "--quiet"])
        #expect(all.status == 0, "\(all.stderr)")
        let methods = try AttributionJSON.decode(try AtomicFile.read(json), file: json).map(\.method)
        #expect(!methods.contains("lrp") && methods.contains("deeplift") && methods.contains("guided-backprop"))
    }
}
