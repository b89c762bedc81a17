import ExplainKit
import Foundation
import Testing
import TestSupport

/// Reports are byte-reproducible under `SOURCE_DATE_EPOCH`, and otherwise stamp the run's own date into the PDF.
@Suite("Reproducible reports")
struct ReproducibleReportTests {
    static func report(_ environment: [String: String]) throws -> (pdf: [UInt8], pages: [[UInt8]]) {
        let dir = try CLIRunner.temporaryDirectory()
        let root = CLIRunner.packageRoot.appendingPathComponent("samples/iris")
        let out = try CLIRunner.run(["--model", root.appendingPathComponent("model.json").path,
                                     "--input", root.appendingPathComponent("explain.csv").path,
                                     "--method", "integrated-gradients", "--rows", "0-1", "--quiet",
                                     "--out", dir.appendingPathComponent("r.pdf").path,
                                     "--png", dir.appendingPathComponent("pages").path], environment: environment)
        #expect(out.status == 0, "\(out.stderr)")
        let pdf = try AtomicFile.read(dir.appendingPathComponent("r.pdf").path)
        let pages = try CLIRunner.files(in: dir.appendingPathComponent("pages")).map {
            try AtomicFile.read(dir.appendingPathComponent("pages/\($0)").path)
        }
        return (pdf, pages)
    }

    static func creationDate(_ pdf: [UInt8]) -> String? {
        let text = String(decoding: pdf, as: UTF8.self)
        return text.firstMatch(of: /\/CreationDate \((?:D:)?(\d{14})/).map { String($0.1) }
    }

    static func modificationDate(_ pdf: [UInt8]) -> String? {
        let text = String(decoding: pdf, as: UTF8.self)
        return text.firstMatch(of: /\/ModDate \((?:D:)?(\d{14})/).map { String($0.1) }
    }

    @Test("with SOURCE_DATE_EPOCH two runs give identical PDF and PNG bytes, dated that instant")
    func identicalBytes() throws {
        let environment = ["SOURCE_DATE_EPOCH": "1700000000"]   // 2023-11-14T22:13:20Z
        let first = try Self.report(environment), second = try Self.report(environment)
        let samePDF = first.pdf == second.pdf, samePages = !first.pages.isEmpty && first.pages == second.pages
        #expect(samePDF)
        #expect(samePages)
        let created = Self.creationDate(first.pdf), modified = Self.modificationDate(first.pdf)
        #expect(created == "20231114221320" && modified == "20231114221320")
    }

    @Test("without it the PDF's creation date is the run's own date, the one its pages show")
    func runDate() throws {
        let before = Date()
        let report = try Self.report([:])
        let created = Self.creationDate(report.pdf)
        let stamp = try #require(created)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMddHHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = try #require(formatter.date(from: stamp))
        #expect(date.timeIntervalSince(before) > -2 && date.timeIntervalSinceNow < 2)
    }
}
