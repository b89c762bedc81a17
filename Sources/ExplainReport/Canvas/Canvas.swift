/// The measured extent of a text line.
public struct TextMetrics: Equatable, Sendable {
    /// The advance width in points.
    public var width: Double
    /// The font's ascent above the baseline, in points.
    public var ascent: Double
    /// The font's descent below the baseline, in points (positive).
    public var descent: Double

    public init(width: Double, ascent: Double, descent: Double) {
        self.width = width
        self.ascent = ascent
        self.descent = descent
    }

    /// Ascent plus descent.
    public var height: Double { ascent + descent }
}

/// Measures text, so figure builders can size label columns before anything is drawn.
public protocol TextMeasuring {
    /// The extent of `text` set in `font`.
    func measure(_ text: String, font: Font) -> TextMetrics
}

extension TextMeasuring {
    /// The bounding box of a horizontal text item.
    public func bounds(of item: TextItem) -> Rect {
        let m = measure(item.string, font: item.font)
        let left: Double
        switch item.anchor {
        case .start: left = item.position.x
        case .middle: left = item.position.x - m.width / 2
        case .end: left = item.position.x - m.width
        }
        let baseline = Self.baselineY(for: item, metrics: m)
        return Rect(x: left, y: baseline - m.ascent, width: m.width, height: m.height)
    }

    /// The y of the alphabetic baseline for an unrotated item.
    static func baselineY(for item: TextItem, metrics m: TextMetrics) -> Double {
        switch item.baseline {
        case .top: return item.position.y + m.ascent
        case .middle: return item.position.y + (m.ascent - m.descent) / 2
        case .alphabetic: return item.position.y
        case .bottom: return item.position.y - m.descent
        }
    }
}

/// A finished page: its size and its elements in drawing order.
public struct Page: Equatable, Sendable {
    public var size: Size
    /// A short name of the section the page belongs to (`title`, `summary`, `row 17`).
    public var section: String
    public var elements: [Element]

    public init(size: Size, section: String, elements: [Element]) {
        self.size = size
        self.section = section
        self.elements = elements
    }
}

/// A drawing surface: pages of elements. `CairoCanvas` renders them; `RecordingCanvas` keeps them for tests.
public protocol Canvas: AnyObject, TextMeasuring {
    /// Starts a page of the given size.
    func beginPage(size: Size) throws
    /// Draws one element on the current page.
    func draw(_ element: Element)
    /// Finishes the current page.
    func endPage() throws
}

extension Canvas {
    /// Draws a whole page.
    public func draw(_ page: Page) throws {
        try beginPage(size: page.size)
        for element in page.elements { draw(element) }
        try endPage()
    }
}
