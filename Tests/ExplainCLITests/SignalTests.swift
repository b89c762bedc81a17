import ExplainKit
import Foundation
import Testing
import TestSupport

/// Every signal that ends the process by default is handled like Ctrl-C, even while the final output is written, and
/// temporary files that a killed run left behind are cleaned up by the next run in the same folder.
@Suite("Signals and stale temporary files")
struct SignalTests {
    /// A CSV of `rows` iris-like rows, so that `--method predict` writes a JSON of tens of megabytes.
    static func largeInput(rows: Int) throws -> String {
        let dir = try CLIRunner.temporaryDirectory()
        var text = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n"
        text.reserveCapacity(rows * 20)
        for i in 0..<rows { text += "5.\(i % 10),3.\(i % 7),1.\(i % 5),0.\(i % 3)\n" }
        let path = dir.appendingPathComponent("large.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2, SIGINT and SIGTERM during the final JSON write exit 128 + n and leave nothing",
          arguments: [SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2, SIGINT, SIGTERM])
    func signalDuringWrite(signal: Int32) throws {
        let input = try Self.largeInput(rows: 60_000)
        let dir = try CLIRunner.temporaryDirectory()
        let model = CLIRunner.packageRoot.appendingPathComponent("samples/iris/model.json").path
        let outcome = try CLIRunner.signal(["--model", model, "--input", input, "--method", "predict", "--rows", "0-59999",
                                            "--quiet", "--json", dir.appendingPathComponent("p.json").path], signal) {
            CLIRunner.files(in: dir).contains { $0.hasSuffix(".tmp") }
        }
        #expect(outcome.wasRunning, "the run finished before its temporary JSON was seen")
        #expect(outcome.exitedNormally && outcome.status == 128 + signal, "status \(outcome.status)")
        #expect(CLIRunner.files(in: dir).isEmpty, "\(CLIRunner.files(in: dir))")
    }

    @Test("a run removes the temporary files of dead runs in its output folder, and keeps those of live ones and look-alikes")
    func staleTemporaryFiles() throws {
        let dir = try CLIRunner.temporaryDirectory()
        // A process that has exited: its pid is dead (and not reused within this test, in practice).
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier
        let live = ProcessInfo.processInfo.processIdentifier
        let stale = ".r.json.\(dead)-1a2b3c.tmp", alive = ".r.json.\(live)-ff.tmp"
        let lookAlikes = ["r.json.\(dead)-1a2b.tmp", ".r.json.\(dead)-xyz.tmp", ".r.json.\(dead).tmp", "notes.tmp"]
        for name in [stale, alive] + lookAlikes { try Data("x".utf8).write(to: dir.appendingPathComponent(name)) }
        #expect(StaleTemporaryFiles.processID(inName: stale) == dead)
        #expect(lookAlikes.allSatisfy { StaleTemporaryFiles.processID(inName: $0) == nil })
        let model = CLIRunner.packageRoot.appendingPathComponent("samples/iris/model.json").path
        let input = CLIRunner.packageRoot.appendingPathComponent("samples/iris/explain.csv").path
        let out = try CLIRunner.run(["--model", model, "--input", input, "--method", "predict", "--quiet",
                                     "--json", dir.appendingPathComponent("r.json").path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(CLIRunner.files(in: dir) == ([alive, "r.json"] + lookAlikes).sorted())
    }
}
