import ExplainMethods

/// Colour scales for heatmaps: the clipping rule, the cell grid and the colour bars.
public enum ColorScale {
    /// The fraction of |values| below the clipping limit: the top 2 % are clipped.
    public static let clipPercentile = 0.98
    /// Grids with more cells than this are drawn as one nearest-neighbour raster instead of rectangles.
    public static let maximumRectangleCells = 4096

    /// The symmetric colour limit: the 98th percentile of |values| (numpy's linear rule); 1 when all are zero.
    ///
    /// Values beyond ±limit get the end colours, so one extreme pixel cannot wash out the rest of the map.
    public static func clipLimit(_ values: [Double], percentile: Double = clipPercentile) -> Double {
        let magnitudes = values.filter(\.isFinite).map(abs).sorted()
        guard !magnitudes.isEmpty else { return 1 }
        let limit = FeatureStats.percentile(sorted: magnitudes, percentile)
        if limit > 0 { return limit }
        return magnitudes.last.map { $0 > 0 ? $0 : 1 } ?? 1
    }

    /// The diverging colour of `value` under a symmetric `limit`.
    public static func signedColor(_ value: Double, limit: Double) -> Color {
        Palette.diverging(limit > 0 ? value / limit : 0)
    }

    /// Draws a `rows × columns` grid of cells filling `frame` (row-major `values` and their `colors`).
    ///
    /// Small grids become one crisp rectangle per cell (each slightly overlapping its right and lower neighbour,
    /// so viewers show no seams); large grids become one raster with nearest-neighbour sampling.
    public static func grid(_ values: [Double], colors: [Color], rows: Int, columns: Int, in frame: Rect,
                            role: Role, into d: inout Drawing) {
        guard rows > 0, columns > 0, values.count == rows * columns, colors.count == values.count else { return }
        if rows * columns > maximumRectangleCells {
            d.add(Element(.raster(Raster(columns: columns, rows: rows, pixels: colors, frame: frame)),
                          role: role, isCrisp: true))
            return
        }
        let w = frame.width / Double(columns), h = frame.height / Double(rows)
        for r in 0..<rows {
            for c in 0..<columns {
                let v = values[r * columns + c]
                let cell = Rect(x: frame.minX + Double(c) * w, y: frame.minY + Double(r) * h,
                                width: w + (c + 1 < columns ? 0.3 : 0), height: h + (r + 1 < rows ? 0.3 : 0))
                d.rect(cell, fill: colors[r * columns + c], role: role, value: v, key: "\(r),\(c)", isCrisp: true)
            }
        }
    }

    /// A vertical diverging colour bar from −limit (bottom) to +limit (top), with labelled ends and zero.
    public static func divergingBar(in frame: Rect, limit: Double, title: String, measure: any TextMeasuring,
                                    into d: inout Drawing) {
        let steps = 64
        let bar = Rect(x: frame.minX, y: frame.minY, width: min(12, frame.width), height: frame.height)
        let h = bar.height / Double(steps)
        for i in 0..<steps {
            let t = 1 - (Double(i) + 0.5) / Double(steps) * 2
            d.rect(Rect(x: bar.minX, y: bar.minY + Double(i) * h, width: bar.width, height: h + 0.3),
                   fill: Palette.diverging(t), role: .colorBarStop, value: t * limit, isCrisp: true)
        }
        d.rect(bar, stroke: Stroke(Palette.rule, width: 0.5), role: .frame)
        for (value, y) in [(limit, bar.minY), (0, bar.midY), (-limit, bar.maxY)] {
            d.line(Point(bar.maxX, y), Point(bar.maxX + 3, y), Stroke(Palette.axis, width: 0.6), role: .axis)
            d.text(value == 0 ? "0" : Labels.signed(value), at: Point(bar.maxX + 5, y), font: Fonts.tick,
                   color: Palette.mutedText, baseline: .middle, role: .tickLabel, key: "colorbar")
        }
        d.text(title, at: Point(bar.minX - 4, bar.midY), font: Fonts.small, color: Palette.text, anchor: .middle,
               baseline: .alphabetic, angle: 90, role: .axisTitle)
    }

    /// A vertical sequential colour bar (viridis) from `lower` (bottom) to `upper` (top).
    public static func sequentialBar(in frame: Rect, lower: String, upper: String, title: String,
                                     into d: inout Drawing) {
        let steps = 48
        let bar = Rect(x: frame.minX, y: frame.minY, width: min(10, frame.width), height: frame.height)
        let h = bar.height / Double(steps)
        for i in 0..<steps {
            let t = 1 - (Double(i) + 0.5) / Double(steps)
            d.rect(Rect(x: bar.minX, y: bar.minY + Double(i) * h, width: bar.width, height: h + 0.3),
                   fill: Palette.sequential(t), role: .colorBarStop, value: t, isCrisp: true)
        }
        d.rect(bar, stroke: Stroke(Palette.rule, width: 0.5), role: .frame)
        d.text(upper, at: Point(bar.maxX + 4, bar.minY), font: Fonts.tick, color: Palette.mutedText,
               baseline: .top, role: .tickLabel)
        d.text(lower, at: Point(bar.maxX + 4, bar.maxY), font: Fonts.tick, color: Palette.mutedText,
               baseline: .bottom, role: .tickLabel)
        d.text(title, at: Point(bar.minX - 4, bar.midY), font: Fonts.small, color: Palette.text, anchor: .middle,
               baseline: .alphabetic, angle: 90, role: .axisTitle)
    }
}
