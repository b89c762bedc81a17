import ExplainKit
import Foundation
import Testing
import TestSupport

/// The sequential samples give byte-identical JSON before and after the graph refactor: each run of
/// `scripts/make-sequential-golden.sh` is repeated with today's `explain` and its JSON must equal, byte for byte, the
/// file that the build of commit 2725ca9 (when `Model` was a layer chain) wrote into `Fixtures/sequential_golden/`.
///
/// Nothing is left out of the comparison: the attribution JSON has no timings, dates or paths.
@Suite("sequential samples: today's JSON equals the pre-graph build's, byte for byte")
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

    @Test("same JSON bytes as the build of 2725ca9", arguments: commands)
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
        // Not #expect(today == golden): its failure would print both files as byte arrays.
        if today != golden { Issue.record("\(name) differs from the fixture: \(Self.firstDifference(today, golden))") }
    }

    /// Where two JSON documents first differ: the key path and both values, or the first differing byte.
    static func firstDifference(_ today: [UInt8], _ golden: [UInt8]) -> String {
        guard let a = try? JSONParser.parse(today, file: "today"), let b = try? JSONParser.parse(golden, file: "golden") else {
            let i = zip(today, golden).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(today.count, golden.count)
            return "first differing byte at offset \(i) (\(today.count) bytes today, \(golden.count) in the fixture)"
        }
        func walk(_ a: JSONValue, _ b: JSONValue, _ path: String) -> String? {
            switch (a, b) {
            case let (.object(x), .object(y)):
                if x.map(\.key) != y.map(\.key) { return "\(path): keys \(x.map(\.key)) today, \(y.map(\.key)) in the fixture" }
                for (p, q) in zip(x, y) { if let d = walk(p.value, q.value, "\(path).\(p.key)") { return d } }
                return nil
            case let (.array(x), .array(y)):
                if x.count != y.count { return "\(path): \(x.count) elements today, \(y.count) in the fixture" }
                for (i, (p, q)) in zip(x, y).enumerated() { if let d = walk(p, q, "\(path)[\(i)]") { return d } }
                return nil
            case let (.number(s), .number(t)):
                guard s != t else { return nil }
                let delta = (a.doubleValue ?? .nan) - (b.doubleValue ?? .nan)
                return "\(path): \(s) today, \(t) in the fixture (difference \(delta))"
            default:
                let (s, t) = (Self.text(a), Self.text(b))
                return s == t ? nil : "\(path): \(s) today, \(t) in the fixture"
            }
        }
        return walk(a, b, "$") ?? "same JSON values, different bytes"
    }

    static func text(_ value: JSONValue) -> String {
        (try? String(decoding: JSONWriter.serialize(value, style: .compact), as: UTF8.self)) ?? "\(value)"
    }
}
