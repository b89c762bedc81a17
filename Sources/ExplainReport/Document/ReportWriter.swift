import ExplainIO
import ExplainTensor
import Foundation

/// Writes reports: one vector PDF with embedded fonts, or one PNG per page.
///
/// Every file is written atomically (a temporary file in the same directory, renamed into place), so a failed
/// write leaves no partial file; the `into:` forms add the files to an `OutputSet`, committed with a run's other
/// outputs, so a failed PNG export leaves no pages and no new directory.
public enum ReportWriter {
    /// Writes the report as a PDF, one page per section.
    ///
    /// - Parameters:
    ///   - input: The report's data; validated first.
    ///   - path: The PDF file to create or replace; missing parent directories are created.
    ///   - maxPages: The most rows that get pages of their own (nil: every row).
    /// - Throws: `ExplainError(.invalidArgument)` for inconsistent input, `ExplainError(.io)` when the file cannot
    ///   be written.
    /// - Returns: The number of pages written.
    @discardableResult
    public static func writePDF(_ input: ReportInput, to path: String, maxPages: Int? = nil) throws -> Int {
        let outputs = OutputSet()
        let pageCount = try writePDF(input, into: outputs, path: path, maxPages: maxPages)
        try outputs.commit()
        return pageCount
    }

    /// Writes the report as PNG files `page-001.png`, ... into `directory` (created when missing), removing the
    /// stale pages of an earlier, longer report there (see `stalePages(in:keeping:)`).
    ///
    /// - Parameters:
    ///   - dpi: The resolution: an A4 landscape page is `round(841.89 · dpi / 72)` × `round(595.28 · dpi / 72)`
    ///     pixels.
    /// - Returns: The paths written, in page order.
    @discardableResult
    public static func writePNGs(_ input: ReportInput, directory: String, dpi: Double = 150,
                                 maxPages: Int? = nil) throws -> [String] {
        let outputs = OutputSet()
        let paths = try writePNGs(input, into: outputs, directory: directory, dpi: dpi, maxPages: maxPages)
        try outputs.commit()
        return paths
    }

    /// Renders the PDF into `outputs`, to appear at `path` when they are committed.
    /// - Returns: The number of pages.
    @discardableResult
    public static func writePDF(_ input: ReportInput, into outputs: OutputSet, path: String,
                                maxPages: Int? = nil) throws -> Int {
        let pages = try ReportDocument.pages(for: input, maxPages: maxPages, measure: CairoTextMeasurer())
        return try writePDF(pages: pages, into: outputs, path: path, date: input.date)
    }

    /// Renders the PNG pages into `outputs`, to appear in `directory` when they are committed; the directory, when
    /// missing, is created now and removed again if the outputs are not committed.
    /// - Returns: The paths of the pages, in page order.
    @discardableResult
    public static func writePNGs(_ input: ReportInput, into outputs: OutputSet, directory: String, dpi: Double = 150,
                                 maxPages: Int? = nil) throws -> [String] {
        let canvas = try CairoCanvas(pngDPI: dpi)
        let pages = try ReportDocument.pages(for: input, maxPages: maxPages, measure: canvas)
        return try writePNGs(pages: pages, into: outputs, directory: directory, canvas: canvas)
    }

    /// Renders finished pages into a PDF in `outputs`.
    /// `date` (ISO 8601, the date the pages show) becomes the PDF's creation date.
    static func writePDF(pages: [Page], into outputs: OutputSet, path: String, date: String) throws -> Int {
        let file = try outputs.file(path)
        let canvas = try CairoCanvas(pdfInto: file, creationDate: ReportClock.pdfDate(date))
        for page in pages { try canvas.draw(page) }
        try canvas.finish()
        try file.finishWriting()
        return canvas.pageCount
    }

    /// Whether `name` is a PNG page name as these writers make it: `page-`, three or more digits, `.png`.
    public static func isPageFileName(_ name: String) -> Bool {
        guard name.hasPrefix("page-"), name.hasSuffix(".png") else { return false }
        let number = name.dropFirst(5).dropLast(4)
        return number.count >= 3 && number.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The regular files in `directory` named like PNG pages (`isPageFileName`) but not in `kept`: the pages of an
    /// earlier report that the new one does not replace. Other files are never listed.
    public static func stalePages(in directory: String, keeping kept: Set<String>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { isPageFileName($0) && !kept.contains($0) }.sorted().compactMap { name in
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? path : nil
        }
    }

    /// Renders finished pages as PNG files in `outputs`; the directory's stale pages are removed at its commit.
    static func writePNGs(pages: [Page], into outputs: OutputSet, directory: String, canvas: CairoCanvas) throws -> [String] {
        try outputs.directory(directory)
        let digits = max(3, String(pages.count).count)
        var paths: [String] = []
        for (i, page) in pages.enumerated() {
            let number = String(i + 1)
            let name = "page-" + String(repeating: "0", count: max(0, digits - number.count)) + number + ".png"
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            try canvas.draw(page)
            let file = try outputs.file(path)
            try canvas.writePNG(into: file)
            try file.finishWriting()
            paths.append(path)
        }
        let kept = Set(paths.map { URL(fileURLWithPath: $0).lastPathComponent })
        for stale in stalePages(in: directory, keeping: kept) { outputs.remove(stale) }
        return paths
    }
}
