/// Per-unit layer attribution scores of one row as vertical bars (red positive, blue negative).
public struct LayerAttributionChart: Sendable {
    public var layer: String
    public var method: String
    public var scores: [Double]

    public init(layer: String, method: String, scores: [Double]) {
        self.layer = layer
        self.method = method
        self.scores = scores
    }

    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let title = "Layer attribution: \(layer) (\(Labels.methodName(method)))"
        d.text(title, at: Point(frame.minX, frame.minY), font: Fonts.heading, baseline: .top, role: .title)
        let finite = scores.filter(\.isFinite)
        guard !finite.isEmpty else { return d }
        let lo = min(0, finite.min() ?? 0), hi = max(0, finite.max() ?? 0)
        let titleHeight = measure.measure("0", font: Fonts.heading).height + 8
        let probe = Scale(lower: lo, upper: hi, start: 1, end: 0)
        let plot = frame.inset(top: titleHeight, left: Axes.leftWidth(probe, measure: measure),
                               bottom: Axes.bottomHeight(measure: measure), right: 6)
        let y = Scale(lower: lo - (hi - lo) * 0.05, upper: hi + (hi - lo) * 0.05, start: plot.maxY, end: plot.minY)
        let x = Scale(lower: -0.5, upper: Double(scores.count) - 0.5, start: plot.minX, end: plot.maxX)
        Axes.left(y, plot: plot, title: Labels.layerScoreAxis, measure: measure, into: &d)
        Axes.bottom(x, plot: plot, title: Labels.unitAxis, measure: measure, grid: false, into: &d)
        let width = plot.width / Double(scores.count)
        for (i, s) in scores.enumerated() where s.isFinite {
            let y0 = y.map(0), y1 = y.map(s)
            d.rect(Rect(x: x.map(Double(i)) - width * 0.4, y: min(y0, y1), width: max(0.3, width * 0.8),
                        height: max(0.3, abs(y1 - y0))), fill: Palette.attribution(s), role: .unitBar, value: s,
                   key: String(i))
        }
        d.line(Point(plot.minX, y.map(0)), Point(plot.maxX, y.map(0)), Stroke(Palette.axis, width: 0.6),
               role: .zeroLine)
        return d
    }
}
