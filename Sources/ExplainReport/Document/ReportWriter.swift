import ExplainIO
import ExplainTensor
import Foundation

/// Writes reports: one vector PDF with embedded fonts, or one PNG per page.
///
/// Every file is written atomically (a temporary file in the same directory, renamed into place), so a failed
/// write leaves no partial file; a failed PNG export also removes the pages it already wrote.
public enum ReportWriter {
    /// Writes the report as a PDF, one page per section.
    ///
    /// - Parameters:
    ///   - input: The report's data; validated first.
    ///   - path: The PDF file to create or replace; missing parent directories are created.
    ///   - maxPages: The most per-row pages to include (nil: every row).
    /// - Throws: `ExplainError(.invalidArgument)` for inconsistent input, `ExplainError(.io)` when the file cannot
    ///   be written.
    /// - Returns: The number of pages written.
    @discardableResult
    public static func writePDF(_ input: ReportInput, to path: String, maxPages: Int? = nil) throws -> Int {
        let pages = try ReportDocument.pages(for: input, maxPages: maxPages, measure: CairoTextMeasurer())
        return try writePDF(pages: pages, to: path)
    }

    /// Writes the report as PNG files `page-001.png`, ... into `directory` (created when missing).
    ///
    /// - Parameters:
    ///   - dpi: The resolution: an A4 landscape page is `round(841.89 · dpi / 72)` × `round(595.28 · dpi / 72)`
    ///     pixels.
    /// - Returns: The paths written, in page order.
    @discardableResult
    public static func writePNGs(_ input: ReportInput, directory: String, dpi: Double = 150,
                                 maxPages: Int? = nil) throws -> [String] {
        let canvas = try CairoCanvas(pngDPI: dpi)
        let pages = try ReportDocument.pages(for: input, maxPages: maxPages, measure: canvas)
        return try writePNGs(pages: pages, directory: directory, canvas: canvas)
    }

    /// Renders finished pages into a PDF at `path`.
    static func writePDF(pages: [Page], to path: String) throws -> Int {
        let target = try OutputTarget.resolve(path)
        if target.kind == .regular {
            let directory = URL(fileURLWithPath: target.resolvedPath).deletingLastPathComponent().path
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw ExplainError(.io, "cannot create directory \(directory): \(error.localizedDescription)", at: path)
            }
        }
        let file = try AtomicFileWriter(path: path)
        do {
            let canvas = try CairoCanvas(pdfInto: file)
            for page in pages { try canvas.draw(page) }
            try canvas.finish()
            try file.commit()
            return canvas.pageCount
        } catch {
            file.abort()
            throw error
        }
    }

    /// Renders finished pages as PNG files.
    static func writePNGs(pages: [Page], directory: String, canvas: CairoCanvas) throws -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ExplainError(.io, "exists and is not a directory", at: directory)
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ExplainError(.io, "cannot create directory: \(error.localizedDescription)", at: directory)
            }
        }
        let digits = max(3, String(pages.count).count)
        var written: [String] = []
        do {
            for (i, page) in pages.enumerated() {
                let number = String(i + 1)
                let name = "page-" + String(repeating: "0", count: max(0, digits - number.count)) + number + ".png"
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                try canvas.draw(page)
                let file = try AtomicFileWriter(path: path)
                try canvas.writePNG(into: file)
                try file.commit()
                written.append(path)
            }
        } catch {
            for path in written { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
        return written
    }
}
