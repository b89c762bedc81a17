import ExplainIO
import CCairo
import ExplainTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders pages with Cairo: a multi-page vector PDF with embedded fonts, or one raster page at a time for PNG.
///
/// The canvas owns its `cairo_surface_t` and `cairo_t` and destroys them in `deinit`. It checks `cairo_status`
/// after every page and every write and throws `ExplainError(.io)` on failure.
public final class CairoCanvas: Canvas {
    private enum Output {
        case pdf
        case png(dpi: Double)
    }

    private let output: Output
    private var surface: OpaquePointer?
    private var context: OpaquePointer?
    /// Where PDF bytes go; held strongly because Cairo keeps an unretained pointer to it.
    private let sink: AtomicFileWriter?
    private let measurer = CairoTextMeasurer()
    private var isPageOpen = false
    private var isFinished = false
    /// The number of pages completed.
    public private(set) var pageCount = 0

    /// A PDF canvas streaming into `file`; call `finish()` before committing the file.
    /// - Parameter creationDate: the PDF's `/CreationDate` and `/ModDate`, `YYYY-MM-DDThh:mm:ssZ` (nil: Cairo's
    ///   clock at the end of the file).
    public init(pdfInto file: AtomicFileWriter, creationDate: String? = nil) throws {
        output = .pdf
        sink = file
        let pdf = cairo_pdf_surface_create_for_stream(cairoWriteToAtomicFile,
                                                      Unmanaged.passUnretained(file).toOpaque(),
                                                      Size.a4Landscape.width, Size.a4Landscape.height)
        surface = pdf
        try check(cairo_surface_status(pdf), "cannot create PDF surface")
        cairo_pdf_surface_restrict_to_version(pdf, CAIRO_PDF_VERSION_1_5)
        if let creationDate {
            cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, creationDate)
            cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, creationDate)
        }
        let cr = cairo_create(pdf)
        context = cr
        try check(cairo_status(cr), "cannot create drawing context")
    }

    /// A PNG canvas rendering each page at `dpi` (10–600) dots per inch; write each page with `writePNG(into:)`.
    public init(pngDPI dpi: Double) throws {
        guard dpi.isFinite, dpi >= 10, dpi <= 600 else {
            throw ExplainError(.invalidArgument, "DPI must be between 10 and 600, got \(dpi)", at: "dpi")
        }
        output = .png(dpi: dpi)
        sink = nil
    }

    deinit { releaseContext() }

    /// The pixel size of a page of `size` points at `dpi`.
    public static func pixelSize(of size: Size, dpi: Double) -> (width: Int, height: Int) {
        (Int((size.width * dpi / 72).rounded()), Int((size.height * dpi / 72).rounded()))
    }

    public func measure(_ text: String, font: Font) -> TextMetrics { measurer.measure(text, font: font) }

    public func beginPage(size: Size) throws {
        guard !isPageOpen, !isFinished else {
            throw ExplainError(.invalidArgument, "page already open or canvas finished", at: "CairoCanvas")
        }
        switch output {
        case .pdf:
            guard let pdf = surface else { throw ExplainError(.io, "PDF surface missing", at: "CairoCanvas") }
            cairo_pdf_surface_set_size(pdf, size.width, size.height)
        case .png(let dpi):
            releaseContext()
            let (w, h) = CairoCanvas.pixelSize(of: size, dpi: dpi)
            let image = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h))
            surface = image
            try check(cairo_surface_status(image), "cannot create a \(w)×\(h) image")
            let cr = cairo_create(image)
            context = cr
            cairo_scale(cr, dpi / 72, dpi / 72)
        }
        guard let cr = context else { throw ExplainError(.io, "no drawing context", at: "CairoCanvas") }
        CairoTextMeasurer.configureFonts(cr)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        isPageOpen = true
    }

    public func draw(_ element: Element) {
        guard isPageOpen, let cr = context else { return }
        CairoPainter.paint(element, in: cr)
    }

    public func endPage() throws {
        guard isPageOpen, let cr = context else {
            throw ExplainError(.invalidArgument, "endPage without an open page", at: "CairoCanvas")
        }
        isPageOpen = false
        switch output {
        case .pdf: cairo_show_page(cr)
        case .png: if let s = surface { cairo_surface_flush(s) }
        }
        try check(cairo_status(cr), "drawing page \(pageCount + 1) failed")
        try checkSink()
        pageCount += 1
    }

    /// Finishes a PDF: writes the trailer into the file. The file still needs `commit()`.
    public func finish() throws {
        guard case .pdf = output, !isFinished, let pdf = surface else { return }
        isFinished = true
        cairo_surface_finish(pdf)
        try check(cairo_surface_status(pdf), "finishing the PDF failed")
        try checkSink()
    }

    /// Encodes the last finished PNG page into `file` (not yet committed).
    public func writePNG(into file: AtomicFileWriter) throws {
        guard case .png = output, !isPageOpen, let image = surface else {
            throw ExplainError(.invalidArgument, "no finished PNG page to write", at: "CairoCanvas")
        }
        let status = cairo_surface_write_to_png_stream(image, cairoWriteToAtomicFile,
                                                       Unmanaged.passUnretained(file).toOpaque())
        try check(status, "encoding PNG failed")
        if let error = file.writeError { throw ExplainError(.io, "write failed: \(error)", at: file.path) }
    }

    private func checkSink() throws {
        if let sink, let error = sink.writeError {
            throw ExplainError(.io, "write failed: \(error)", at: sink.path)
        }
    }

    private func check(_ status: cairo_status_t, _ what: String) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            let reason = String(cString: cairo_status_to_string(status))
            throw ExplainError(.io, "\(what): \(reason)", at: sink?.path ?? "cairo")
        }
    }

    private func releaseContext() {
        if let cr = context { cairo_destroy(cr) }
        if let s = surface { cairo_surface_destroy(s) }
        context = nil
        surface = nil
    }
}

/// Cairo's write callback: forwards bytes to the `AtomicFileWriter` passed as closure data.
private func cairoWriteToAtomicFile(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?,
                                    _ length: UInt32) -> cairo_status_t {
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let file = Unmanaged<AtomicFileWriter>.fromOpaque(closure).takeUnretainedValue()
    let ok = file.write(UnsafeRawBufferPointer(start: data, count: Int(length)))
    return ok ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR
}
