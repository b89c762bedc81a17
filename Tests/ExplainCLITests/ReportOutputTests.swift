@testable import ExplainCLI
import ExplainKit
import Foundation
import Testing
import TestSupport

/// Where `explain` puts its report by default, and what `--png` leaves in its directory.
@Suite("explain: report names and PNG pages")
struct ReportOutputTests {
    /// The `page-NNN.png` files and every other entry of `directory`, sorted.
    static func entries(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test("two samples' default reports in one folder do not overwrite each other: the name carries the model's name")
    func defaultNamesDoNotCollide() throws {
        let dir = try CLIRunner.temporaryDirectory()
        var written: [String: [UInt8]] = [:]
        for sample in ["iris", "wine"] {
            let run = try CLIRunner.run(["--model", EndToEndTests.samplePath(sample, "model.json"),
                                         "--input", EndToEndTests.samplePath(sample, "explain.csv"),
                                         "--method", "gradient", "--rows", "0"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            let path = "reports/\(sample)-mlp-explain-gradient.pdf"
            #expect(run.stderr.contains("report: \(path) ("), "\(run.stderr)")
            written[path] = try AtomicFile.read(dir.appendingPathComponent(path).path)
        }
        #expect(Self.entries(dir.appendingPathComponent("reports")) == ["iris-mlp-explain-gradient.pdf",
                                                                         "wine-mlp-explain-gradient.pdf"])
        // The first report is still the first run's: the second did not replace it.
        for (path, bytes) in written {
            #expect(try AtomicFile.read(dir.appendingPathComponent(path).path) == bytes)
            #expect(bytes.starts(with: Array("%PDF".utf8)))
        }
    }

    @Test("--no-report writes the JSON and no PDF, and is refused with --out or --png")
    func noReport() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let common = ["--model", EndToEndTests.samplePath("iris", "model.json"),
                      "--input", EndToEndTests.samplePath("iris", "explain.csv"), "--method", "gradient", "--rows", "0"]
        let run = try CLIRunner.run(common + ["--no-report", "--json", "out.json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("report:"), "\(run.stderr)")
        #expect(Self.entries(dir) == ["out.json"])
        let withReport = try CLIRunner.run(common + ["--json", "with.json", "--out", "with.pdf"], in: dir)
        #expect(withReport.status == 0, "\(withReport.stderr)")
        // The JSON does not depend on whether a report was rendered.
        #expect(try AtomicFile.read(dir.appendingPathComponent("out.json").path)
                == AtomicFile.read(dir.appendingPathComponent("with.json").path))
        for flag in [["--out", "r.pdf"], ["--png", "pages"]] {
            let refused = try CLIRunner.run(common + ["--no-report", "--json", "x.json"] + flag, in: dir)
            #expect(refused.status == 64, "\(refused.stderr)")
            #expect(refused.stderr.contains("--no-report writes no report, so \(flag[0]) has nothing to write"), "\(refused.stderr)")
        }
        #expect(Self.entries(dir) == ["out.json", "with.json", "with.pdf"])
    }

    @Test("the model's name becomes one safe file-name component")
    func fileNameComponent() {
        #expect(RunCommand.fileNameComponent("breast_cancer-mlp") == "breast_cancer-mlp")
        #expect(RunCommand.fileNameComponent("../../etc/passwd") == "_.._etc_passwd")
        #expect(RunCommand.fileNameComponent("my model (v2)") == "my_model_v2_")
        #expect(RunCommand.fileNameComponent("Modèle ünïcode") == "Mod_le_n_code")
        #expect(RunCommand.fileNameComponent("") == "model")
        #expect(RunCommand.fileNameComponent("///") == "model")
        #expect(RunCommand.fileNameComponent(String(repeating: "a", count: 300)).count == 80)
    }

    @Test("a default report that would overwrite --json is refused after the model is read, before any work")
    func defaultReportClash() throws {
        let f = try CLIFixtures.make()
        let before = try OutputClashTests.snapshot(f.directory)
        let run = try CLIRunner.run(["--model", "m.json", "--input", "x.csv", "--method", "gradient",
                                     "--json", "reports/fixture-x-gradient.pdf"], in: f.directory)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("Error: --json: same file as --out (reports/fixture-x-gradient.pdf)"), "\(run.stderr)")
        #expect(!run.stderr.contains("row 0"), "worked before the check: \(run.stderr)")
        #expect(try OutputClashTests.snapshot(f.directory) == before)
    }

    @Test("--png removes the stale pages of an earlier, longer report and nothing else")
    func stalePagesRemoved() throws {
        let f = try CLIFixtures.make()
        let pages = f.directory.appendingPathComponent("pages")
        let base = ["--model", "m.json", "--input", "x.csv", "--method", "gradient", "--quiet", "--out", "r.pdf",
                    "--png", "pages"]
        #expect(try CLIRunner.run(base + ["--rows", "0-3"], in: f.directory).status == 0)
        let long = Self.entries(pages)
        // Files that are not our pages stay: other names, other digit counts, a directory named like a page.
        for name in ["notes.txt", "page-1.png", "page-abc.png", "page-007.jpg"] {
            try Data("keep".utf8).write(to: pages.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: pages.appendingPathComponent("page-500.png"),
                                                withIntermediateDirectories: false)
        try Data("old".utf8).write(to: pages.appendingPathComponent("page-0099.png"))
        let run = try CLIRunner.run(base + ["--rows", "0"], in: f.directory)
        #expect(run.status == 0, "\(run.stderr)")
        let short = Self.entries(pages).filter { ReportWriter.isPageFileName($0) && $0 != "page-500.png" }
        #expect(short.count < long.filter { ReportWriter.isPageFileName($0) }.count)
        #expect(short == (1...short.count).map { String(format: "page-%03d.png", $0) })
        for name in ["notes.txt", "page-1.png", "page-abc.png", "page-007.jpg", "page-500.png"] {
            #expect(FileManager.default.fileExists(atPath: pages.appendingPathComponent(name).path), "\(name) removed")
        }
        #expect(!Self.entries(pages).contains { $0.hasSuffix(".removed") || $0.hasSuffix(".tmp") })
    }

    @Test("a run that fails after rendering keeps the stale pages: they go only with a successful commit",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func stalePagesKeptOnFailure() throws {
        let f = try CLIFixtures.make()
        let pages = f.directory.appendingPathComponent("pages")
        let base = ["--model", "m.json", "--input", "x.csv", "--method", "gradient", "--quiet", "--out", "r.pdf",
                    "--png", "pages"]
        #expect(try CLIRunner.run(base + ["--rows", "0-3"], in: f.directory).status == 0)
        try Data("stale".utf8).write(to: pages.appendingPathComponent("page-099.png"))
        #expect(symlink("/dev/full", f.directory.appendingPathComponent("full").path) == 0)
        let before = try OutputClashTests.snapshot(pages)
        let run = try CLIRunner.run(base + ["--rows", "0", "--json", "full"], in: f.directory)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(try OutputClashTests.snapshot(pages) == before)
    }
}
