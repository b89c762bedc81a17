/// One row's hidden activations: a strip of units for a dense layer, a grid of feature maps for a conv layer.
///
/// Values are coloured with the sequential map, scaled to the layer's own min…max (shown at the right), so a
/// layer's pattern is visible whatever its range.
public struct ActivationFigure: Sendable {
    public var name: String
    /// `[n]` for a dense layer, `[C, H, W]` for a conv layer.
    public var shape: [Int]
    public var values: [Float]
    /// At most this many feature maps are drawn.
    public var maximumMaps = 48
    /// Dense layers with more units are drawn as one raster instead of one rectangle per unit.
    public static let maximumUnitRectangles = 2048

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    var isConvolutional: Bool { shape.count == 3 }

    /// The height the figure needs at `width`.
    public func height(width: Double, measure: any TextMeasuring) -> Double {
        let header = measure.measure("0", font: Fonts.labelBold).height + 4
        let (rows, cell) = gridGeometry(width: width - 60)
        return header + Double(rows) * cell.height + 6
    }

    /// Rows of tiles and the size of one tile (a unit cell or one feature map plus its gap).
    func gridGeometry(width: Double) -> (rows: Int, cell: Size) {
        if isConvolutional {
            let maps = min(shape[0], maximumMaps)
            let aspect = Double(shape[2]) / Double(max(1, shape[1]))
            let tileHeight = min(56, max(22, width / 12 / aspect))
            let tileWidth = tileHeight * aspect + 8
            let perRow = max(1, Int(width / tileWidth))
            return ((maps + perRow - 1) / perRow, Size(width: tileWidth, height: tileHeight + 4))
        }
        let n = max(1, values.count)
        let cell = max(4, min(14, width / Double(n)))
        let perRow = max(1, Int(width / cell))
        return ((n + perRow - 1) / perRow, Size(width: cell, height: cell))
    }

    public func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        var d = Drawing()
        let finite = values.map(Double.init).filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 0
        let header = measure.measure("0", font: Fonts.labelBold).height + 4
        let kind = isConvolutional ? "\(shape[0]) feature maps of \(shape[1])×\(shape[2])" : "\(values.count) units"
        d.text(name, at: Point(frame.minX, frame.minY), font: Fonts.labelBold, baseline: .top, role: .title)
        let nameWidth = measure.measure(name, font: Fonts.labelBold).width
        d.text("\(kind) · range \(Labels.number(lo, digits: 3)) … \(Labels.number(hi, digits: 3))",
               at: Point(frame.minX + nameWidth + 8, frame.minY), font: Fonts.tick, color: Palette.mutedText,
               baseline: .top, role: .text)
        let area = Rect(x: frame.minX, y: frame.minY + header, width: frame.width - 60, height: frame.height - header)
        let (_, cell) = gridGeometry(width: area.width)
        let color = { (v: Double) in Palette.sequential(hi > lo ? (v - lo) / (hi - lo) : 0.5) }
        if isConvolutional {
            let plane = shape[1] * shape[2]
            let perRow = max(1, Int(area.width / cell.width))
            for m in 0..<min(shape[0], maximumMaps) {
                let x = area.minX + Double(m % perRow) * cell.width, y = area.minY + Double(m / perRow) * cell.height
                let tile = Rect(x: x, y: y, width: cell.width - 8, height: cell.height - 4)
                let map = values[(m * plane)..<((m + 1) * plane)].map(Double.init)
                ColorScale.grid(map, colors: map.map(color), rows: shape[1], columns: shape[2], in: tile,
                                role: .unitCell, into: &d)
            }
            if shape[0] > maximumMaps {
                d.text("+ \(shape[0] - maximumMaps) more maps", at: Point(area.maxX + 6, area.minY + 20),
                       font: Fonts.tick, color: Palette.mutedText, baseline: .top, role: .text)
            }
        } else if values.count > ActivationFigure.maximumUnitRectangles {
            let perRow = max(1, Int(area.width / cell.width)), rowCount = (values.count + perRow - 1) / perRow
            var pixels = values.map { color(Double($0)) }
            pixels += [Color](repeating: Color(grey: 1), count: rowCount * perRow - values.count)
            let frame = Rect(x: area.minX, y: area.minY, width: Double(perRow) * cell.width,
                             height: Double(rowCount) * cell.height)
            d.add(Element(.raster(Raster(columns: perRow, rows: rowCount, pixels: pixels, frame: frame)),
                          role: .unitCell, isCrisp: true))
        } else {
            let perRow = max(1, Int(area.width / cell.width))
            for (i, v) in values.enumerated() {
                let r = Rect(x: area.minX + Double(i % perRow) * cell.width,
                             y: area.minY + Double(i / perRow) * cell.height, width: cell.width, height: cell.height)
                d.rect(r, fill: color(Double(v)), stroke: cell.width >= 8 ? Stroke(.init(grey: 1), width: 0.4) : nil,
                       role: .unitCell, value: Double(v), key: String(i), isCrisp: cell.width < 8)
            }
        }
        return d
    }
}
