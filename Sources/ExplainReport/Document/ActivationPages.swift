/// The hidden activations of one explained row, layer after layer, with its layer attribution scores; continued
/// on further pages when the layers do not fit one.
struct ActivationPages {
    var input: ReportInput
    var row: Int

    func pages(measure: any TextMeasuring) -> [Page] {
        let layers = input.activations[row] ?? []
        let scores = input.layerAttribution.flatMap { attribution in
            attribution.scores[row].map { (attribution, $0) }
        }
        guard !layers.isEmpty || scores != nil else { return [] }
        var pages: [Page] = []
        var d = Drawing()
        var content = Rect(x: 0, y: 0, width: 0, height: 0)
        var y = 0.0
        func startPage() {
            if !d.elements.isEmpty {
                pages.append(Page(size: PageTemplate.size, section: "activations row \(row)", elements: d.elements))
            }
            d = Drawing()
            let continued = pages.isEmpty ? "" : " (continued)"
            content = PageTemplate.header("Activations · row \(row)\(continued)",
                                          subtitle: "hidden layer outputs for this row; colour: each layer's own "
                                              + "range, low (dark) to high (yellow)",
                                          measure: measure, into: &d)
            y = content.minY
        }
        startPage()
        for layer in layers {
            let figure = ActivationFigure(name: layer.name, shape: layer.shape, values: layer.values)
            let height = min(figure.height(width: content.width, measure: measure), content.height)
            if y + height > content.maxY, y > content.minY { startPage() }
            d.add(figure.draw(in: Rect(x: content.minX, y: y, width: content.width, height: height), measure: measure))
            y += height + 8
        }
        if let (attribution, values) = scores {
            let height = 170.0
            if y + height > content.maxY, y > content.minY { startPage() }
            let chart = LayerAttributionChart(layer: attribution.layer, method: attribution.method, scores: values)
            d.add(chart.draw(in: Rect(x: content.minX, y: y + 6, width: content.width, height: height - 6),
                             measure: measure))
        }
        pages.append(Page(size: PageTemplate.size, section: "activations row \(row)", elements: d.elements))
        return pages
    }
}
