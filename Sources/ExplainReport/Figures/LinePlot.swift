/// A line plot over a shared x axis: series, shaded bands, an optional vertical marker and a legend.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public var color: Color
        public var dash: [Double]

        public init(name: String, points: [Point], color: Color, dash: [Double] = []) {
            self.name = name
            self.points = points.filter { $0.x.isFinite && $0.y.isFinite }
            self.color = color
            self.dash = dash
        }
    }

    /// A shaded area between two curves sampled at the same x.
    public struct Band: Sendable {
        public var lower: [Point]
        public var upper: [Point]
        public var color: Color

        public init(lower: [Point], upper: [Point], color: Color) {
            self.lower = lower
            self.upper = upper
            self.color = color
        }
    }

    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var series: [Series]
    public var bands: [Band] = []
    public var isLogarithmic = false
    /// A vertical dashed line (for example the kept epoch) and its label.
    public var marker: (x: Double, label: String)?
    public var showsLegend = true

    public init(title: String, xTitle: String, yTitle: String, series: [Series]) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.series = series
    }

    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let allPoints = series.flatMap(\.points) + bands.flatMap { $0.lower + $0.upper }
        let titleHeight = measure.measure("0", font: Fonts.heading).height + 6
        d.fittedText(title, at: Point(frame.minX, frame.minY), width: frame.width, font: Fonts.heading,
                     measure: measure, baseline: .top, role: .title)
        guard !allPoints.isEmpty else {
            d.text("no data recorded", at: Point(frame.midX, frame.midY), font: Fonts.label, color: Palette.mutedText,
                   anchor: .middle, baseline: .middle, role: .text)
            return d
        }
        let xs = allPoints.map(\.x), ys = allPoints.map(\.y).filter { isLogarithmic ? $0 > 0 : true }
        let xScaleLo = xs.min() ?? 0, xScaleHi = xs.max() ?? 1
        var yLo = ys.min() ?? 0, yHi = ys.max() ?? 1
        let legendHeight = showsLegend ? measure.measure("0", font: Fonts.tick).height + 6 : 0
        let probeY = isLogarithmic
            ? Scale(logLower: yLo, upper: yHi, start: 1, end: 0)
            : Scale(lower: yLo, upper: yHi, start: 1, end: 0)
        let left = Axes.leftWidth(probeY, measure: measure)
        let plot = frame.inset(top: titleHeight + legendHeight, left: left, bottom: Axes.bottomHeight(measure: measure),
                               right: 8)
        let yScale: Scale
        if isLogarithmic {
            yScale = Scale(logLower: yLo / 1.3, upper: yHi * 1.3, start: plot.maxY, end: plot.minY)
        } else {
            let pad = (yHi - yLo) * 0.06
            yLo -= pad
            yHi += pad
            yScale = Scale(lower: yLo, upper: yHi, start: plot.maxY, end: plot.minY)
        }
        let xScale = Scale(lower: xScaleLo, upper: xScaleHi, start: plot.minX, end: plot.maxX)
        Axes.left(yScale, plot: plot, title: yTitle, measure: measure, into: &d)
        Axes.bottom(xScale, plot: plot, title: xTitle, measure: measure, grid: false, into: &d)
        func map(_ p: Point) -> Point { Point(xScale.map(p.x), yScale.map(p.y)) }
        for band in bands {
            d.polygon((band.lower + band.upper.reversed()).map(map), fill: band.color, role: .band)
        }
        var markerLabel: TextItem?
        if let marker {
            let x = xScale.map(marker.x)
            d.line(Point(x, plot.minY), Point(x, plot.maxY), Stroke(Palette.mutedText, width: 0.7, dash: [3, 2]),
                   role: .predictionMarker, value: marker.x)
            markerLabel = TextItem(marker.label, at: Point(x + 3, plot.minY + 2), font: Fonts.small, baseline: .top)
        }
        for s in series {
            if s.points.count == 1, let p = s.points.first {
                d.circle(map(p), radius: 1.8, fill: s.color, role: .curve, key: s.name)
            } else {
                d.polyline(s.points.map(map), Stroke(s.color, width: 1.3, dash: s.dash), role: .curve, key: s.name)
            }
        }
        if let item = markerLabel {
            // Drawn over the curves, on a white backdrop, so the label stays legible where a curve passes.
            d.rect(measure.bounds(of: item).inset(by: -1), fill: Color(grey: 1).withAlpha(0.85), role: .backdrop)
            d.add(Element(.text(item), fill: Palette.mutedText, role: .legend))
        }
        if showsLegend { drawLegend(at: Point(plot.minX, frame.minY + titleHeight), width: plot.width, measure, &d) }
        return d
    }

    private func drawLegend(at origin: Point, width: Double, _ measure: any TextMeasuring, _ d: inout Drawing) {
        var x = origin.x
        let y = origin.y + measure.measure("0", font: Fonts.tick).height / 2
        for s in series where !s.name.isEmpty {
            let w = measure.measure(s.name, font: Fonts.tick).width
            if x + 20 + w > origin.x + width { break }
            d.line(Point(x, y), Point(x + 14, y), Stroke(s.color, width: 1.5, dash: s.dash), role: .legend)
            d.text(s.name, at: Point(x + 17, y), font: Fonts.tick, baseline: .middle, role: .legend)
            x += 17 + w + 12
        }
    }
}
