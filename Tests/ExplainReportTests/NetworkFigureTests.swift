import ExplainNN
import ExplainReport
import Testing

@Suite("Activation, layer attribution and training figures")
struct NetworkFigureTests {
    let measure = CairoTextMeasurer()
    let frame = Rect(x: 36, y: 80, width: 770, height: 300)

    @Test("a dense layer is a strip with one cell per unit, coloured by its value within the layer's range")
    func denseStrip() {
        let values: [Float] = (0..<50).map { Float($0) / 7 - 2 }
        let d = ActivationFigure(name: "fc1", shape: [50], values: values).draw(in: frame, measure: measure)
        let cells = d.elements.filter { $0.role == .unitCell }
        #expect(cells.count == 50)
        #expect(cells.first?.fill == Palette.sequential(0))
        #expect(cells.last?.fill == Palette.sequential(1))
    }

    @Test("a conv layer is a grid of feature maps with H×W cells each")
    func convMaps() {
        let values = (0..<(5 * 4 * 3)).map { Float($0) }
        let figure = ActivationFigure(name: "conv1", shape: [5, 4, 3], values: values)
        let d = figure.draw(in: frame, measure: measure)
        #expect(d.elements.filter { $0.role == .unitCell }.count == 60)
        #expect(figure.height(width: frame.width, measure: measure) > 0)
    }

    @Test("layer attribution draws one signed bar per unit")
    func layerBars() {
        let scores = [0.5, -0.2, 0, 1.5, -3]
        let d = LayerAttributionChart(layer: "fc1", method: "integrated-gradients", scores: scores)
            .draw(in: frame, measure: measure)
        let bars = d.elements.filter { $0.role == .unitBar }
        #expect(bars.compactMap(\.value) == scores)
        for bar in bars where (bar.value ?? 0) != 0 {
            #expect(bar.fill == ((bar.value ?? 0) < 0 ? Palette.negative : Palette.positive))
        }
    }

    @Test("training plots have one curve per split or layer, over every epoch")
    func trainingPlots() {
        let history = ReportFixtures.history(epochs: 12)
        let figures = TrainingFigures(history: history)
        #expect(figures.layerNames == ["fc1", "relu1", "fc2"])
        let loss = figures.lossPlot()
        #expect(loss.series.map(\.name) == ["train", "validation"])
        #expect(loss.series.allSatisfy { $0.points.count == 12 })
        let gradient = figures.gradientNormPlot()
        #expect(gradient.isLogarithmic)
        #expect(gradient.series.map(\.name) == ["fc1", "fc2"])
        #expect(figures.deadFractionPlot().series.map(\.name) == ["relu1"])
        let bands = figures.activationPlot(layer: "fc2")
        #expect(bands.bands.count == 2 && bands.bands.allSatisfy { $0.lower.count == 12 })
        let d = loss.draw(in: frame, measure: measure)
        #expect(d.elements.filter { $0.role == .curve }.count == 2)
        #expect(d.elements.contains { $0.role == .axisTitle })
        let log = gradient.draw(in: frame, measure: measure)
        let ticks = log.elements.compactMap { e -> String? in
            if case .text(let t) = e.shape, e.role == .tickLabel { return t.string }
            return nil
        }
        #expect(ticks.contains("1") && ticks.count >= 3)
    }
}
