import ExplainKit
import Foundation
import Testing
import TestSupport

@Suite("explain train")
struct TrainCommandTests {
    /// Two Gaussian classes in three features, separable along the first two; labels are words.
    static func separableCSV(rows: Int = 60) -> String {
        var rng = SplitMix64(seed: 11)
        var text = "x1,label,x2,x3\n"
        for r in 0..<rows {
            let positive = r % 2 == 0
            let shift = positive ? 2.0 : -2.0
            let x1 = shift + rng.nextNormal() * 0.7, x2 = shift + rng.nextNormal() * 0.7, x3 = rng.nextNormal()
            text += String(format: "%.4f,%@,%.4f,%.4f\n", x1, positive ? "yes" : "no", x2, x3)
        }
        return text
    }

    func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("training a small CSV exits 0 and writes a loadable model, its history, a training report and an example CSV")
    func trainsSmallCSV() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let data = try write(Self.separableCSV(), "toy.csv", in: dir)
        let model = dir.appendingPathComponent("out/model.json").path
        let examples = dir.appendingPathComponent("out/explain.csv").path
        let run = try CLIRunner.run(["train", "--data", data, "--hidden", "8", "--epochs", "40", "--lr", "0.01",
                                     "--out", model, "--explain-csv", examples])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("test accuracy: 1.0000 (12 held-out rows)"), "\(run.stdout)")
        let file = try ModelFile.load(path: model)
        #expect(file.model.name == "toy-mlp")
        #expect(file.model.featureNames == ["x1", "x2", "x3"] && file.model.outputNames == ["yes", "no"])
        #expect(file.model.layers.map(\.type) == ["standardize", "dense", "relu", "dense", "softmax"])
        let background = try #require(file.background)
        #expect(background.rows.batchSize == 48 && background.rows.sampleCount == 3)
        let stats = try #require(file.featureStats)
        #expect(stats.count == 3 && stats.quartiles.allSatisfy { $0.count == 3 })
        // The standardize layer is fitted on the training split, like feature_stats.
        let standardize = try #require(file.model.layers.first as? Standardize)
        for j in 0..<3 { #expect(abs(Double(standardize.mean[j]) - stats.mean[j]) < 1e-5) }
        let historyBytes = try Data(contentsOf: URL(fileURLWithPath: dir.appendingPathComponent("out/model.history.json").path))
        let history = try JSONDecoder().decode(TrainingHistory.self, from: historyBytes)
        #expect(history.testAccuracy == 1 && history.seed == 0 && !history.epochs.isEmpty)
        let report = try Data(contentsOf: URL(fileURLWithPath: dir.appendingPathComponent("out/model.training.pdf").path))
        #expect(report.starts(with: Array("%PDF".utf8)))
        #expect(history.epochs.allSatisfy { $0.layers.count == 5 })
        let table = try CSVTable(contentsOf: examples)
        #expect(table.header == ["x1", "x2", "x3", "label"] && table.rowCount == 5)
        #expect(Set(try table.stringColumn("label")) == ["yes", "no"])
        // Without a terminal, progress comes as occasional lines on stderr.
        #expect(run.stderr.contains("epoch 40/40"))
    }

    @Test("a constant column is named in one warning, and training goes on")
    func constantColumnWarning() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let text = Self.separableCSV().split(separator: "\n").enumerated().map { i, line in
            i == 0 ? "\(line),flat" : "\(line),7"
        }.joined(separator: "\n") + "\n"
        let data = try write(text, "flat.csv", in: dir)
        let out = try CLIRunner.run(["train", "--data", data, "--label", "label", "--out", dir.appendingPathComponent("m.json").path,
                                     "--epochs", "5"])
        #expect(out.status == 0, "\(out.stderr)")
        let warnings = out.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings.count == 1 && warnings[0].contains("1 constant column") && warnings[0].hasSuffix("flat"), "\(out.stderr)")
    }

    @Test("the same seed gives the same files byte for byte; another seed gives other weights")
    func determinism() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let data = try write(Self.separableCSV(), "toy.csv", in: dir)
        func train(_ seed: Int, _ name: String) throws -> (model: Data, history: Data) {
            let path = dir.appendingPathComponent("\(name).json").path
            let run = try CLIRunner.run(["train", "--data", data, "--hidden", "6,6", "--epochs", "15", "--dropout", "0.2",
                                         "--seed", String(seed), "--out", path, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            return (try Data(contentsOf: URL(fileURLWithPath: path)),
                    try Data(contentsOf: URL(fileURLWithPath: dir.appendingPathComponent("\(name).history.json").path)))
        }
        let a = try train(3, "a"), b = try train(3, "b"), c = try train(4, "c")
        #expect(a.model == b.model && a.history == b.history)
        #expect(a.model != c.model)
    }

    @Test("an image shape builds a CNN over the columns")
    func convolutional() throws {
        let dir = try CLIRunner.temporaryDirectory()
        var rng = SplitMix64(seed: 2)
        var text = (0..<16).map { "px\($0)" }.joined(separator: ",") + ",label\n"
        for r in 0..<24 {
            // Class "v": a vertical bar in column 1; class "h": a horizontal bar in row 1.
            let pixels = (0..<16).map { i -> Double in
                let bar = r % 2 == 0 ? i % 4 == 1 : i / 4 == 1
                return (bar ? 10 : 0) + rng.nextUniform()
            }
            text += pixels.map { String(format: "%.3f", $0) }.joined(separator: ",") + (r % 2 == 0 ? ",v\n" : ",h\n")
        }
        let data = try write(text, "bars.csv", in: dir)
        let model = dir.appendingPathComponent("cnn.json").path
        let run = try CLIRunner.run(["train", "--data", data, "--image", "1x4x4", "--channels", "4", "--hidden", "",
                                     "--epochs", "30", "--lr", "0.02", "--out", model, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let file = try ModelFile.load(path: model)
        #expect(file.model.name == "bars-cnn" && file.model.inputShape == [1, 4, 4])
        #expect(file.model.layers.map(\.type) == ["standardize", "conv2d", "relu", "maxpool2d", "flatten", "dense", "softmax"])
        #expect(run.stdout.contains("test accuracy: 1.0000"), "\(run.stdout)")
    }

    @Test("numeric labels become output names in numeric order, and the example rows cover several classes")
    func numericLabels() throws {
        let dir = try CLIRunner.temporaryDirectory()
        var text = "a,b,label\n"
        for r in 0..<30 {
            let c = [10, 9, 2][r % 3]
            text += "\(Double(c) + Double(r % 5) * 0.1),\(Double(r % 7) * 0.01),\(c)\n"
        }
        let data = try write(text, "numbers.csv", in: dir)
        let model = dir.appendingPathComponent("m.json").path, examples = dir.appendingPathComponent("e.csv").path
        let run = try CLIRunner.run(["train", "--data", data, "--hidden", "4", "--epochs", "5", "--out", model,
                                     "--explain-csv", examples, "--explain-rows", "3", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try ModelFile.load(path: model).model.outputNames == ["2", "9", "10"])
        #expect(Set(try CSVTable(contentsOf: examples).stringColumn("label")) == ["2", "9", "10"])
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var csv: String
        var arguments: [String]
        var expected: String
        var status: Int32
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "missing label column", csv: "a,b\n1,2\n3,4\n", arguments: [], expected: "no label column \"label\"", status: 1),
        BadCase(name: "single class", csv: "a,label\n1,x\n2,x\n3,x\n", arguments: [], expected: "single class", status: 1),
        BadCase(name: "non-numeric cell", csv: "a,label\n1,x\n2,y\nfoo,x\n4,y\n", arguments: [], expected: "bad.csv:4 (a)", status: 1),
        BadCase(name: "fewer rows than classes need", csv: "a,label\n1,x\n2,y\n3,z\n", arguments: [], expected: "3 rows for 3 classes", status: 1),
        BadCase(name: "a class with one row", csv: "a,label\n1,x\n2,x\n3,y\n4,y\n5,z\n6,x\n", arguments: [], expected: "class \"z\" has 1 row", status: 1),
        BadCase(name: "empty label", csv: "a,label\n1,x\n2,\n3,y\n4,y\n", arguments: [], expected: "bad.csv:3 (label)", status: 1),
        BadCase(name: "image shape that does not fit", csv: "a,b,label\n1,2,x\n2,3,y\n3,4,x\n4,5,y\n", arguments: ["--image", "1x3x3"], expected: "1x3x3", status: 1),
        BadCase(name: "zero epochs", csv: "a,label\n1,x\n", arguments: ["--epochs", "0"], expected: "--epochs", status: 64),
        BadCase(name: "unknown optimizer", csv: "a,label\n1,x\n", arguments: ["--optimizer", "rmsprop"], expected: "rmsprop", status: 64),
        BadCase(name: "bad hidden sizes", csv: "a,label\n1,x\n", arguments: ["--hidden", "16,-2"], expected: "--hidden", status: 64),
        BadCase(name: "a zero in the image shape is echoed as typed", csv: "a,b,label\n1,2,x\n2,3,y\n3,4,x\n4,5,y\n",
                arguments: ["--image", "0x2x2"], expected: "--image: expected a positive integer, got 0 in \"0x2x2\"", status: 64),
        BadCase(name: "a negative hidden width is read as the value, not as a flag", csv: "a,b,label\n1,2,x\n2,3,y\n3,4,x\n4,5,y\n",
                arguments: ["--hidden", "-3"], expected: "--hidden: expected a positive integer, got -3", status: 64),
        BadCase(name: "a negative epoch count", csv: "a,b,label\n1,2,x\n2,3,y\n3,4,x\n4,5,y\n",
                arguments: ["--epochs", "-3"], expected: "--epochs: expected a positive integer, got -3", status: 64),
        BadCase(name: "every feature column constant", csv: "a,b,label\n1,2,x\n1,2,y\n1,2,x\n1,2,y\n",
                arguments: [], expected: "every feature column is constant", status: 1),
        BadCase(name: "image shape whose size overflows", csv: "a,b,label\n1,2,x\n2,3,y\n3,4,x\n4,5,y\n",
                arguments: ["--image", "100000000000x100000000000x100000"], expected: "has more than 16777216 values", status: 1),
        BadCase(name: "hidden layers too wide to hold", csv: "a,label\n1,x\n2,y\n3,x\n4,y\n", arguments: ["--hidden", "100000,100000"],
                expected: "hidden: the network would have more than 67108864 parameters", status: 1),
        BadCase(name: "too many channels to hold", csv: "a,b,c,d,label\n1,2,3,4,x\n2,3,4,5,y\n3,4,5,6,x\n4,5,6,7,y\n",
                arguments: ["--image", "1x2x2", "--channels", "1000000000"],
                expected: "channels: the network would have more than 67108864 parameters", status: 1),
        BadCase(name: "test fraction of 1", csv: "a,label\n1,x\n", arguments: ["--test-fraction", "1"], expected: "--test-fraction", status: 64),
    ]

    @Test("bad data or flags give a non-zero exit, one error line, and no files", arguments: badCases)
    func badInput(_ bad: BadCase) throws {
        let dir = try CLIRunner.temporaryDirectory()
        let data = try write(bad.csv, "bad.csv", in: dir)
        let model = dir.appendingPathComponent("m.json").path
        let run = try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--out", model] + bad.arguments)
        #expect(run.status == bad.status, "\(run.stderr)")
        #expect(run.stderr.contains(bad.expected), "\(run.stderr)")
        if bad.status == 1 {
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("Error: ") == true, "\(run.stderr)")
        }
        #expect(CLIRunner.files(in: dir) == ["bad.csv"])
    }
}
