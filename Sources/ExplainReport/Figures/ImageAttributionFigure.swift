/// Image attributions: the input in greyscale, the signed heatmap, and the heatmap over the input, side by side.
///
/// Channels are summed (captum's `visualize_image_attr` convention) to one H×W map. The diverging map is centred on
/// zero and clipped symmetrically at the 98th percentile of |φ| (`ColorScale.clipLimit`); a colour bar shows the
/// limits. Cells are drawn as crisp rectangles, so an 8×8 digit shows 64 sharp squares.
public struct ImageAttributionFigure: Sendable {
    /// Attributions in CHW order.
    public var attributions: [Double]
    /// The input in CHW order; nil shows the heatmap alone.
    public var input: [Double]?
    /// `[C, H, W]`.
    public var shape: [Int]
    /// The attributions' unit, for the note under the panels (`probability per unit of the feature`), or nil.
    public var unit: String?

    public init(attributions: [Double], input: [Double]?, shape: [Int], unit: String? = nil) {
        precondition(shape.count == 3 && shape.reduce(1, *) == attributions.count, "shape must be [C, H, W]")
        self.attributions = attributions
        self.input = input.flatMap { $0.count == attributions.count ? $0 : nil }
        self.shape = shape
        self.unit = unit
    }

    var height: Int { shape[1] }
    var width: Int { shape[2] }

    /// The attribution map summed over channels, H×W row-major.
    public var heatmap: [Double] { ImageAttributionFigure.channelSum(attributions, shape: shape) }

    /// The symmetric colour limit of the heatmap.
    public var limit: Double { ColorScale.clipLimit(heatmap) }

    /// Sums a CHW array over its channels.
    public static func channelSum(_ values: [Double], shape: [Int]) -> [Double] {
        let plane = shape[1] * shape[2]
        var out = [Double](repeating: 0, count: plane)
        for c in 0..<shape[0] { for i in 0..<plane { out[i] += values[c * plane + i] } }
        return out
    }

    /// The input as greyscale in [0, 1]: the channel mean, scaled to the image's own min…max.
    public var greyInput: [Double]? {
        guard let input else { return nil }
        let mean = ImageAttributionFigure.channelSum(input, shape: shape).map { $0 / Double(shape[0]) }
        let finite = mean.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        return mean.map { hi > lo ? ($0 - lo) / (hi - lo) : 0.5 }
    }

    /// The height the figure uses at `width` when height is not the constraint.
    public func preferredHeight(width: Double, measure: any TextMeasuring) -> Double {
        let panelCount = input == nil ? 1.0 : 3.0
        let panelWidth = (width - 58 - 16 * panelCount) / panelCount
        return measure.measure("0", font: Fonts.label).height + 4 + measure.measure("0", font: Fonts.small).height
            + 6 + max(0, panelWidth) * Double(height) / Double(self.width)
    }

    /// Lays out the panels and the colour bar in `frame`.
    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let map = heatmap, limit = limit, grey = greyInput
        let panelCount = grey == nil ? 1 : 3
        let titleHeight = measure.measure("0", font: Fonts.label).height + 4
        let noteHeight = measure.measure("0", font: Fonts.small).height + 6
        let colorBarWidth = 58.0, gap = 16.0
        let aspect = Double(width) / Double(height)
        let maxPanelWidth = (frame.width - colorBarWidth - gap * Double(panelCount)) / Double(panelCount)
        let maxPanelHeight = frame.height - titleHeight - noteHeight
        var panelHeight = min(maxPanelHeight, maxPanelWidth / aspect)
        panelHeight = max(0, panelHeight)
        let panelWidth = panelHeight * aspect
        let top = frame.minY + titleHeight
        var x = frame.minX
        func panel(_ title: String) -> Rect {
            let r = Rect(x: x, y: top, width: panelWidth, height: panelHeight)
            d.text(title, at: Point(r.midX, r.minY - 4), font: Fonts.label, anchor: .middle, baseline: .bottom,
                   role: .title)
            x += panelWidth + gap
            return r
        }
        if let grey {
            let r = panel("input")
            ColorScale.grid(grey, colors: grey.map(Palette.grey), rows: height, columns: width, in: r,
                            role: .inputCell, into: &d)
            d.rect(r, stroke: Stroke(Palette.rule, width: 0.5), role: .frame)
        }
        let heat = panel(shape[0] > 1 ? "attribution (sum over channels)" : "attribution")
        ColorScale.grid(map, colors: map.map { ColorScale.signedColor($0, limit: limit) }, rows: height,
                        columns: width, in: heat, role: .heatmapCell, into: &d)
        d.rect(heat, stroke: Stroke(Palette.rule, width: 0.5), role: .frame)
        if let grey {
            let r = panel("overlay on input")
            let blended = zip(grey, map).map { g, v in
                let strength = min(1, abs(v) / limit) * 0.85
                return Color.mix(Palette.grey(0.25 + 0.75 * g), ColorScale.signedColor(v, limit: limit), strength)
            }
            ColorScale.grid(map, colors: blended, rows: height, columns: width, in: r, role: .overlayCell,
                            into: &d)
            d.rect(r, stroke: Stroke(Palette.rule, width: 0.5), role: .frame)
        }
        let bar = Rect(x: x + 12, y: top, width: 12, height: panelHeight)
        ColorScale.divergingBar(in: bar, limit: limit, title: Labels.attributionAxis, measure: measure, into: &d)
        d.text("\(Labels.clipNote) (±\(Labels.number(limit, digits: 3)))" + (unit.map { " · φ in \($0)" } ?? ""),
               at: Point(frame.minX, top + panelHeight + 5), font: Fonts.small, color: Palette.mutedText,
               baseline: .top, role: .legend)
        return d
    }
}
