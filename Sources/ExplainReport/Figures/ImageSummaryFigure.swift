import ExplainMethods

/// The summary of image attributions over many rows: the mean signed map and the mean |φ| map.
public struct ImageSummaryFigure: Sendable {
    public var explanations: [Explanation]
    /// `[C, H, W]`.
    public var shape: [Int]

    public init(explanations: [Explanation], shape: [Int]) {
        precondition(shape.count == 3, "shape must be [C, H, W]")
        self.explanations = explanations
        self.shape = shape
    }

    /// Channel-summed maps averaged over rows: (mean φ, mean |φ|).
    public var means: (signed: [Double], magnitude: [Double]) {
        let plane = shape[1] * shape[2]
        var signed = [Double](repeating: 0, count: plane), magnitude = signed
        for e in explanations where e.attributions.count == plane * shape[0] {
            let map = ImageAttributionFigure.channelSum(e.attributions, shape: shape)
            for i in 0..<plane where map[i].isFinite {
                signed[i] += map[i]
                magnitude[i] += abs(map[i])
            }
        }
        let n = Double(max(1, explanations.count))
        return (signed.map { $0 / n }, magnitude.map { $0 / n })
    }

    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let (signed, magnitude) = means
        let h = shape[1], w = shape[2]
        let titleHeight = measure.measure("0", font: Fonts.label).height + 4
        let aspect = Double(w) / Double(h)
        let side = min(frame.height - titleHeight - 20, (frame.width - 2 * 90) / 2 / aspect)
        let panels = [Rect(x: frame.minX, y: frame.minY + titleHeight, width: side * aspect, height: side),
                      Rect(x: frame.minX + side * aspect + 90, y: frame.minY + titleHeight, width: side * aspect,
                           height: side)]
        let limit = ColorScale.clipLimit(signed)
        d.text("mean φ over \(Labels.rows(explanations.count))", at: Point(panels[0].midX, panels[0].minY - 4),
               font: Fonts.label, anchor: .middle, baseline: .bottom, role: .title)
        ColorScale.grid(signed, colors: signed.map { ColorScale.signedColor($0, limit: limit) }, rows: h, columns: w,
                        in: panels[0], role: .heatmapCell, into: &d)
        ColorScale.divergingBar(in: Rect(x: panels[0].maxX + 16, y: panels[0].minY, width: 12, height: side),
                                limit: limit, title: Labels.attributionAxis, measure: measure, into: &d)
        let top = ColorScale.clipLimit(magnitude)
        d.text("mean |φ|", at: Point(panels[1].midX, panels[1].minY - 4), font: Fonts.label, anchor: .middle,
               baseline: .bottom, role: .title)
        ColorScale.grid(magnitude, colors: magnitude.map { Palette.sequential($0 / top) }, rows: h, columns: w,
                        in: panels[1], role: .heatmapCell, into: &d)
        ColorScale.sequentialBar(in: Rect(x: panels[1].maxX + 16, y: panels[1].minY, width: 10, height: side),
                                 lower: "0", upper: Labels.number(top, digits: 3), title: "mean |φ|", into: &d)
        d.text(Labels.clipNote, at: Point(frame.minX, panels[0].maxY + 6), font: Fonts.small,
               color: Palette.mutedText, baseline: .top, role: .legend)
        return d
    }
}
