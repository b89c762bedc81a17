import ExplainMethods

/// Several methods' attributions for one row, side by side, sharing one feature column.
///
/// Features are those with the largest importance averaged over methods, each method's |φ| first divided by its
/// largest |φ| so that methods on different scales count equally. Each method gets its own symmetric x scale,
/// zero line and bars (red positive, blue negative, ±1.96 SE error bars). A second header line under each method
/// gives its unit note and its ticks' power of ten (`×1e−6`); a last line counts the features left out and gives
/// each method's Σ|φ| over them.
public struct ComparisonChart: Sendable {
    public struct Column: Sendable {
        public var method: String
        public var explanation: Explanation
        /// A short unit note for the header (`per unit of the feature`), or nil.
        public var unitNote: String?

        public init(method: String, explanation: Explanation, unitNote: String? = nil) {
            self.method = method
            self.explanation = explanation
            self.unitNote = unitNote
        }
    }

    public var columns: [Column]
    public var featureNames: [String]
    public var featureValues: [Double]?
    public var topK: Int
    /// The features to show, in order, instead of choosing them from these columns (several charts of one row, each
    /// with some of its methods, then share one feature column).
    public var features: [Int]?

    public init(columns: [Column], featureNames: [String], featureValues: [Double]?, topK: Int = 12) {
        self.columns = columns
        self.featureNames = featureNames
        self.featureValues = featureValues
        self.topK = max(1, topK)
    }

    /// The features shown, by decreasing normalised importance averaged over methods.
    public var shownFeatures: [Int] {
        if let features { return features }
        var score = [Double](repeating: 0, count: featureNames.count)
        for c in columns {
            let phi = c.explanation.attributions
            let m = phi.filter(\.isFinite).map(abs).max() ?? 0
            guard m > 0 else { continue }
            for (i, v) in phi.enumerated() where i < score.count && v.isFinite { score[i] += abs(v) / m }
        }
        return Array(AttributionChart.order(score).prefix(topK))
    }

    /// The pairwise agreement table rows: method A, method B, Spearman ρ of |φ|, top-5 overlap.
    public var agreementRows: [[String]] {
        var rows: [[String]] = []
        for i in columns.indices {
            for j in columns.indices where j > i {
                let a = columns[i].explanation.attributions, b = columns[j].explanation.attributions
                let rho = Agreement.spearman(a, b).map { Labels.number($0, digits: 3) } ?? "n/a"
                let overlap = Agreement.topOverlap(a, b, k: 5)
                let k = min(5, a.count)
                rows.append([Labels.methodName(columns[i].method), Labels.methodName(columns[j].method), rho,
                             "\(Int((overlap * Double(k)).rounded())) of \(k)"])
            }
        }
        return rows
    }

    /// Each column's symmetric scale limit: the largest |φ| + 1.96 SE over the shown features, rounded up.
    func limits(shown: [Int]) -> [Double] {
        columns.map { column in
            let phi = column.explanation.attributions, se = column.explanation.stdErrors
            var m = 0.0
            for f in shown where f < phi.count && phi[f].isFinite {
                m = max(m, abs(phi[f]) + 1.96 * (se.flatMap { f < $0.count ? $0[f] : nil } ?? 0))
            }
            return Scale.niceStep(m > 0 ? m : 1)
        }
    }

    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let shown = shownFeatures
        guard !shown.isEmpty, !columns.isEmpty else { return d }
        let hidden = featureNames.indices.filter { !shown.contains($0) }
        let labels = shown.map { i in Labels.featureValue(featureNames[i], featureValues.flatMap { i < $0.count ? $0[i] : nil }) }
        let hiddenLabel = Labels.featuresNotShown(hidden.count, absoluteSum: nil)
        let widest = (labels + (hidden.isEmpty ? [] : [hiddenLabel])).map { measure.measure($0, font: Fonts.label).width }.max() ?? 0
        let labelColumn = min(widest, frame.width * 0.3) + 8
        let limits = limits(shown: shown)
        let probes = limits.map { Scale(lower: -$0, upper: $0, start: 0, end: 1) }
        let noteLines = (columns.contains { $0.unitNote != nil } ? 1 : 0) + (probes.contains { $0.exponent != nil } ? 1 : 0)
        let lineHeight = measure.measure("0", font: Fonts.labelBold).height
        let noteLineHeight = measure.measure("0", font: Fonts.tick).height + 1
        let headerHeight = lineHeight + 6 + Double(noteLines) * noteLineHeight
        let tickHeight = Axes.bottomHeight(measure: measure, hasTitle: false)
        let noteHeight = hidden.isEmpty ? 0 : measure.measure("0", font: Fonts.label).height + 4
        let axisHeight = Axes.bottomHeight(measure: measure) + noteHeight
        let body = frame.inset(top: headerHeight, left: labelColumn, bottom: axisHeight)
        let band = min(22, body.height / Double(shown.count))
        let panelHeight = band * Double(shown.count)
        let panels = Rect(x: body.minX, y: body.minY, width: body.width, height: panelHeight)
            .columns(columns.count, gap: 14)
        for (i, label) in labels.enumerated() {
            let y = body.minY + band * (Double(i) + 0.5)
            d.fittedText(label, at: Point(frame.minX + labelColumn - 6, y), width: labelColumn - 8, font: Fonts.label,
                         measure: measure, anchor: .end, baseline: .middle, role: .barLabel)
        }
        // The left-out features sit below the axis's tick labels.
        let hiddenY = body.minY + panelHeight + tickHeight + noteHeight / 2
        if !hidden.isEmpty {
            d.fittedText(hiddenLabel, at: Point(frame.minX + labelColumn - 6, hiddenY), width: labelColumn - 8,
                         font: Fonts.label, measure: measure, color: Palette.mutedText, anchor: .end,
                         baseline: .middle, role: .legend)
        }
        for ((column, panel), m) in zip(zip(columns, panels), limits) {
            let phi = column.explanation.attributions, se = column.explanation.stdErrors
            // Keep the end tick labels inside the panel so neighbouring panels' labels never meet.
            let probe = Scale(lower: -m, upper: m, start: 0, end: 1)
            let pad = measure.measure(probe.label(-m), font: Fonts.tick).width / 2 + 2
            let scale = Scale(lower: -m, upper: m, start: panel.minX + pad, end: panel.maxX - pad)
            d.fittedText(Labels.methodName(column.method), at: Point(panel.midX, frame.minY), width: panel.width,
                         font: Fonts.labelBold, measure: measure, anchor: .middle, baseline: .top, role: .title)
            let factor = Axes.bottom(scale, plot: panel, title: nil, measure: measure, tickCount: 2, into: &d)
            // Under the name: the unit note (muted), then the ticks' factor (in the warning colour: easy to miss).
            var y = frame.minY + lineHeight + 2
            for (note, color) in [(column.unitNote, Palette.mutedText), (factor, Palette.warning)] {
                guard let note else { continue }
                d.fittedText(note, at: Point(panel.midX, y), width: panel.width + 12, font: Fonts.tick,
                             measure: measure, color: color, anchor: .middle, baseline: .top, role: .legend)
                y += noteLineHeight
            }
            d.line(Point(scale.map(0), panel.minY), Point(scale.map(0), panel.maxY), Stroke(Palette.axis, width: 0.6),
                   role: .zeroLine)
            for (i, f) in shown.enumerated() where f < phi.count && phi[f].isFinite {
                let y = panel.minY + band * Double(i)
                let x0 = scale.map(0), x1 = scale.map(phi[f])
                d.rect(Rect(x: min(x0, x1), y: y + band * 0.2, width: max(0.5, abs(x1 - x0)), height: band * 0.6),
                       fill: Palette.attribution(phi[f]), role: .bar, value: phi[f], key: "\(column.method):\(f)")
                if let s = se.flatMap({ f < $0.count ? $0[f] : nil }), s > 0, s.isFinite {
                    let cy = y + band / 2
                    d.line(Point(scale.map(phi[f] - 1.96 * s), cy), Point(scale.map(phi[f] + 1.96 * s), cy),
                           Stroke(Palette.marker, width: 0.7), role: .errorBar, value: s)
                }
            }
            if !hidden.isEmpty {
                let rest = hidden.reduce(0.0) { $0 + (($1 < phi.count && phi[$1].isFinite) ? abs(phi[$1]) : 0) }
                d.fittedText("Σ|φ| \(Labels.number(rest, digits: 3))", at: Point(panel.midX, hiddenY),
                             width: panel.width, font: Fonts.tick, measure: measure, color: Palette.mutedText,
                             anchor: .middle, baseline: .middle, role: .legend)
            }
        }
        let titleY = body.minY + panelHeight + axisHeight - 1
        d.text(Labels.attributionAxis + " (each method on its own scale)",
               at: Point(body.midX, titleY), font: Fonts.label,
               anchor: .middle, baseline: .bottom, role: .axisTitle)
        return d
    }
}
