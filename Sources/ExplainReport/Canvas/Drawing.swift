/// An element list under construction, with shorthands for the primitives figure builders use.
///
/// Figure builders are pure: they take data, a frame and a `TextMeasuring`, and append elements here.
public struct Drawing: Sendable {
    public private(set) var elements: [Element] = []

    public init() {}

    /// Appends a prepared element.
    public mutating func add(_ element: Element) { elements.append(element) }

    /// Appends every element of another drawing.
    public mutating func add(_ other: Drawing) { elements.append(contentsOf: other.elements) }

    /// A filled and/or stroked rectangle.
    public mutating func rect(_ r: Rect, fill: Color? = nil, stroke: Stroke? = nil, role: Role,
                              value: Double? = nil, key: String? = nil, isCrisp: Bool = false) {
        add(Element(.rect(r), fill: fill, stroke: stroke, role: role, value: value, key: key, isCrisp: isCrisp))
    }

    /// A straight line between two points.
    public mutating func line(_ a: Point, _ b: Point, _ stroke: Stroke, role: Role, value: Double? = nil,
                              key: String? = nil) {
        add(Element(.polyline([a, b]), stroke: stroke, role: role, value: value, key: key))
    }

    /// An open polyline.
    public mutating func polyline(_ points: [Point], _ stroke: Stroke, role: Role, key: String? = nil) {
        guard points.count >= 2 else { return }
        add(Element(.polyline(points), stroke: stroke, role: role, key: key))
    }

    /// A filled polygon.
    public mutating func polygon(_ points: [Point], fill: Color, role: Role, key: String? = nil) {
        guard points.count >= 3 else { return }
        add(Element(.polygon(points), fill: fill, role: role, key: key))
    }

    /// A filled circle.
    public mutating func circle(_ center: Point, radius: Double, fill: Color, stroke: Stroke? = nil, role: Role,
                                value: Double? = nil, key: String? = nil) {
        add(Element(.circle(center: center, radius: radius), fill: fill, stroke: stroke, role: role, value: value,
                    key: key))
    }

    /// A line of text.
    public mutating func text(_ string: String, at p: Point, font: Font, color: Color = Palette.text,
                              anchor: TextAnchor = .start, baseline: TextBaseline = .alphabetic, angle: Double = 0,
                              role: Role = .text, key: String? = nil) {
        guard !string.isEmpty else { return }
        let item = TextItem(string, at: p, font: font, anchor: anchor, baseline: baseline, angle: angle)
        add(Element(.text(item), fill: color, role: role, key: key))
    }

    /// Text fitted into `width`: shrunk down to `minimumSize`, then shortened with an ellipsis as a last resort.
    ///
    /// - Returns: The font actually used.
    @discardableResult
    public mutating func fittedText(_ string: String, at p: Point, width: Double, font: Font,
                                    minimumSize: Double = Fonts.minimumSize, measure: any TextMeasuring,
                                    color: Color = Palette.text, anchor: TextAnchor = .start,
                                    baseline: TextBaseline = .alphabetic, role: Role = .text) -> Font {
        let (fitted, used) = Drawing.fit(string, width: width, font: font, minimumSize: minimumSize,
                                         measure: measure)
        text(fitted, at: p, font: used, color: color, anchor: anchor, baseline: baseline, role: role)
        return used
    }

    /// The string and font that fit `width`: the font shrinks first, then the string is cut with an ellipsis.
    public static func fit(_ string: String, width: Double, font: Font, minimumSize: Double,
                           measure: any TextMeasuring) -> (String, Font) {
        var f = font
        if measure.measure(string, font: f).width > width {
            let scaled = f.size * width / max(measure.measure(string, font: f).width, 1e-9)
            f.size = max(minimumSize, min(f.size, (scaled * 10).rounded(.down) / 10))
        }
        guard measure.measure(string, font: f).width > width else { return (string, f) }
        // The longest prefix that fits with the ellipsis, by bisection (widths grow with the prefix), so a very long
        // label costs O(n log n) glyph measurements rather than O(n²).
        let chars = Array(string)
        func candidate(_ k: Int) -> String { String(chars[..<k]) + "…" }
        var fits = 0, tooLong = chars.count
        while tooLong - fits > 1 {
            let mid = (fits + tooLong) / 2
            if measure.measure(candidate(mid), font: f).width <= width { fits = mid } else { tooLong = mid }
        }
        return (fits > 0 ? candidate(fits) : "…", f)
    }
}
