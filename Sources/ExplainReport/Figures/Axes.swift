/// Draws axes: lines, ticks, tick labels, grid lines and titles, with labels thinned until they do not collide.
public enum Axes {
    /// A horizontal axis along the bottom of `plot`, with vertical grid lines across it. When the scale factors a
    /// power of ten out of its ticks, the title ends with it (`attribution φ (×1e−5)`).
    ///
    /// - Returns: That factor's label when there is no title to carry it, for the caller to show; else nil.
    @discardableResult
    public static func bottom(_ scale: Scale, plot: Rect, title: String?, measure: any TextMeasuring,
                              grid: Bool = true, tickCount: Int = 6, into d: inout Drawing) -> String? {
        var ticks = scale.ticks(count: tickCount)
        var target = tickCount
        while target > 2, !fits(ticks, scale: scale, measure: measure) {
            target -= 1
            ticks = scale.ticks(count: target)
        }
        if grid {
            for t in ticks {
                let x = scale.map(t)
                d.line(Point(x, plot.minY), Point(x, plot.maxY), Stroke(Palette.grid, width: 0.5), role: .gridLine)
            }
        }
        d.line(Point(plot.minX, plot.maxY), Point(plot.maxX, plot.maxY), Stroke(Palette.axis, width: 0.6),
               role: .axis)
        for t in ticks {
            let x = scale.map(t)
            d.line(Point(x, plot.maxY), Point(x, plot.maxY + 3), Stroke(Palette.axis, width: 0.6), role: .axis)
            d.text(scale.label(t), at: Point(x, plot.maxY + 4.5), font: Fonts.tick, color: Palette.mutedText,
                   anchor: .middle, baseline: .top, role: .tickLabel)
        }
        guard let title else { return scale.exponentLabel }
        let h = measure.measure("0", font: Fonts.tick).height
        d.text(titled(title, scale), at: Point(plot.midX, plot.maxY + 7 + h), font: Fonts.label, color: Palette.text,
               anchor: .middle, baseline: .top, role: .axisTitle)
        return nil
    }

    /// `title`, followed by the scale's power-of-ten factor when it has one.
    static func titled(_ title: String, _ scale: Scale) -> String {
        scale.exponentLabel.map { "\(title) (\($0))" } ?? title
    }

    /// The height below the plot that `bottom` uses with a title.
    public static func bottomHeight(measure: any TextMeasuring, hasTitle: Bool = true) -> Double {
        let tick = measure.measure("0", font: Fonts.tick).height
        let title = measure.measure("0", font: Fonts.label).height
        return 7 + tick + (hasTitle ? 2 + title : 0)
    }

    /// A vertical axis along the left of `plot`, with horizontal grid lines across it.
    public static func left(_ scale: Scale, plot: Rect, title: String?, measure: any TextMeasuring,
                            grid: Bool = true, tickCount: Int = 5, into d: inout Drawing) {
        let ticks = scale.ticks(count: tickCount)
        if grid {
            for t in ticks {
                let y = scale.map(t)
                d.line(Point(plot.minX, y), Point(plot.maxX, y), Stroke(Palette.grid, width: 0.5), role: .gridLine)
            }
        }
        d.line(Point(plot.minX, plot.minY), Point(plot.minX, plot.maxY), Stroke(Palette.axis, width: 0.6),
               role: .axis)
        var widest = 0.0
        for t in ticks {
            let y = scale.map(t)
            let label = scale.label(t)
            widest = max(widest, measure.measure(label, font: Fonts.tick).width)
            d.line(Point(plot.minX - 3, y), Point(plot.minX, y), Stroke(Palette.axis, width: 0.6), role: .axis)
            d.text(label, at: Point(plot.minX - 4.5, y), font: Fonts.tick, color: Palette.mutedText, anchor: .end,
                   baseline: .middle, role: .tickLabel)
        }
        if let title {
            let x = plot.minX - 7 - widest - measure.measure("0", font: Fonts.label).descent
            d.text(titled(title, scale), at: Point(x, plot.midY), font: Fonts.label, color: Palette.text,
                   anchor: .middle, baseline: .alphabetic, angle: 90, role: .axisTitle)
        }
    }

    /// The width left of the plot that `left` uses for the given scale.
    public static func leftWidth(_ scale: Scale, measure: any TextMeasuring, hasTitle: Bool = true,
                                 tickCount: Int = 5) -> Double {
        let widest = scale.ticks(count: tickCount).map { measure.measure(scale.label($0), font: Fonts.tick).width }
            .max() ?? 0
        return 7 + widest + (hasTitle ? measure.measure("0", font: Fonts.label).height + 2 : 0)
    }

    private static func fits(_ ticks: [Double], scale: Scale, measure: any TextMeasuring) -> Bool {
        guard ticks.count > 1 else { return true }
        let spacing = abs(scale.map(ticks[1]) - scale.map(ticks[0]))
        let widest = ticks.map { measure.measure(scale.label($0), font: Fonts.tick).width }.max() ?? 0
        return widest + 6 <= spacing
    }
}
