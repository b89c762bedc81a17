import Foundation
import Testing
import TestSupport

@Suite("explain: outputs that clash with each other or with inputs")
struct OutputClashTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var expected: String
        var testDescription: String { name }
    }

    static let run = ["--model", "m.json", "--input", "x.csv", "--quiet"]
    static let train = ["train", "--data", "d.csv", "--epochs", "2", "--quiet"]

    static let cases: [Case] = [
        Case(name: "--json and --out the same file", arguments: run + ["--json", "same.json", "--out", "same.json"],
             expected: "--json: same file as --out (same.json)"),
        Case(name: "--json over the model, spelt differently", arguments: run + ["--json", "./m.json"],
             expected: "--json: same file as --model (m.json)"),
        Case(name: "--out over the input CSV", arguments: run + ["--out", "x.csv"],
             expected: "--out: same file as --input (x.csv)"),
        Case(name: "--json through a link to the input", arguments: run + ["--json", "link.csv"],
             expected: "--json: same file as --input (x.csv)"),
        Case(name: "--json over the default report", arguments: run + ["--method", "gradient", "--json", "reports/fixture-x-gradient.pdf"],
             expected: "--json: same file as --out (reports/fixture-x-gradient.pdf)"),
        Case(name: "--json over the model's training history", arguments: run + ["--json", "m.history.json"],
             expected: "--json: same file as the training history of --model (m.history.json)"),
        Case(name: "--png the same path as --out", arguments: run + ["--out", "r.pdf", "--png", "r.pdf"],
             expected: "--png: same file as --out (r.pdf)"),
        Case(name: "--json among the PNG pages", arguments: run + ["--png", "pages", "--json", "pages/page-001.png"],
             expected: "--png: its PNG pages would overwrite --json (pages/page-001.png)"),
        Case(name: "train: --explain-csv and --out the same file", arguments: train + ["--out", "same.json", "--explain-csv", "same.json"],
             expected: "--explain-csv: same file as --out (same.json)"),
        Case(name: "train: --out over --data", arguments: train + ["--out", "d.csv"],
             expected: "--out: same file as --data (d.csv)"),
        Case(name: "train: --explain-csv over the history next to --out", arguments: train + ["--out", "t.json", "--explain-csv", "t.history.json"],
             expected: "--explain-csv: same file as --out's training history (t.history.json)"),
        Case(name: "train: --data is the report next to --out", arguments: ["train", "--data", "t.training.pdf", "--out", "t.json"],
             expected: "--out's training report: same file as --data (t.training.pdf)"),
    ]

    @Test("a clash is a usage error naming both flags, before any work; no file changes", arguments: cases)
    func clash(_ c: Case) throws {
        let f = try CLIFixtures.make()
        _ = try f.write("d.csv", TrainCommandTests.separableCSV())
        _ = try f.write("m.history.json", "{}")
        _ = try f.write("t.training.pdf", TrainCommandTests.separableCSV())
        #expect(symlink("x.csv", f.directory.appendingPathComponent("link.csv").path) == 0)
        let before = try Self.snapshot(f.directory)
        let out = try CLIRunner.run(c.arguments, in: f.directory)
        #expect(out.status == 64, "\(c.name): \(out.stderr)")
        #expect(out.stderr.contains("Error: \(c.expected)"), "\(c.name): \(out.stderr)")
        #expect(try Self.snapshot(f.directory) == before, "\(c.name) changed files")
    }

    /// Every regular file under `directory` with its contents.
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in CLIRunner.files(in: directory) {
            out[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return out
    }
}

extension OutputClashTests {
    /// A private null device (`mknod nulldev c 1 3`; glibc encodes small major and minor numbers as major << 8 | minor),
    /// where the system allows it; never the real /dev/null.
    static func makeNullDevice(at path: String) -> Bool {
        mknod(path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 && FileManager.default.isWritableFile(atPath: path)
    }

    @Test("one null device given for both outputs is no clash: devices are written in place, never replaced")
    func devicesDoNotClash() throws {
        let f = try CLIFixtures.make()
        let device = f.directory.appendingPathComponent("nulldev").path
        try #require(Self.makeNullDevice(at: device), "cannot make a device node here")
        let out = try CLIRunner.run(Self.run + ["--method", "gradient", "--json", "nulldev", "--out", "nulldev"], in: f.directory)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(FIFOReader.fileType(device) == S_IFCHR)
        #expect(CLIRunner.files(in: f.directory).sorted() == ["m.json", "nulldev", "x.csv"].sorted())
    }
}
