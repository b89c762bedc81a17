import ExplainKit
import Foundation
import Testing
import TestSupport

/// Text from user files never reaches the terminal raw: control bytes in errors and notes are escaped as `\xNN`.
@Suite("Hostile text in errors and notes")
struct HostileTextTests {
    static let escape = "\u{1B}"

    static func expectClean(_ out: CLIRunner.Outcome, shows fragment: String) {
        let bytes = Array(out.stderr.utf8)
        #expect(!bytes.contains(0x1B) && !bytes.contains(0x07) && !bytes.contains(0x00), "raw control byte in \(out.stderr.debugDescription)")
        #expect(out.stderr.contains(fragment), "\(out.stderr.debugDescription)")
        #expect(out.stderr.split(separator: "\n").allSatisfy { !$0.isEmpty })
    }

    @Test("ANSI and OSC escapes and NUL in CSV cells and headers are escaped in the error and in the ignored-column note",
          arguments: ["\u{1B}[31mred", "\u{1B}]0;owned\u{7}", "nul\u{0}byte", "c1\u{9B}2J"])
    func csvCells(payload: String) throws {
        let fixture = try CLIFixtures.make()
        let shown = Echo.escapingControls(payload)
        // A hostile extra column: the run succeeds and its note is escaped.
        let header = try fixture.write("header.csv", "gamma,\(payload),alpha,beta\n3.5,1,1.2,2.1\n")
        let noted = try CLIRunner.run(["--model", fixture.modelPath, "--input", header, "--method", "gradient",
                                       "--json", fixture.directory.appendingPathComponent("n.json").path,
                                       "--out", fixture.directory.appendingPathComponent("n.pdf").path])
        #expect(noted.status == 0, "\(noted.stderr)")
        Self.expectClean(noted, shows: shown)
        // A hostile cell in a feature column: one error line, escaped.
        let cell = try fixture.write("cell.csv", "gamma,alpha,beta\n3.5,\(payload),2.1\n")
        let failed = try CLIRunner.run(["--model", fixture.modelPath, "--input", cell, "--method", "gradient",
                                        "--json", fixture.directory.appendingPathComponent("f.json").path])
        #expect(failed.status == 1)
        Self.expectClean(failed, shows: shown)
        #expect(failed.stderr.split(separator: "\n").count == 1)
    }

    @Test("a model name with terminal escapes is escaped where an error names it")
    func modelName() throws {
        let fixture = try CLIFixtures.make()
        let file = try ModelFile.load(path: fixture.modelPath)
        let named = try Model(name: "evil\u{1B}[2J\u{1B}[Hname", inputShape: [3], featureNames: file.model.featureNames,
                              outputNames: file.model.outputNames, layers: Array(file.model.layers.dropLast()))
        let path = fixture.directory.appendingPathComponent("named.json").path
        try ModelFile(model: named).save(to: path)
        let out = try CLIRunner.run(["--model", path, "--input", fixture.inputPath, "--logits"])
        #expect(out.status == 1)
        Self.expectClean(out, shows: "evil\\x1b[2J\\x1b[Hname")
    }
}
