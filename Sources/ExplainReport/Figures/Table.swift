/// A simple table: a bold header row, hairline rules, left- or right-aligned columns.
public struct Table: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// Per column: true to right-align (numbers).
    public var rightAligned: [Bool]
    public var font: Font

    public init(header: [String], rows: [[String]], rightAligned: [Bool]? = nil, font: Font = Fonts.label) {
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned ?? header.map { _ in false }
        self.font = font
    }

    /// The row height for `font`.
    public func rowHeight(measure: any TextMeasuring) -> Double { measure.measure("0", font: font).height + 4 }

    /// The total height of the table.
    public func height(measure: any TextMeasuring) -> Double {
        rowHeight(measure: measure) * Double(rows.count + (header.isEmpty ? 0 : 1)) + 2
    }

    /// Draws the table at the top of `frame`; columns get their natural widths, the last column takes the rest,
    /// and text that still does not fit is shrunk, then shortened.
    ///
    /// - Returns: The height used.
    @discardableResult
    public func draw(in frame: Rect, measure: any TextMeasuring, into d: inout Drawing) -> Double {
        let columnCount = max(header.count, rows.map(\.count).max() ?? 0)
        guard columnCount > 0 else { return 0 }
        let bold = Font(size: font.size, isBold: true)
        var widths = [Double](repeating: 0, count: columnCount)
        for (i, h) in header.enumerated() { widths[i] = measure.measure(h, font: bold).width }
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], measure.measure(cell, font: font).width) }
        }
        let padding = 10.0
        widths = widths.map { $0 + padding }
        let natural = widths.reduce(0, +)
        if natural > frame.width {
            let fixed = widths.dropLast().reduce(0, +)
            if let last = widths.indices.last {
                widths[last] = max(frame.width - fixed, 30)
            }
            let total = widths.reduce(0, +)
            if total > frame.width { widths = widths.map { $0 * frame.width / total } }
        }
        let h = rowHeight(measure: measure)
        var y = frame.minY
        func drawRow(_ cells: [String], _ f: Font, color: Color) {
            var x = frame.minX
            for i in 0..<columnCount {
                let cell = i < cells.count ? cells[i] : ""
                let right = i < rightAligned.count && rightAligned[i]
                d.fittedText(cell, at: Point(right ? x + widths[i] - padding / 2 : x + 2, y + h / 2),
                             width: widths[i] - padding / 2 - 2, font: f, measure: measure, color: color,
                             anchor: right ? .end : .start, baseline: .middle, role: .tableText)
                x += widths[i]
            }
            y += h
        }
        let tableWidth = min(frame.width, widths.reduce(0, +))
        if !header.isEmpty {
            drawRow(header, bold, color: Palette.text)
            d.line(Point(frame.minX, y), Point(frame.minX + tableWidth, y), Stroke(Palette.axis, width: 0.6),
                   role: .frame)
        }
        for row in rows {
            drawRow(row, font, color: Palette.text)
            d.line(Point(frame.minX, y), Point(frame.minX + tableWidth, y), Stroke(Palette.grid, width: 0.5),
                   role: .frame)
        }
        return y - frame.minY + 2
    }
}
