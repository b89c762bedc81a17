import ExplainKit
import Foundation
import Testing
import TestSupport

/// The sequential samples give the same JSON before and after the graph refactor and the small-matrix kernels: each
/// run of `scripts/make-sequential-golden.sh` is repeated with today's `explain`, and its JSON must have the keys,
/// order, strings, booleans and array lengths of the file that the build of commit 2725ca9 (when `Model` was a layer
/// chain, evaluated through OpenBLAS) wrote into `Fixtures/sequential_golden/`, and every number within float rounding
/// of it (`closeEnough`).
///
/// Nothing is left out of the comparison: the attribution JSON has no timings, dates or paths.
@Suite("sequential samples: today's JSON equals the pre-graph build's to float rounding")
struct SequentialGoldenTests {
    /// The fixture folder.
    static let fixtures = CLIRunner.packageRoot.appendingPathComponent("Tests/ExplainCLITests/Fixtures/sequential_golden")

    /// Every run also gets these, then `--json <file> --out <temporary pdf>`.
    static let common = ["--seed", "0", "--threads", "1", "--quiet"]

    /// The script's runs: the fixture file, then the arguments (relative paths, from the package root). Digits runs
    /// rows 0–1, and its `--method all` a 16-row KernelSHAP and Shapley-sampling background (9 s in a debug build,
    /// 45 s with all 100 rows); the other methods keep their defaults.
    static let commands: [String] = [
        "breast_cancer-all-logits.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method all --logits",
        "breast_cancer-all.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method all",
        "breast_cancer-lrp-gamma-logits.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method lrp --lrp-rule gamma --logits",
        "breast_cancer-lrp-zplus-logits.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method lrp --lrp-rule zplus --logits",
        "iris-all.json --model samples/iris/model.json --input samples/iris/explain.csv --method all",
        "iris-all-layer-relu2.json --model samples/iris/model.json --input samples/iris/explain.csv --method all --layer relu2",
        "wine-all.json --model samples/wine/model.json --input samples/wine/explain.csv --method all",
        "digits-all-rows-0-1-background-size-16.json --model samples/digits/model.json --input samples/digits/explain.csv --method all --rows 0-1 --background-size 16",
        "digits-integrated-gradients-layer-relu5-rows-0-1.json --model samples/digits/model.json --input samples/digits/explain.csv --method integrated-gradients --layer relu5 --rows 0-1",
        "digits-lrp-gamma-rows-0-1.json --model samples/digits/model.json --input samples/digits/explain.csv --method lrp --lrp-rule gamma --rows 0-1",
    ]

    @Test("the runs are the script's: commands.txt lists the same commands, and every fixture is one of them")
    func sameRuns() throws {
        let listed = String(decoding: try AtomicFile.read(Self.fixtures.appendingPathComponent("commands.txt").path), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(listed == Self.commands)
        let files = CLIRunner.files(in: Self.fixtures).filter { $0.hasSuffix(".json") }
        #expect(files == Self.commands.map { String($0.prefix { $0 != " " }) }.sorted())
    }

    /// Numbers agree when |a − b| ≤ tolerance · max(|a|, |b|, scale), or both are below 1e-12 in size (a Double
    /// additivity gap is rounding noise of order 1e-16). Inside an explanation, scale is its largest |f(x)|, |base
    /// value| or |φ|, and inside a layer attribution's row its |f(x)| or largest score (`explanationScale`): standard
    /// errors, gaps and other differences of model outputs carry the outputs' float32 rounding, so they are measured
    /// against the outputs rather than themselves. Elsewhere it is the largest magnitude in the fixture's array that
    /// holds them.
    ///
    /// The tolerance is 4e-6 for predictions, base values, attributions and standard errors, and 3e-5 inside
    /// `diagnostics`, whose gaps sum one rounded output difference per feature. The models now sum products in
    /// another order (`PackedAffine`, and the direct convolutions of the gradient path), and the fixture's build
    /// rounded a row differently depending on the rows that shared its OpenBLAS call: in the fixture itself, wine row
    /// 4's probability is 0.7443570 from KernelSHAP's batch and 0.7443561 from integrated gradients' (1.2e-6 apart, a
    /// standardisation folded into a dense layer over inputs near 1,000). Measured worst cases today: 1.8e-6 (a wine
    /// feature-ablation φ) and 1.2e-5 (a breast-cancer feature-ablation additivity gap in logits).
    static let relativeTolerance = 4e-6, diagnosticsTolerance = 3e-5

    static func closeEnough(_ a: Double, _ b: Double, scale: Double, tolerance: Double = relativeTolerance) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(a), abs(b), scale) || max(abs(a), abs(b)) < 1e-12
    }

    /// The largest |prediction|, |base_value| or |attribution| of an explanation object in the fixture (or of a layer
    /// attribution's row, whose attributions are its `scores`); 0 for others.
    static func explanationScale(_ members: [(key: String, value: JSONValue)]) -> Double {
        guard let attributions = members.first(where: { $0.key == "attributions" || $0.key == "scores" })?.value,
              case let .array(values) = attributions else { return 0 }
        let outputs = members.filter { $0.key == "prediction" || $0.key == "base_value" }.compactMap { $0.value.doubleValue }
        return (values.compactMap(\.doubleValue) + outputs).map(abs).max() ?? 0
    }


    @Test("same JSON as the build of 2725ca9, numbers to float rounding", arguments: commands)
    func sameBytes(command: String) throws {
        let words = command.split(separator: " ").map(String.init)
        let (name, arguments) = (words[0], Array(words.dropFirst()))
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent(name).path
        let out = try CLIRunner.run(arguments + Self.common + ["--json", json, "--out", dir.appendingPathComponent("report.pdf").path],
                                    in: CLIRunner.packageRoot)
        try #require(out.status == 0, "\(name): exit \(out.status): \(out.stderr)")
        let today = try AtomicFile.read(json)
        let golden = try AtomicFile.read(Self.fixtures.appendingPathComponent(name).path)
        if let difference = Self.firstDifference(today, golden) { Issue.record("\(name) differs from the fixture: \(difference)") }
    }

    @Test("the comparison fails on a number moved by 1e-5 relative, a changed string and a missing key")
    func comparisonCanFail() throws {
        let golden = Array(#"{"a":[1.0,0.5,1e-9],"b":"x","c":true}"#.utf8)
        #expect(Self.firstDifference(golden, golden) == nil)
        #expect(Self.firstDifference(Array(#"{"a":[1.000002,0.5,1.5e-9],"b":"x","c":true}"#.utf8), golden) == nil)
        #expect(Self.firstDifference(Array(#"{"a":[1.00001,0.5,1e-9],"b":"x","c":true}"#.utf8), golden) != nil)
        #expect(Self.firstDifference(Array(#"{"a":[1.0,0.5,1e-9],"b":"y","c":true}"#.utf8), golden) != nil)
        #expect(Self.firstDifference(Array(#"{"a":[1.0,0.5,1e-9],"c":true}"#.utf8), golden) != nil)
    }

    /// Where two JSON documents first differ beyond `closeEnough`: the key path and both values; nil when they agree.
    static func firstDifference(_ today: [UInt8], _ golden: [UInt8]) -> String? {
        guard let a = try? JSONParser.parse(today, file: "today"), let b = try? JSONParser.parse(golden, file: "golden") else {
            let i = zip(today, golden).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(today.count, golden.count)
            return "first differing byte at offset \(i) (\(today.count) bytes today, \(golden.count) in the fixture)"
        }
        func walk(_ a: JSONValue, _ b: JSONValue, _ path: String, scale: Double = 0) -> String? {
            switch (a, b) {
            case let (.object(x), .object(y)):
                if x.map(\.key) != y.map(\.key) { return "\(path): keys \(x.map(\.key)) today, \(y.map(\.key)) in the fixture" }
                let inner = max(scale, explanationScale(y))
                for (p, q) in zip(x, y) { if let d = walk(p.value, q.value, "\(path).\(p.key)", scale: inner) { return d } }
                return nil
            case let (.array(x), .array(y)):
                if x.count != y.count { return "\(path): \(x.count) elements today, \(y.count) in the fixture" }
                let largest = max(scale, y.compactMap { $0.doubleValue.map(abs) }.max() ?? 0)
                for (i, (p, q)) in zip(x, y).enumerated() { if let d = walk(p, q, "\(path)[\(i)]", scale: largest) { return d } }
                return nil
            case let (.number(s), .number(t)):
                guard s != t else { return nil }
                let tolerance = path.contains(".diagnostics.") ? Self.diagnosticsTolerance : Self.relativeTolerance
                if let u = a.doubleValue, let v = b.doubleValue, closeEnough(u, v, scale: scale, tolerance: tolerance) { return nil }
                let delta = (a.doubleValue ?? .nan) - (b.doubleValue ?? .nan)
                return "\(path): \(s) today, \(t) in the fixture (difference \(delta))"
            default:
                let (s, t) = (Self.text(a), Self.text(b))
                return s == t ? nil : "\(path): \(s) today, \(t) in the fixture"
            }
        }
        return walk(a, b, "$")
    }

    static func text(_ value: JSONValue) -> String {
        (try? String(decoding: JSONWriter.serialize(value, style: .compact), as: UTF8.self)) ?? "\(value)"
    }
}
