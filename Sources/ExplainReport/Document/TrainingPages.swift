import ExplainNN

/// Training diagnostics: curves on one page, per-layer activation distributions on the following ones.
struct TrainingPages {
    var history: TrainingHistory

    func pages(measure: any TextMeasuring) -> [Page] {
        let figures = TrainingFigures(history: history)
        var pages: [Page] = []
        var d = Drawing()
        var summary = "\(history.epochs.count) epochs · kept epoch \(history.bestEpoch) · seed \(history.seed)"
        if let last = history.epochs.last {
            summary += " · final train loss \(Labels.number(last.trainLoss))"
            if let v = last.validationLoss { summary += ", validation loss \(Labels.number(v))" }
        }
        if let test = history.testAccuracy { summary += " · test accuracy \(Labels.percent(test))" }
        let content = PageTemplate.header("Training", subtitle: summary, measure: measure, into: &d)
        let grid = content.rows(2, gap: 18).map { $0.columns(2, gap: 36) }
        d.add(figures.lossPlot().draw(in: grid[0][0], measure: measure))
        d.add(figures.accuracyPlot().draw(in: grid[0][1], measure: measure))
        d.add(figures.gradientNormPlot().draw(in: grid[1][0], measure: measure))
        d.add(figures.deadFractionPlot().draw(in: grid[1][1], measure: measure))
        pages.append(Page(size: PageTemplate.size, section: "training", elements: d.elements))
        let layers = figures.layerNames
        let perPage = 6
        for start in stride(from: 0, to: layers.count, by: perPage) {
            var p = Drawing()
            let frame = PageTemplate.header(
                "Training · activation distribution per layer",
                subtitle: "median (line), 25–75 % (dark band) and 5–95 % (light band) of each layer's activations",
                measure: measure, into: &p)
            let cells = frame.rows(2, gap: 18).flatMap { $0.columns(3, gap: 30) }
            for (cell, layer) in zip(cells, layers[start..<min(layers.count, start + perPage)]) {
                p.add(figures.activationPlot(layer: layer).draw(in: cell, measure: measure))
            }
            pages.append(Page(size: PageTemplate.size, section: "training layers", elements: p.elements))
        }
        return pages
    }
}
