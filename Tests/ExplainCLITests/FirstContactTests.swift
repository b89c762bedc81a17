import ExplainKit
import Foundation
import Testing
import TestSupport

/// What a first-time user meets: `--logits`, degenerate-output flags, the default baseline, one background for every
/// method, skipped methods and `--version`.
@Suite("explain: defaults that do not mislead")
struct FirstContactTests {
    static func sample(_ name: String, _ file: String) -> String { EndToEndTests.samplePath(name, file) }

    /// The methods of the first turn.
    static let sevenMethods = ["kernelshap", "lime", "integrated-gradients", "smoothgrad", "gradient-x-input", "gradient", "saliency"]
    /// The methods that need a background or the training data's ranges.
    static let backgroundMethods = ["kernelshap", "lime", "deepshap", "smoothgrad", "gradientshap", "shapley-sampling"]

    static func results(_ dir: URL, _ name: String = "out.json") throws -> [AttributionResult] {
        try AttributionJSON.decode(try AtomicFile.read(dir.appendingPathComponent(name).path), file: name)
    }

    static func run(_ arguments: [String], json: String = "out.json") throws -> (CLIRunner.Outcome, URL) {
        let dir = try CLIRunner.temporaryDirectory()
        let out = try CLIRunner.run(arguments + ["--json", dir.appendingPathComponent(json).path,
                                                 "--out", dir.appendingPathComponent("r.pdf").path])
        return (out, dir)
    }

    @Test("the README's main job: every method's every row has an attribution of at least 1e-6, or is flagged saturated_output; with --logits none is negligible")
    func readmeMainJob() throws {
        for logits in [false, true] {
            let (out, dir) = try Self.run(["--model", Self.sample("breast_cancer", "model.json"),
                                           "--input", Self.sample("breast_cancer", "explain.csv")] + (logits ? ["--logits"] : []))
            #expect(out.status == 0, "\(out.stderr)")
            let results = try Self.results(dir)
            #expect(Set(Self.sevenMethods).isSubset(of: results.map(\.method)))
            var saturated = 0
            for result in results {
                #expect(result.parameters["logits"] == String(logits))
                for e in result.explanations {
                    let largest = e.attributions.map(abs).max() ?? 0
                    #expect(largest >= 1e-6 || e.flags.contains("saturated_output"), "\(result.method) row \(e.row): \(largest)")
                    #expect((largest < 1e-6) == e.flags.contains("negligible_attributions"))
                    if logits { #expect(!e.flags.contains("saturated_output") && largest >= 1e-6) }
                    if e.flags.contains("saturated_output") { saturated += 1 }
                }
            }
            if !logits {
                // Four of the five sample rows have p within 1e-4 of 0 or 1: flagged on every method, and said once.
                #expect(saturated >= 4 * results.count)
                #expect(out.stderr.contains("--logits"))
            }
        }
    }

    @Test("--logits on a softmax model: gradients are the pre-softmax network's, prediction is the logit")
    func logitsSoftmax() throws {
        let fixture = try CLIFixtures.make()
        let model = try ModelFile.load(path: fixture.modelPath).model
        let reference = try Model(name: "pre", inputShape: model.inputShape, featureNames: model.featureNames,
                                  outputNames: model.outputNames, layers: Array(model.layers.dropLast()))
        let (out, dir) = try Self.run(["--model", fixture.modelPath, "--input", fixture.inputPath, "--method", "gradient",
                                       "--logits", "--target", "yes"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try #require(try Self.results(dir).first)
        #expect(result.parameters["logits"] == "true")
        let rows = try CSVTable(contentsOf: fixture.inputPath).numericColumns(model.featureNames)
        let (logits, gradient) = reference.inputGradient(rows, targets: [1, 1, 1, 1])
        for (i, e) in result.explanations.enumerated() {
            #expect(e.prediction == Double(logits.scalars[i * 2 + 1]))
            #expect(e.attributions == gradient.row(i).map(Double.init))
        }
    }

    @Test("--logits on a sigmoid model explains the pre-sigmoid value; a model without softmax or sigmoid is refused")
    func logitsSigmoid() throws {
        let fixture = try CLIFixtures.make()
        let file = try ModelFile.load(path: fixture.modelPath)
        let layers = Array(file.model.layers.dropLast(2)) + [Dense(name: "out", weight: Tensor(shape: [1, 6], scalars: [0.5, -1, 0.3, 2, -0.7, 1]), bias: Tensor(shape: [1], scalars: [0.2])),
                                                        Activation(name: "sig", kind: .sigmoid)]
        let sigmoid = try Model(name: "sig", inputShape: [3], featureNames: file.model.featureNames, outputNames: ["p"], layers: layers)
        let path = fixture.directory.appendingPathComponent("sig.json").path
        try ModelFile(model: sigmoid, background: file.background, featureStats: file.featureStats).save(to: path)
        let (out, dir) = try Self.run(["--model", path, "--input", fixture.inputPath, "--method", "integrated-gradients",
                                       "--logits", "--steps", "400"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try #require(try Self.results(dir).first)
        let pre = try sigmoid.logitModel()
        let rows = try CSVTable(contentsOf: fixture.inputPath).numericColumns(sigmoid.featureNames)
        let z = pre.infer(rows)
        for (i, e) in result.explanations.enumerated() {
            #expect(e.prediction == Double(z.scalars[i]))
            let base = try #require(e.baseValue)
            #expect(abs(e.attributions.reduce(0, +) - (e.prediction - base)) < 1e-3 * max(1, abs(e.prediction - base)))
        }
        // A regression-like model (no final squashing) is refused with one line naming the file and the flag.
        let plain = try Model(name: "plain", inputShape: [3], featureNames: file.model.featureNames, outputNames: ["y"],
                              layers: Array(layers.dropLast()))
        let plainPath = fixture.directory.appendingPathComponent("plain.json").path
        try ModelFile(model: plain, background: file.background).save(to: plainPath)
        let (refused, refusedDir) = try Self.run(["--model", plainPath, "--input", fixture.inputPath, "--logits"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("plain.json: --logits:") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: refusedDir.appendingPathComponent("out.json").path))
    }

    @Test("the default IG baseline of a tabular model is the training mean: base value f(feature_stats.mean), recorded; images keep zeros")
    func defaultBaseline() throws {
        let fixture = try CLIFixtures.make()
        let file = try ModelFile.load(path: fixture.modelPath)
        let (out, dir) = try Self.run(["--model", fixture.modelPath, "--input", fixture.inputPath, "--method", "integrated-gradients"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try #require(try Self.results(dir).first)
        #expect(result.parameters["baseline"] == "mean" && result.parameters["baseline_mean_of"] == "feature_stats")
        let stats = try #require(file.featureStats)
        let atMean = file.model.infer(Tensor(shape: [1, 3], scalars: stats.mean.map { Float($0) }))
        for e in result.explanations { #expect(e.baseValue == Double(atMean.scalars[e.target])) }
        // `--baseline zeros` keeps captum's behaviour.
        let (zerosOut, zerosDir) = try Self.run(["--model", fixture.modelPath, "--input", fixture.inputPath,
                                                 "--method", "integrated-gradients", "--baseline", "zeros"])
        #expect(zerosOut.status == 0)
        let zeros = try #require(try Self.results(zerosDir).first)
        let atZero = file.model.infer(Tensor(shape: [1, 3], repeating: 0))
        #expect(zeros.parameters["baseline"] == "zeros")
        for e in zeros.explanations { #expect(e.baseValue == Double(atZero.scalars[e.target])) }
        // An image model keeps the zeros baseline.
        let (imageOut, imageDir) = try Self.run(["--model", Self.sample("digits", "model.json"),
                                                 "--input", Self.sample("digits", "explain.csv"),
                                                 "--method", "integrated-gradients", "--rows", "0"])
        #expect(imageOut.status == 0)
        #expect(try Self.results(imageDir).first?.parameters["baseline"] == "zeros")
    }

    /// The fixture's model saved without background and statistics (as `scripts/pytorch_export.py` writes by
    /// default), and its background as a CSV.
    static func bareModel(_ fixture: CLIFixtures) throws -> (model: String, background: String, file: ModelFile) {
        let file = try ModelFile.load(path: fixture.modelPath)
        let bare = fixture.directory.appendingPathComponent("bare.json").path
        try ModelFile(model: file.model).save(to: bare)
        let background = try #require(file.background)
        var csv = file.model.featureNames.joined(separator: ",") + "\n"
        for r in 0..<background.rows.batchSize {
            csv += background.rows.row(r).map { "\($0)" }.joined(separator: ",") + "\n"
        }
        return (bare, try fixture.write("background.csv", csv), file)
    }

    @Test("--method all on a model file with no background: --background gives every method; without it, those that need training data are skipped and recorded")
    func oneBackground() throws {
        let fixture = try CLIFixtures.make()
        let (bare, background, _) = try Self.bareModel(fixture)
        let (out, dir) = try Self.run(["--model", bare, "--input", fixture.inputPath, "--background", background])
        #expect(out.status == 0, "\(out.stderr)")
        let all = try Self.results(dir).map(\.method)
        #expect(Set(Self.sevenMethods + Self.backgroundMethods).isSubset(of: all))
        let document = try JSONParser.parse(try AtomicFile.read(dir.appendingPathComponent("out.json").path), file: "out.json")
        #expect(document["skipped"] == .array([]))
        let (skippedOut, skippedDir) = try Self.run(["--model", bare, "--input", fixture.inputPath])
        #expect(skippedOut.status == 0, "\(skippedOut.stderr)")
        let ran = try Self.results(skippedDir).map(\.method)
        let skippedDocument = try JSONParser.parse(try AtomicFile.read(skippedDir.appendingPathComponent("out.json").path), file: "out.json")
        guard case .array(let entries)? = skippedDocument["skipped"] else { Issue.record("no skipped array"); return }
        let skipped = entries.compactMap { entry -> String? in
            if case .string(let name)? = entry["method"] { return name } else { return nil }
        }
        // Exactly the methods that need training data are skipped, in report order, and the others all ran.
        #expect(skipped == all.filter { Self.backgroundMethods.contains($0) })
        #expect(ran == all.filter { !Self.backgroundMethods.contains($0) })
        #expect(entries.allSatisfy { entry in
            if case .string(let reason)? = entry["reason"] { return reason.contains("--background FILE") } else { return false }
        })
        let warnings = skippedOut.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: skipping ") }
        #expect(warnings.count == skipped.count, "\(skippedOut.stderr)")
        // One method asked for by name still fails with one line naming what is missing.
        let (single, _) = try Self.run(["--model", bare, "--input", fixture.inputPath, "--method", "smoothgrad"])
        #expect(single.status == 1 && single.stderr.contains("feature_stats or a background"), "\(single.stderr)")
    }

    @Test("LIME, SmoothGrad and KernelSHAP with --background give the same bytes as with the same rows embedded in the model file",
          arguments: ["lime", "smoothgrad", "kernelshap"])
    func backgroundFileEqualsEmbedded(method: String) throws {
        let fixture = try CLIFixtures.make()
        let (bare, background, file) = try Self.bareModel(fixture)
        let embedded = fixture.directory.appendingPathComponent("embedded.json").path
        // The same rows, and no feature_stats, so that both runs take the training data from the background.
        try ModelFile(model: file.model, background: Background(rows: try #require(file.background).rows)).save(to: embedded)
        let (a, aDir) = try Self.run(["--model", bare, "--input", fixture.inputPath, "--method", method, "--background", background])
        let (b, bDir) = try Self.run(["--model", embedded, "--input", fixture.inputPath, "--method", method])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        #expect(try Self.results(aDir) == (try Self.results(bDir)))
        #expect(try AtomicFile.read(aDir.appendingPathComponent("out.json").path)
            == (try AtomicFile.read(bDir.appendingPathComponent("out.json").path)))
    }

    @Test("--tolerance on the 10-class digits CNN: each row's converged agrees with its own recorded trace, and no round follows one that met it")
    func toleranceRecord() throws {
        let tolerance = 0.05
        let (out, dir) = try Self.run(["--model", Self.sample("digits", "model.json"), "--input", Self.sample("digits", "explain.csv"),
                                       "--method", "kernelshap", "--rows", "0-1", "--background-size", "8",
                                       "--tolerance", String(tolerance), "--samples", "20000"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try #require(try Self.results(dir).first)
        #expect(result.explanations.count == 2)
        for e in result.explanations {
            let trace = try #require(e.convergence)
            func meets(_ p: ConvergencePoint) -> Bool { p.maxStdError <= tolerance * p.valueRange }
            #expect(trace.dropLast().allSatisfy { !meets($0) })
            #expect(e.diagnostics["converged"] == (meets(try #require(trace.last)) ? 1 : 0))
        }
    }

    @Test("--link logit with --logits is refused in one line naming the flag, and nothing is written")
    func logitOfLogit() throws {
        let fixture = try CLIFixtures.make()
        let (out, dir) = try Self.run(["--model", fixture.modelPath, "--input", fixture.inputPath, "--method", "kernelshap",
                                       "--logits", "--link", "logit"])
        #expect(out.status == 1)
        #expect(out.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: --link:") }.count == 1, "\(out.stderr)")
        #expect(CLIRunner.files(in: dir).isEmpty)
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let out = try CLIRunner.run(["--version"])
        #expect(out.status == 0)
        #expect(out.stdout == "ExplainKit \(ExplainKitVersion.current)\n")
    }
}
