import ExplainMethods

/// A signed horizontal bar chart of one row's attributions, largest |φ| on top, read like a waterfall.
///
/// The top `topK` features by |φ| get a bar each, labelled `name = value`; the rest are summed into one
/// "N other features" bar (when more than one feature is left). When the method has a base value, bars are
/// stacked from the base value (bottom) to base + Σφ (top), as in shap's waterfall plot (Lundberg & Lee 2017),
/// and dashed/solid lines mark the base value and the prediction f(x); otherwise bars start at zero. Positive bars
/// are red, negative blue; error bars show ±1.96 standard errors where the method reports them.
public struct AttributionChart: Sendable {
    /// One drawn bar, in top-to-bottom order.
    public struct Bar: Equatable, Sendable {
        public var label: String
        /// The attribution (or the sum of attributions for the "other" bar).
        public var value: Double
        /// Where the bar starts and ends on the x axis (cumulative in waterfall mode).
        public var start: Double
        public var end: Double
        public var stdError: Double?
        /// The feature index, or nil for the "other features" bar.
        public var feature: Int?
    }

    public var explanation: Explanation
    public var featureNames: [String]
    /// The row's raw feature values, for the labels; nil to show names only.
    public var featureValues: [Double]?
    /// The number of features that get their own bar.
    public var topK: Int
    public var method: String
    /// The attributions' unit for the axis title (`probability per unit of the feature`), or nil.
    public var unit: String?

    public init(explanation: Explanation, featureNames: [String], featureValues: [Double]?, method: String,
                topK: Int = 12, unit: String? = nil) {
        self.explanation = explanation
        self.featureNames = featureNames
        self.featureValues = featureValues
        self.method = method
        self.topK = max(1, topK)
        self.unit = unit
    }

    /// The features summed into the "other" bar: how many, and their Σ|φ|; nil when every feature has a bar.
    public var notShown: (count: Int, absoluteSum: Double)? {
        let phi = explanation.attributions
        guard phi.count - topK > 1 else { return nil }
        let rest = AttributionChart.order(phi).dropFirst(topK)
        return (rest.count, rest.reduce(0.0) { $0 + (phi[$1].isFinite ? abs(phi[$1]) : 0) })
    }

    /// Whether bars are stacked from the base value.
    public var isWaterfall: Bool { explanation.baseValue != nil }

    /// The bars, top to bottom: features by decreasing |φ| (ties by index), then the "other" bar.
    public func bars() -> [Bar] {
        let phi = explanation.attributions
        let order = AttributionChart.order(phi)
        let shownCount = phi.count - topK <= 1 ? phi.count : topK
        var bars: [Bar] = order.prefix(shownCount).map { i in
            let se = explanation.stdErrors.flatMap { i < $0.count ? $0[i] : nil }
            let name = i < featureNames.count ? featureNames[i] : "feature \(i)"
            let value = featureValues.flatMap { i < $0.count ? $0[i] : nil }
            return Bar(label: Labels.featureValue(name, value), value: phi[i], start: 0, end: phi[i],
                       stdError: se, feature: i)
        }
        if shownCount < phi.count {
            let rest = order.dropFirst(shownCount).reduce(0.0) { $0 + phi[$1] }
            bars.append(Bar(label: Labels.otherFeatures(phi.count - shownCount), value: rest, start: 0, end: rest,
                            stdError: nil, feature: nil))
        }
        if let base = explanation.baseValue {
            var running = base
            for i in bars.indices.reversed() {
                bars[i].start = running
                running += bars[i].value
                bars[i].end = running
            }
        }
        return bars
    }

    /// Feature indices by decreasing |φ|, ties broken by index (non-finite values last).
    public static func order(_ phi: [Double]) -> [Int] {
        phi.indices.sorted { a, b in
            let x = phi[a].isFinite ? abs(phi[a]) : -1, y = phi[b].isFinite ? abs(phi[b]) : -1
            return x != y ? x > y : a < b
        }
    }

    /// Lays the chart out in `frame`.
    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let bars = bars()
        guard !bars.isEmpty else { return d }
        let hasErrors = bars.contains { ($0.stdError ?? 0) > 0 }
        let notShown = notShown
        let lineHeight = measure.measure("0", font: Fonts.label).height + 3
        let topBand = isWaterfall ? lineHeight : 0
        let bottomBand = (isWaterfall ? lineHeight : 0) + Axes.bottomHeight(measure: measure)
            + (hasErrors || notShown != nil ? lineHeight : 0)
        // Label column sized to the widest label (shrunk only when it would take over half the chart).
        let labelWidths = bars.map { measure.measure($0.label, font: Fonts.label).width }
        let cap = frame.width * 0.45
        let widest = labelWidths.max() ?? 0
        var labelFont = Fonts.label
        if widest > cap { labelFont.size = max(Fonts.minimumSize, labelFont.size * cap / widest) }
        let labelColumn = min(cap, widest * labelFont.size / Fonts.label.size) + 8
        let valueTexts = bars.map { Labels.signed($0.value) }
        let valueMargin = (valueTexts.map { measure.measure($0, font: Fonts.tick).width }.max() ?? 0) + 6
        let band = min(28, max(8, (frame.height - topBand - bottomBand) / Double(bars.count)))
        let plot = Rect(x: frame.minX + labelColumn, y: frame.minY + topBand, width: frame.width - labelColumn,
                        height: band * Double(bars.count))
        // Domain: every bar end, error bar end, marker and zero (without a base value).
        var values = bars.flatMap { [$0.start, $0.end] }
        for b in bars { if let se = b.stdError, se.isFinite { values += [b.end - 1.96 * se, b.end + 1.96 * se] } }
        if let base = explanation.baseValue { values += [base, explanation.prediction] } else { values.append(0) }
        let finite = values.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let pad = (hi - lo) * 0.03
        let scale = Scale(lower: lo - pad, upper: hi + pad, start: plot.minX + valueMargin,
                          end: plot.maxX - valueMargin)
        let unitText = unit.map { ", \($0)" } ?? ""
        let axisTitle = isWaterfall
            ? "\(Labels.outputAxis) for ‘\(explanation.targetName)’ (bars: \(Labels.attributionAxis)\(unitText))"
            : "\(Labels.attributionAxis) for ‘\(explanation.targetName)’\(unit.map { " (\($0))" } ?? "")"
        let axisPlot = Rect(x: plot.minX, y: plot.minY, width: plot.width,
                            height: plot.height + (isWaterfall ? lineHeight : 0))
        Axes.bottom(scale, plot: axisPlot, title: axisTitle, measure: measure, into: &d)
        if !isWaterfall {
            d.line(Point(scale.map(0), plot.minY), Point(scale.map(0), plot.maxY), Stroke(Palette.axis, width: 0.7),
                   role: .zeroLine)
        }
        if let base = explanation.baseValue {
            drawMarkers(base: base, scale: scale, plot: plot, lineHeight: lineHeight, measure: measure, into: &d)
        }
        for (i, bar) in bars.enumerated() {
            let y = plot.minY + band * Double(i)
            let thickness = band * 0.66
            let top = y + (band - thickness) / 2
            let x0 = scale.map(min(bar.start, bar.end)), x1 = scale.map(max(bar.start, bar.end))
            let rect = Rect(x: x0, y: top, width: max(x1 - x0, 0.5), height: thickness)
            d.rect(rect, fill: Palette.attribution(bar.value), role: bar.feature == nil ? .otherBar : .bar,
                   value: bar.value, key: bar.feature.map(String.init))
            var tipOuter = bar.value < 0 ? min(x0, x1) : max(x0, x1)
            if let se = bar.stdError, se > 0, se.isFinite {
                let a = scale.map(bar.end - 1.96 * se), b = scale.map(bar.end + 1.96 * se), cy = y + band / 2
                let s = Stroke(Palette.marker, width: 0.8)
                d.line(Point(a, cy), Point(b, cy), s, role: .errorBar, value: se, key: bar.feature.map(String.init))
                d.line(Point(a, cy - thickness / 4), Point(a, cy + thickness / 4), s, role: .errorBar)
                d.line(Point(b, cy - thickness / 4), Point(b, cy + thickness / 4), s, role: .errorBar)
                tipOuter = bar.value < 0 ? min(tipOuter, a, b) : max(tipOuter, a, b)
            }
            let valueItem = TextItem(valueTexts[i], at: Point(bar.value < 0 ? tipOuter - 3 : tipOuter + 3,
                                                              y + band / 2),
                                     font: Fonts.tick, anchor: bar.value < 0 ? .end : .start, baseline: .middle)
            // A white backdrop keeps the value legible where it crosses a marker or grid line.
            d.rect(measure.bounds(of: valueItem).inset(by: -1), fill: Color(grey: 1).withAlpha(0.85), role: .backdrop)
            d.add(Element(.text(valueItem), fill: Palette.text, role: .valueLabel))
            d.fittedText(bar.label, at: Point(plot.minX - 6, y + band / 2), width: labelColumn - 8, font: labelFont,
                         measure: measure, color: bar.feature == nil ? Palette.mutedText : Palette.text,
                         anchor: .end, baseline: .middle, role: .barLabel)
            if isWaterfall, i + 1 < bars.count {
                let x = scale.map(bar.start)
                d.line(Point(x, top + thickness), Point(x, y + band + (band - thickness) / 2),
                       Stroke(Palette.connector, width: 0.5, dash: [1.5, 1.5]), role: .connector)
            }
        }
        let noteY = frame.minY + topBand + plot.height + (isWaterfall ? lineHeight : 0)
            + Axes.bottomHeight(measure: measure) + 3
        if hasErrors {
            d.text(Labels.errorBarNote, at: Point(plot.maxX, noteY), font: Fonts.small, color: Palette.mutedText,
                   anchor: .end, baseline: .top, role: .legend)
        }
        if let notShown {
            d.text(Labels.featuresNotShown(notShown.count, absoluteSum: notShown.absoluteSum)
                   + "; their Σφ is the last bar",
                   at: Point(frame.minX, noteY), font: Fonts.small, color: Palette.mutedText, baseline: .top,
                   role: .legend)
        }
        return d
    }

    private func drawMarkers(base: Double, scale: Scale, plot: Rect, lineHeight: Double, measure: any TextMeasuring,
                             into d: inout Drawing) {
        let xb = scale.map(base), xp = scale.map(explanation.prediction)
        d.line(Point(xb, plot.minY), Point(xb, plot.maxY + 2), Stroke(Palette.marker, width: 0.8, dash: [3, 2]),
               role: .baseMarker, value: base)
        d.line(Point(xp, plot.minY - 2), Point(xp, plot.maxY), Stroke(Palette.marker, width: 0.8),
               role: .predictionMarker, value: explanation.prediction)
        let baseText = "\(Labels.baseValueName(method)) = \(Labels.number(base))"
        let predictionText = "f(x) = \(Labels.number(explanation.prediction))"
        func clampedX(_ x: Double, _ text: String) -> Double {
            let half = measure.measure(text, font: Fonts.labelBold).width / 2
            return min(max(x, plot.minX + half), plot.maxX - half)
        }
        d.text(predictionText, at: Point(clampedX(xp, predictionText), plot.minY - 3), font: Fonts.labelBold,
               anchor: .middle, baseline: .bottom, role: .predictionMarker)
        d.text(baseText, at: Point(clampedX(xb, baseText), plot.maxY + 3), font: Fonts.labelBold, anchor: .middle,
               baseline: .top, role: .baseMarker)
    }
}
