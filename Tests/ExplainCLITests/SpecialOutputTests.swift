import ExplainKit
import Foundation
import Testing
import TestSupport

/// Outputs that are FIFOs or symbolic links. The real /dev/null is never used: a run that renamed over it broke the
/// machine once. A FIFO takes the same path through the code (a non-regular file, written in place).
@Suite("explain: outputs that are FIFOs or symbolic links")
struct SpecialOutputTests {
    @Test("--json and --out into FIFOs: written in place, the FIFOs stay, nothing else is created")
    func fifos() throws {
        let f = try CLIFixtures.make()
        let json = try FIFOReader(creatingAt: f.directory.appendingPathComponent("json.fifo").path)
        let pdf = try FIFOReader(creatingAt: f.directory.appendingPathComponent("pdf.fifo").path)
        let before = try FileManager.default.contentsOfDirectory(atPath: f.directory.path).sorted()
        let out = try CLIRunner.run(["--model", f.modelPath, "--input", f.inputPath, "--method", "gradient", "--quiet",
                                     "--json", "json.fifo", "--out", "pdf.fifo"], in: f.directory)
        #expect(out.status == 0, "\(out.stderr)")
        let docs = try AttributionJSON.decode(json.wait(), file: "json.fifo")
        #expect(docs.first?.explanations.count == 4)
        #expect(pdf.wait().starts(with: Array("%PDF".utf8)))
        for name in ["json.fifo", "pdf.fifo"] {
            #expect(FIFOReader.fileType(f.directory.appendingPathComponent(name).path) == S_IFIFO)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory.path).sorted() == before)
    }

    @Test("--json through a symbolic link (dangling or not) updates the target; the link stays a link")
    func links() throws {
        let f = try CLIFixtures.make()
        let dir = f.directory.path
        #expect(symlink("real/a.json", dir + "/dangling.json") == 0)
        _ = try f.write("b.json", "old")
        #expect(symlink(dir + "/b.json", dir + "/existing.json") == 0)
        for link in ["dangling.json", "existing.json"] {
            let out = try CLIRunner.run(["--model", f.modelPath, "--input", f.inputPath, "--method", "predict",
                                         "--quiet", "--json", link], in: f.directory)
            #expect(out.status == 0, "\(out.stderr)")
            #expect(FIFOReader.fileType(dir + "/" + link) == S_IFLNK)
        }
        for target in ["real/a.json", "b.json"] {
            let bytes = try AtomicFile.read(dir + "/" + target)
            #expect(try AttributionJSON.decode(bytes, file: target).first?.method == "predict")
        }
    }
}
