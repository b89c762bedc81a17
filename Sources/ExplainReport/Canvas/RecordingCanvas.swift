import ExplainTensor

/// A canvas that keeps every page and element it is given, for structural tests.
///
/// Text is measured by `measurer` (by default a real Cairo measurer, so layouts match the rendered files).
public final class RecordingCanvas: Canvas {
    /// The finished pages.
    public private(set) var pages: [Page] = []
    private var current: Page?
    private let measurer: any TextMeasuring

    public init(measurer: any TextMeasuring = CairoTextMeasurer()) {
        self.measurer = measurer
    }

    public func measure(_ text: String, font: Font) -> TextMetrics { measurer.measure(text, font: font) }

    public func beginPage(size: Size) throws {
        if current != nil {
            throw ExplainError(.invalidArgument, "beginPage called while a page is open", at: "RecordingCanvas")
        }
        current = Page(size: size, section: "", elements: [])
    }

    public func draw(_ element: Element) {
        precondition(current != nil, "draw called outside a page")
        current?.elements.append(element)
    }

    public func endPage() throws {
        guard let page = current else {
            throw ExplainError(.invalidArgument, "endPage called without an open page", at: "RecordingCanvas")
        }
        pages.append(page)
        current = nil
    }

    /// Every recorded element of every page, in drawing order.
    public var elements: [Element] { pages.flatMap(\.elements) }
}
