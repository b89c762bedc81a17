import ExplainMethods

/// The summary of one method over many rows: mean |φ| per feature, and a beeswarm of every row's φ.
///
/// Both panels share the feature order (decreasing mean |φ|) and the label column. In the beeswarm each dot is one
/// row: φ on x, colour by the feature's value in that row from low (dark) to high (yellow), each feature's values
/// scaled between its 5th and 95th percentiles over the explained rows (as shap's summary plot does).
public struct SummaryFigure: Sendable {
    public var explanations: [Explanation]
    public var featureNames: [String]
    /// Raw feature values by row index (the explanations' `row`); rows out of range get grey dots.
    public var rows: [[Float]]
    public var topK: Int

    public init(explanations: [Explanation], featureNames: [String], rows: [[Float]], topK: Int = 20) {
        self.explanations = explanations
        self.featureNames = featureNames
        self.rows = rows
        self.topK = max(1, topK)
    }

    /// Mean |φ| per feature over the explanations.
    public var meanAbsolute: [Double] {
        var sums = [Double](repeating: 0, count: featureNames.count)
        for e in explanations {
            for (i, v) in e.attributions.enumerated() where i < sums.count && v.isFinite { sums[i] += abs(v) }
        }
        return sums.map { $0 / Double(max(1, explanations.count)) }
    }

    /// The features shown, by decreasing mean |φ|.
    public var shownFeatures: [Int] { Array(AttributionChart.order(meanAbsolute).prefix(topK)) }

    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let shown = shownFeatures, means = meanAbsolute
        guard !shown.isEmpty else { return d }
        let titleHeight = measure.measure("0", font: Fonts.heading).height + 6
        let axisHeight = Axes.bottomHeight(measure: measure)
        let labels = shown.map { featureNames[$0] }
        let widest = labels.map { measure.measure($0, font: Fonts.label).width }.max() ?? 0
        let labelColumn = min(widest, frame.width * 0.25) + 8
        let body = frame.inset(top: titleHeight, left: labelColumn, bottom: axisHeight)
        let band = min(22, body.height / Double(shown.count))
        let plotHeight = band * Double(shown.count)
        let columns = body.inset(right: 50).columns(2, gap: 26)
        let barPlot = Rect(x: columns[0].minX, y: body.minY, width: columns[0].width * 0.8, height: plotHeight)
        let swarmPlot = Rect(x: barPlot.maxX + 26, y: body.minY, width: columns[1].maxX - barPlot.maxX - 26,
                             height: plotHeight)
        d.text("mean |φ|", at: Point(barPlot.minX, frame.minY), font: Fonts.heading, baseline: .top, role: .title)
        d.text("φ per row (\(Labels.count(explanations.count)) rows)", at: Point(swarmPlot.minX, frame.minY),
               font: Fonts.heading, baseline: .top, role: .title)
        // Mean |φ| bars.
        let valueTexts = shown.map { Labels.number(means[$0], digits: 3) }
        let valueMargin = (valueTexts.map { measure.measure($0, font: Fonts.tick).width }.max() ?? 0) + 6
        let barScale = Scale(lower: 0, upper: max(means[shown[0]], 1e-12), start: barPlot.minX,
                             end: barPlot.maxX - valueMargin)
        Axes.bottom(barScale, plot: barPlot, title: Labels.meanAbsAxis, measure: measure, tickCount: 4, into: &d)
        for (i, f) in shown.enumerated() {
            let y = barPlot.minY + band * Double(i)
            let x1 = barScale.map(means[f])
            d.rect(Rect(x: barPlot.minX, y: y + band * 0.18, width: max(0.5, x1 - barPlot.minX), height: band * 0.64),
                   fill: Palette.magnitude, role: .bar, value: means[f], key: String(f))
            d.text(valueTexts[i], at: Point(x1 + 3, y + band / 2), font: Fonts.tick, color: Palette.mutedText,
                   baseline: .middle, role: .valueLabel)
            d.fittedText(labels[i], at: Point(frame.minX + labelColumn - 6, y + band / 2), width: labelColumn - 8,
                         font: Fonts.label, measure: measure, anchor: .end, baseline: .middle, role: .barLabel)
        }
        drawSwarm(shown: shown, band: band, plot: swarmPlot, measure: measure, into: &d)
        let bar = Rect(x: swarmPlot.maxX + 22, y: swarmPlot.minY + plotHeight * 0.1, width: 10,
                       height: plotHeight * 0.8)
        ColorScale.sequentialBar(in: bar, lower: Labels.featureValueLow, upper: Labels.featureValueHigh,
                                 title: Labels.featureValueTitle, into: &d)
        return d
    }

    private func drawSwarm(shown: [Int], band: Double, plot: Rect, measure: any TextMeasuring,
                           into d: inout Drawing) {
        var lo = 0.0, hi = 0.0
        for e in explanations { for f in shown where f < e.attributions.count && e.attributions[f].isFinite {
            lo = min(lo, e.attributions[f])
            hi = max(hi, e.attributions[f])
        } }
        let pad = (hi - lo) * 0.04
        let scale = Scale(lower: lo - pad, upper: hi + pad, start: plot.minX, end: plot.maxX)
        Axes.bottom(scale, plot: plot, title: Labels.attributionAxis, measure: measure, into: &d)
        d.line(Point(scale.map(0), plot.minY), Point(scale.map(0), plot.maxY), Stroke(Palette.axis, width: 0.6),
               role: .zeroLine)
        let radius = explanations.count > 300 ? 1.1 : explanations.count > 80 ? 1.5 : 2.0
        for (i, f) in shown.enumerated() {
            let centre = plot.minY + band * (Double(i) + 0.5)
            d.line(Point(plot.minX, centre), Point(plot.maxX, centre), Stroke(Palette.grid, width: 0.4),
                   role: .gridLine)
            let values = explanations.map { f < $0.attributions.count ? $0.attributions[f] : .nan }
            let raw: [Double?] = explanations.map { e in
                e.row >= 0 && e.row < rows.count && f < rows[e.row].count ? Double(rows[e.row][f]) : nil
            }
            let sortedRaw = raw.compactMap { $0 }.filter(\.isFinite).sorted()
            let vlo = FeatureStats.percentile(sorted: sortedRaw, 0.05), vhi = FeatureStats.percentile(sorted: sortedRaw, 0.95)
            let xs = values.map { $0.isFinite ? scale.map($0) : Double.nan }
            let offsets = SummaryFigure.swarmOffsets(xs, diameter: radius * 2, halfHeight: band * 0.42)
            for j in values.indices where xs[j].isFinite {
                let color = raw[j].map { v in Palette.sequential(vhi > vlo ? (v - vlo) / (vhi - vlo) : 0.5) }
                    ?? Palette.rule
                d.circle(Point(xs[j], centre + offsets[j]), radius: radius, fill: color.withAlpha(0.9), role: .dot,
                         value: values[j], key: String(f))
            }
        }
    }

    /// Vertical offsets that stack dots falling in the same x bin alternately above and below the centre line,
    /// compressed so the tallest stack fits `halfHeight`.
    static func swarmOffsets(_ xs: [Double], diameter: Double, halfHeight: Double) -> [Double] {
        var counts: [Int: Int] = [:]
        var slot = [Int](repeating: 0, count: xs.count)
        for i in xs.indices.sorted(by: { xs[$0] < xs[$1] }) where xs[i].isFinite {
            let bin = Int((xs[i] / diameter).rounded(.down))
            let k = counts[bin, default: 0]
            counts[bin] = k + 1
            slot[i] = k
        }
        let tallest = Double((counts.values.max() ?? 1) / 2 + 1)
        let step = min(diameter * 0.9, halfHeight / tallest)
        return slot.map { k in Double((k + 1) / 2) * step * (k % 2 == 0 ? 1 : -1) }
    }
}
