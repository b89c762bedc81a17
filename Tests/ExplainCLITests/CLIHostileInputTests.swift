import ExplainKit
import Foundation
import Testing
import TestSupport

@Suite("CLI: oversized inputs")
struct CLIHostileInputTests {
    @Test("a CSV with 100000 extra columns gets a one-line note naming five of them")
    func manyIgnoredColumns() throws {
        let f = try CLIFixtures.make()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let extra = (0..<100_000).map { "c\($0)" }
        let header = (["alpha", "beta", "gamma"] + extra).joined(separator: ",")
        let row = (["1", "2", "3"] + Array(repeating: "0", count: extra.count)).joined(separator: ",")
        let input = try f.write("wide.csv", "\(header)\n\(row)\n")
        let out = try CLIRunner.run(["--model", f.modelPath, "--input", input, "--method", "predict"])
        #expect(out.status == 0, "\(out.stderr)")
        let notes = out.stderr.split(separator: "\n").filter { $0.hasPrefix("note:") }
        #expect(notes == ["note: \(input): ignoring columns c0, c1, c2, c3, c4 and 99995 more"])
    }

    @Test("an input CSV above the 4 GiB cap is one error line, read no further than its size")
    func oversizedCSV() throws {
        let f = try CLIFixtures.make()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let input = try f.write("huge.csv", "")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        try handle.truncate(atOffset: UInt64(CSVTable.maximumFileBytes) + 1)
        try handle.close()
        let out = try CLIRunner.run(["--model", f.modelPath, "--input", input, "--method", "predict"])
        #expect(out.status == 1)
        #expect(out.stderr == "Error: \(input): larger than 4294967296 bytes; CSV files are limited to 4 GiB\n")
    }
}
