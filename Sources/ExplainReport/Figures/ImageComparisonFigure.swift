/// Several methods' image attributions for one row: the input, then one heatmap per method, each with its own
/// symmetric 98th-percentile colour limit.
public struct ImageComparisonFigure: Sendable {
    public var methods: [String]
    /// One CHW attribution array per method.
    public var attributions: [[Double]]
    public var input: [Double]?
    public var shape: [Int]
    /// Per method, a unit note shown under its colour limit (`per unit of the feature`), or nil.
    public var notes: [String?]

    public init(methods: [String], attributions: [[Double]], input: [Double]?, shape: [Int], notes: [String?] = []) {
        precondition(methods.count == attributions.count && shape.count == 3, "one map per method, shape [C, H, W]")
        self.methods = methods
        self.attributions = attributions
        self.input = input
        self.shape = shape
        self.notes = notes
    }

    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let h = shape[1], w = shape[2], aspect = Double(w) / Double(h)
        let panelCount = methods.count + (input == nil ? 0 : 1)
        let perRow = min(panelCount, 5)
        let rowCount = (panelCount + perRow - 1) / perRow
        let titleHeight = measure.measure("0", font: Fonts.label).height + 4
        let hasNotes = notes.contains { $0 != nil }
        let footHeight = (measure.measure("0", font: Fonts.tick).height + 2) * (hasNotes ? 2 : 1) + 4
        let gap = 18.0
        let side = max(0, min((frame.width - gap * Double(perRow - 1)) / Double(perRow) / aspect,
                              (frame.height - Double(rowCount) * (titleHeight + footHeight + gap)) / Double(rowCount)))
        var index = 0
        func nextPanel(_ title: String) -> Rect {
            let r = Rect(x: frame.minX + Double(index % perRow) * (side * aspect + gap),
                         y: frame.minY + titleHeight + Double(index / perRow) * (side + titleHeight + footHeight + gap),
                         width: side * aspect, height: side)
            index += 1
            d.fittedText(title, at: Point(r.midX, r.minY - 4), width: r.width + gap - 2, font: Fonts.labelBold,
                         measure: measure, anchor: .middle, baseline: .bottom, role: .title)
            return r
        }
        if let input {
            let grey = ImageAttributionFigure(attributions: input, input: input, shape: shape).greyInput ?? []
            let r = nextPanel("input")
            ColorScale.grid(grey, colors: grey.map(Palette.grey), rows: h, columns: w, in: r, role: .inputCell,
                            into: &d)
        }
        for (k, (method, values)) in zip(methods, attributions).enumerated() {
            let map = ImageAttributionFigure.channelSum(values, shape: shape)
            let limit = ColorScale.clipLimit(map)
            let r = nextPanel(Labels.methodName(method))
            ColorScale.grid(map, colors: map.map { ColorScale.signedColor($0, limit: limit) }, rows: h, columns: w,
                            in: r, role: .heatmapCell, into: &d)
            d.rect(r, stroke: Stroke(Palette.rule, width: 0.5), role: .frame)
            d.text("colour limit ±\(Labels.number(limit, digits: 3))", at: Point(r.midX, r.maxY + 3), font: Fonts.tick,
                   color: Palette.text, anchor: .middle, baseline: .top, role: .tickLabel)
            if k < notes.count, let note = notes[k] {
                d.fittedText(note, at: Point(r.midX, r.maxY + 5 + measure.measure("0", font: Fonts.tick).height),
                             width: r.width + gap - 2, font: Fonts.tick, measure: measure, color: Palette.mutedText,
                             anchor: .middle, baseline: .top, role: .legend)
            }
        }
        d.text("blue negative, red positive; each map is clipped at its own 98th percentile of |φ| (the limit "
               + "below it)", at: Point(frame.minX, frame.minY + titleHeight
                                        + Double(rowCount) * (side + titleHeight + footHeight + gap) - gap + 2),
               font: Fonts.small, color: Palette.mutedText, baseline: .top, role: .legend)
        return d
    }
}
