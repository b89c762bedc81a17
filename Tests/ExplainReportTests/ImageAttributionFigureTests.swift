import ExplainReport
import Testing

@Suite("Heatmaps and colour scales")
struct ImageAttributionFigureTests {
    let measure = CairoTextMeasurer()
    let frame = Rect(x: 36, y: 80, width: 760, height: 300)

    func cells(_ d: Drawing, _ role: Role) -> [Element] { d.elements.filter { $0.role == role } }

    @Test("an 8×8 digit gives 64 crisp heatmap cells, 64 input cells and 64 overlay cells")
    func cellCount() {
        let values = (0..<64).map { Double($0 % 9) - 4 }
        let figure = ImageAttributionFigure(attributions: values, input: (0..<64).map(Double.init), shape: [1, 8, 8])
        let d = figure.draw(in: frame, measure: measure)
        for role in [Role.heatmapCell, .inputCell, .overlayCell] {
            let c = cells(d, role)
            #expect(c.count == 64)
            #expect(c.allSatisfy { e in
                if case .rect(let r) = e.shape { return e.isCrisp && r.width > 10 && abs(r.width - r.height) <= 0.3 + 1e-9 }
                return false
            })
        }
        #expect(cells(d, .heatmapCell).map { $0.value ?? .nan } == values)
    }

    @Test("channels are summed into one H×W map")
    func channelSum() {
        let shape = [3, 5, 7]
        let values = (0..<105).map { Double($0) }
        let figure = ImageAttributionFigure(attributions: values, input: nil, shape: shape)
        let d = figure.draw(in: frame, measure: measure)
        let heat = cells(d, .heatmapCell)
        #expect(heat.count == 35)
        for (i, cell) in heat.enumerated() { #expect(cell.value == Double(i) + Double(i + 35) + Double(i + 70)) }
        #expect(cells(d, .inputCell).isEmpty && cells(d, .overlayCell).isEmpty)
    }

    @Test("the colour scale clips the top 2 % of |values| symmetrically around zero")
    func clipping() {
        let values = (1...100).map(Double.init) + [-100]
        let limit = ColorScale.clipLimit(values.dropLast().map { $0 })
        #expect(abs(limit - 98.02) < 1e-9)
        #expect(ColorScale.signedColor(100, limit: limit) == Palette.diverging(1))
        #expect(ColorScale.signedColor(99, limit: limit) == Palette.diverging(1))
        #expect(ColorScale.signedColor(-100, limit: limit) == Palette.diverging(-1))
        #expect(ColorScale.signedColor(limit / 2, limit: limit) == Palette.diverging(0.5))
        #expect(ColorScale.signedColor(limit / 2, limit: limit) != Palette.diverging(1))
        #expect(ColorScale.signedColor(0, limit: limit) == Palette.diverging(0))
        #expect(ColorScale.clipLimit([0, 0, 0]) == 1)
    }

    @Test("heatmap cells take the clipped diverging colour and the colour bar is labelled ±limit")
    func heatmapColours() {
        let values = (0..<100).map { Double($0) - 49.5 } // |v| up to 49.5
        let figure = ImageAttributionFigure(attributions: values, input: nil, shape: [1, 10, 10])
        let limit = figure.limit
        #expect(abs(limit - 48.52) < 1e-9) // numpy: np.percentile(np.abs(np.arange(100) - 49.5), 98)
        let d = figure.draw(in: frame, measure: measure)
        let heat = cells(d, .heatmapCell)
        #expect(heat.first?.fill == Palette.diverging(-1) && heat.last?.fill == Palette.diverging(1))
        // −49.5 lies beyond the limit and is clipped to the end colour; −48.5 lies just inside it.
        #expect(heat[1].fill != Palette.diverging(-1))
        let stops = cells(d, .colorBarStop)
        #expect(stops.count == 64)
        #expect(stops.compactMap(\.value).allSatisfy { abs($0) <= limit })
        let labels = d.elements.compactMap { e -> String? in
            if case .text(let t) = e.shape, e.key == "colorbar" { return t.string }
            return nil
        }
        #expect(labels == [Labels.signed(limit), "0", Labels.signed(-limit)])
    }

    @Test("positive attributions are red and negative blue in the heatmap, as in the bar charts")
    func heatmapSignRule() {
        let figure = ImageAttributionFigure(attributions: [-1, -0.5, 0.5, 1], input: nil, shape: [1, 2, 2])
        let heat = cells(figure.draw(in: frame, measure: measure), .heatmapCell)
        for cell in heat {
            guard let fill = cell.fill, let v = cell.value else { continue }
            #expect(v > 0 ? fill.red > fill.blue : fill.blue > fill.red)
        }
    }

    @Test("large images are drawn as one nearest-neighbour raster of W×H pixels")
    func largeImage() {
        let values = (0..<(100 * 90)).map { Double($0 % 17) - 8 }
        let figure = ImageAttributionFigure(attributions: values, input: nil, shape: [1, 90, 100])
        let d = figure.draw(in: frame, measure: measure)
        let rasters = d.elements.compactMap { e -> Raster? in
            if case .raster(let r) = e.shape, e.role == .heatmapCell { return r }
            return nil
        }
        #expect(rasters.count == 1)
        #expect(rasters.first.map { $0.columns == 100 && $0.rows == 90 && $0.pixels.count == 9000 } == true)
    }
}
