import ExplainIO
import ExplainReport
import ExplainTensor
import Foundation
import Testing

@Suite("Report files")
struct ReportWriterTests {
    /// A fresh temporary directory.
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "explainkit-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func contents(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// Counts page objects (`/Type /Page`, not `/Pages`) in a PDF's bytes.
    func pdfPageCount(_ data: Data) -> Int {
        let text = String(decoding: data, as: UTF8.self)
        let pattern = try? NSRegularExpression(pattern: "/Type\\s*/Page(?![a-zA-Z])")
        return pattern?.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)) ?? -1
    }

    @Test("the PDF has one page per section requested, embedded fonts and the PDF signature")
    func pdf() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = ReportFixtures.tabular(explained: [0, 3, 7], methods: ["kernelshap", "gradient"])
        let path = dir + "/report.pdf"
        let written = try ReportWriter.writePDF(input, to: path, maxPages: 2)
        // title + 2 summaries + 2 rows + 2 activation pages + 2 training pages.
        #expect(written == 9)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.starts(with: Array("%PDF-".utf8)))
        #expect(pdfPageCount(data) == 9)
        #expect(String(decoding: data, as: UTF8.self).contains("DejaVuSans"))
        #expect(String(decoding: data, as: UTF8.self).contains("/FontFile2"))
        #expect(contents(dir) == ["report.pdf"])
    }

    @Test("a training report is a title page plus the training pages")
    func trainingReport() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = TrainingReport(modelName: "m", architecture: [], history: ReportFixtures.history(), date: "d")
        #expect(try report.writePDF(to: dir + "/t.pdf") == 3)
        #expect(pdfPageCount(try Data(contentsOf: URL(fileURLWithPath: dir + "/t.pdf"))) == 3)
    }

    @Test("PNG pages carry the PNG signature and the pixel size of an A4 landscape page at the DPI")
    func png() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = ReportFixtures.digits()
        let paths = try ReportWriter.writePNGs(input, directory: dir + "/pages", dpi: 50)
        let expected = try ReportDocument.pages(for: input, maxPages: nil, measure: CairoTextMeasurer()).count
        #expect(paths.count == expected)
        #expect(paths.first?.hasSuffix("/pages/page-001.png") == true)
        for path in paths {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            func be32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
            #expect(be32(16) == Int((841.89 * 50 / 72).rounded()))
            #expect(be32(20) == Int((595.28 * 50 / 72).rounded()))
        }
        #expect(CairoCanvas.pixelSize(of: .a4Landscape, dpi: 144) == (1684, 1191))
    }

    @Test("failed writes leave no partial file: a file as parent directory, a directory as path, a file as PNG directory")
    func failedWrites() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = ReportFixtures.digits()
        _ = FileManager.default.createFile(atPath: dir + "/file", contents: Data("keep".utf8))
        #expect { try ReportWriter.writePDF(input, to: dir + "/file/sub/report.pdf") } throws: {
            ($0 as? ExplainError)?.code == .io
        }
        try FileManager.default.createDirectory(atPath: dir + "/taken.pdf", withIntermediateDirectories: false)
        #expect { try ReportWriter.writePDF(input, to: dir + "/taken.pdf") } throws: {
            ($0 as? ExplainError)?.code == .io
        }
        #expect(contents(dir + "/taken.pdf").isEmpty)
        #expect(throws: ExplainError.self) { try ReportWriter.writePNGs(input, directory: dir + "/file", dpi: 30) }
        #expect(contents(dir) == ["file", "taken.pdf"])
        #expect(try String(contentsOfFile: dir + "/file", encoding: .utf8) == "keep")
    }

    @Test("missing parent directories of a PDF are created")
    func createsParents() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pages = try ReportWriter.writePDF(ReportFixtures.digits(), to: dir + "/a/b/report.pdf")
        #expect(pages > 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/a/b/report.pdf"))
    }

    @Test("an invalid report leaves an existing file untouched")
    func existingFileKept() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/report.pdf"
        _ = FileManager.default.createFile(atPath: path, contents: Data("old".utf8))
        var input = ReportFixtures.tabular()
        input.featureNames.removeLast()
        #expect(throws: ExplainError.self) { try ReportWriter.writePDF(input, to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(contents(dir) == ["report.pdf"])
    }

    @Test("an atomic file appears only on commit and vanishes on abort")
    func atomicFile() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/x.bin"
        do {
            let file = try AtomicFileWriter(path: path)
            _ = [UInt8](repeating: 7, count: 10).withUnsafeBytes { file.write($0) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(contents(dir).isEmpty)
        let file = try AtomicFileWriter(path: path)
        _ = [UInt8](repeating: 7, count: 10).withUnsafeBytes { file.write($0) }
        try file.commit()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(repeating: 7, count: 10))
        #expect(contents(dir) == ["x.bin"])
    }
}
