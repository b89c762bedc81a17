import Foundation
import Testing
import TestSupport

/// `/dev/full` accepts opens and fails every write with ENOSPC: a stand-in for a full disk or a broken stream.
private let hasDevFull = FileManager.default.fileExists(atPath: "/dev/full")

@Suite("stdout and stderr failures", .enabled(if: hasDevFull))
struct StandardStreamTests {
    /// Runs `explain` with stdout or stderr sent to `/dev/full`; returns the status and the other stream's text.
    static func run(_ arguments: [String], fullStream: Int32) throws -> (reason: Process.TerminationReason, status: Int32, text: String) {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let pipe = Pipe()
        process.standardOutput = fullStream == STDOUT_FILENO ? full : pipe
        process.standardError = fullStream == STDERR_FILENO ? full : pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("--json - into a full stdout: one error line naming -, exit 1, no trap")
    func jsonToFullStdout() throws {
        let f = try CLIFixtures.make()
        let out = try Self.run(["--model", f.modelPath, "--input", f.inputPath, "--method", "gradient", "--quiet",
                                "--out", f.directory.appendingPathComponent("r.pdf").path, "--json", "-"],
                               fullStream: STDOUT_FILENO)
        #expect(out.reason == .exit && out.status == 1, "\(out.status): \(out.text)")
        #expect(out.text == "Error: -: write failed: No space left on device\n")
    }

    @Test("a lost summary table or inspect listing exits 1", arguments: [["--method", "predict"], ["inspect"]])
    func summaryToFullStdout(_ extra: [String]) throws {
        let f = try CLIFixtures.make()
        let arguments = extra == ["inspect"] ? ["inspect", "--model", f.modelPath]
            : ["--model", f.modelPath, "--input", f.inputPath, "--json", f.directory.appendingPathComponent("p.json").path] + extra
        let out = try Self.run(arguments, fullStream: STDOUT_FILENO)
        #expect(out.reason == .exit && out.status == 1, "\(out.status): \(out.text)")
        #expect(out.text.contains("Error: stdout: write failed: No space left on device"), "\(out.text)")
    }

    @Test("an error that cannot be written to stderr still exits 1, quietly")
    func errorToFullStderr() throws {
        let f = try CLIFixtures.make()
        let out = try Self.run(["--model", f.modelPath, "--input", f.directory.appendingPathComponent("none.csv").path],
                               fullStream: STDERR_FILENO)
        #expect(out.reason == .exit && out.status == 1, "\(out.status)")
        #expect(out.text.isEmpty)
    }

    @Test("progress lines that cannot be written do not stop a run")
    func progressToFullStderr() throws {
        let f = try CLIFixtures.make()
        let json = f.directory.appendingPathComponent("r.json").path
        let out = try Self.run(["--model", f.modelPath, "--input", f.inputPath, "--method", "gradient",
                                "--out", f.directory.appendingPathComponent("r.pdf").path, "--json", json],
                               fullStream: STDERR_FILENO)
        #expect(out.reason == .exit && out.status == 0, "\(out.status)")
        #expect(out.text.contains("gradient:"))
        #expect(FileManager.default.fileExists(atPath: json))
    }
}
