import Foundation
import Testing
import TestSupport

/// A failed or interrupted run leaves no new output files, not even some of them, and no new directories.
@Suite("explain: all outputs or none")
struct AllOrNothingOutputTests {
    /// Every entry under `directory`, directories included, relative and sorted.
    static func entries(_ directory: URL) -> [String] {
        (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).sorted()
    }

    func trainData(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("d.csv").path
        try Data(TrainCommandTests.separableCSV().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("train checks every output path before training: a file as --explain-csv's directory, a directory as the history or the report",
          arguments: ["regfile/x.csv", "m.history.json/", "m.training.pdf/"])
    func trainPreflight(_ obstacle: String) throws {
        let dir = try CLIRunner.temporaryDirectory()
        _ = try trainData(in: dir)
        var arguments = ["train", "--data", "d.csv", "--epochs", "30", "--log-every", "1", "--out", "m.json"]
        if obstacle.hasSuffix("/") {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(obstacle), withIntermediateDirectories: false)
        } else {
            try Data("keep".utf8).write(to: dir.appendingPathComponent("regfile"))
            arguments += ["--explain-csv", obstacle]
        }
        let before = Self.entries(dir)
        let run = try CLIRunner.run(arguments, in: dir)
        #expect(run.status == 1, "\(run.stderr)")
        let name = obstacle.hasSuffix("/") ? String(obstacle.dropLast()) : obstacle
        #expect(run.stderr.hasPrefix("Error: \(name): "), "\(run.stderr)")
        #expect(!run.stderr.contains("epoch"), "trained before checking: \(run.stderr)")
        #expect(Self.entries(dir) == before)
    }

    @Test("a write that fails after the work leaves none of the outputs: train's --explain-csv, run's --json on a full device",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")), arguments: [true, false])
    func failedWrite(train: Bool) throws {
        let f = try CLIFixtures.make()
        let dir = f.directory
        _ = try trainData(in: dir)
        #expect(symlink("/dev/full", dir.appendingPathComponent("full").path) == 0)
        let arguments = train
            ? ["train", "--data", "d.csv", "--epochs", "3", "--quiet", "--out", "out/m.json", "--explain-csv", "full"]
            : ["--model", "m.json", "--input", "x.csv", "--method", "gradient", "--quiet",
               "--out", "out/r.pdf", "--png", "out/pngs", "--json", "full"]
        let before = Self.entries(dir)
        let run = try CLIRunner.run(arguments, in: dir)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "Error: full: write failed: No space left on device\n")
        #expect(Self.entries(dir) == before)
        #expect(FIFOReader.fileType(dir.appendingPathComponent("full").path) == S_IFLNK)
    }

    @Test("a --json that cannot be written is found before the work, and --png leaves no empty directory")
    func runPreflight() throws {
        let f = try CLIFixtures.make()
        _ = try f.write("regfile", "keep")
        let before = Self.entries(f.directory)
        let run = try CLIRunner.run(["--model", "m.json", "--input", "x.csv", "--method", "gradient", "--quiet",
                                     "--out", "r.pdf", "--png", "pngs", "--json", "regfile/x.json"], in: f.directory)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "Error: regfile/x.json: regfile exists and is not a directory\n")
        #expect(Self.entries(f.directory) == before)
    }

    @Test("SIGINT during PNG export exits 130 and leaves no PDF, no pages, no JSON and no new directory")
    func interruptedExport() throws {
        let root = CLIRunner.packageRoot.appendingPathComponent("samples/digits")
        let dirs = try (0..<4).map { _ in try CLIRunner.temporaryDirectory() }
        // Attribution takes a fraction of a second; rasterising some thirty PNG pages takes seconds.
        let outcomes = try CLIRunner.interrupt(dirs.map { dir in
            ["--model", root.appendingPathComponent("model.json").path,
             "--input", root.appendingPathComponent("digits.csv").path, "--method", "gradient",
             "--rows", "0-99", "--max-pages", "10", "--quiet",
             "--out", dir.appendingPathComponent("r.pdf").path, "--png", dir.appendingPathComponent("deep/pngs").path,
             "--json", dir.appendingPathComponent("r.json").path]
        }, delay: 1_500_000, gap: 400_000)
        for (outcome, dir) in zip(outcomes, dirs) {
            #expect(outcome.wasRunning, "the job finished before it could be interrupted")
            #expect(outcome.exitedNormally && outcome.status == 130, "status \(outcome.status)")
            #expect(Self.entries(dir).isEmpty, "\(Self.entries(dir))")
        }
    }
}
