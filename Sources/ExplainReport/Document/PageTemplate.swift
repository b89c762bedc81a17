/// The frame every report page shares: margins, a title with a subtitle, a footer with page numbers.
public enum PageTemplate {
    public static let size = Size.a4Landscape
    public static let margin = 36.0

    /// Draws the page title and subtitle; returns the content area below them (above the footer).
    public static func header(_ title: String, subtitle: String?, measure: any TextMeasuring,
                              into d: inout Drawing) -> Rect {
        let page = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: margin)
        d.fittedText(title, at: Point(page.minX, page.minY), width: page.width, font: Fonts.pageTitle,
                     measure: measure, baseline: .top, role: .title)
        var y = page.minY + measure.measure("0", font: Fonts.pageTitle).height + 3
        if let subtitle {
            d.fittedText(subtitle, at: Point(page.minX, y), width: page.width, font: Fonts.subtitle, measure: measure,
                         color: Palette.mutedText, baseline: .top, role: .text)
            y += measure.measure("0", font: Fonts.subtitle).height + 2
        }
        y += 5
        d.line(Point(page.minX, y), Point(page.maxX, y), Stroke(Palette.rule, width: 0.6), role: .frame)
        let footer = measure.measure("0", font: Fonts.footer).height + 8
        return Rect(x: page.minX, y: y + 12, width: page.width, height: page.maxY - footer - y - 12)
    }

    /// Adds "title · page i of n" footers to finished pages.
    public static func addFooters(_ pages: inout [Page], caption: String, measure: any TextMeasuring) {
        let y = size.height - margin + 4
        for i in pages.indices {
            var d = Drawing()
            d.fittedText(caption, at: Point(margin, y), width: size.width * 0.7, font: Fonts.footer, measure: measure,
                         color: Palette.mutedText, baseline: .bottom, role: .text)
            d.text("page \(i + 1) of \(pages.count)", at: Point(size.width - margin, y), font: Fonts.footer,
                   color: Palette.mutedText, anchor: .end, baseline: .bottom, role: .text)
            pages[i].elements += d.elements
        }
    }

    /// Rows of a table that fit `height`; the last kept row says how many were left out.
    public static func fitting(_ rows: [[String]], table: Table, height: Double, measure: any TextMeasuring)
        -> [[String]] {
        let rowHeight = table.rowHeight(measure: measure)
        let capacity = max(1, Int((height - 2) / rowHeight) - (table.header.isEmpty ? 0 : 1))
        guard rows.count > capacity else { return rows }
        let kept = Array(rows.prefix(capacity - 1))
        return kept + [["… \(rows.count - kept.count) more"]]
    }

    /// A bold section heading; returns the y below it.
    public static func heading(_ text: String, at p: Point, measure: any TextMeasuring, into d: inout Drawing)
        -> Double {
        d.text(text, at: p, font: Fonts.heading, baseline: .top, role: .title)
        return p.y + measure.measure("0", font: Fonts.heading).height + 4
    }
}
