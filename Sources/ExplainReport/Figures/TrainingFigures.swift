import ExplainNN

/// Plots of a `TrainingHistory` over epochs: loss and accuracy curves, and per-layer diagnostics.
public struct TrainingFigures: Sendable {
    public var history: TrainingHistory

    public init(history: TrainingHistory) { self.history = history }

    /// The layers that appear in the history, in first-seen order.
    public var layerNames: [String] {
        var seen = Set<String>(), names: [String] = []
        for e in history.epochs { for l in e.layers where seen.insert(l.layer).inserted { names.append(l.layer) } }
        return names
    }

    private var bestMarker: (x: Double, label: String)? {
        history.epochs.contains { $0.epoch == history.bestEpoch }
            ? (Double(history.bestEpoch), "kept: epoch \(history.bestEpoch)") : nil
    }

    /// Train and validation loss per epoch.
    public func lossPlot() -> LinePlot {
        trainValidationPlot(title: "Loss", yTitle: Labels.lossAxis, train: { $0.trainLoss }, validation: \.validationLoss)
    }

    /// Train and validation accuracy per epoch.
    public func accuracyPlot() -> LinePlot {
        trainValidationPlot(title: "Accuracy", yTitle: Labels.accuracyAxis, train: \.trainAccuracy,
                            validation: \.validationAccuracy)
    }

    /// A train series and a dashed validation series over epochs, with the kept epoch marked.
    private func trainValidationPlot(title: String, yTitle: String, train: (TrainingHistory.Epoch) -> Double?,
                                     validation: (TrainingHistory.Epoch) -> Double?) -> LinePlot {
        func points(_ value: (TrainingHistory.Epoch) -> Double?) -> [Point] {
            history.epochs.compactMap { e in value(e).map { Point(Double(e.epoch), $0) } }
        }
        var plot = LinePlot(title: title, xTitle: Labels.epochAxis, yTitle: yTitle, series: [
            .init(name: Labels.trainSeries, points: points(train), color: Palette.train),
            .init(name: Labels.validationSeries, points: points(validation), color: Palette.validation, dash: [4, 2]),
        ].filter { !$0.points.isEmpty })
        plot.marker = bestMarker
        return plot
    }

    /// The parameter gradient norm of every layer with parameters, on a log scale.
    public func gradientNormPlot() -> LinePlot {
        var plot = LinePlot(title: "Gradient norm per layer", xTitle: Labels.epochAxis,
                            yTitle: Labels.gradientNormAxis, series: perLayerSeries { $0.gradientNorm })
        plot.isLogarithmic = true
        return plot
    }

    /// The fraction of dead ReLU units per layer.
    public func deadFractionPlot() -> LinePlot {
        LinePlot(title: "Dead ReLU units", xTitle: Labels.epochAxis, yTitle: Labels.deadFractionAxis,
                 series: perLayerSeries { $0.deadFraction })
    }

    /// One layer's activation distribution: 5–95 % and 25–75 % bands and the median.
    public func activationPlot(layer: String) -> LinePlot {
        var p5: [Point] = [], p25: [Point] = [], p50: [Point] = [], p75: [Point] = [], p95: [Point] = []
        for e in history.epochs {
            guard let l = e.layers.first(where: { $0.layer == layer }), l.activationPercentiles.count == 5 else {
                continue
            }
            let x = Double(e.epoch), q = l.activationPercentiles
            p5.append(Point(x, q[0]))
            p25.append(Point(x, q[1]))
            p50.append(Point(x, q[2]))
            p75.append(Point(x, q[3]))
            p95.append(Point(x, q[4]))
        }
        let color = Palette.series(layerNames.firstIndex(of: layer) ?? 0)
        var plot = LinePlot(title: layer, xTitle: Labels.epochAxis, yTitle: Labels.activationAxis,
                            series: [.init(name: "median", points: p50, color: color)])
        plot.bands = [LinePlot.Band(lower: p5, upper: p95, color: color.withAlpha(0.18)),
                      LinePlot.Band(lower: p25, upper: p75, color: color.withAlpha(0.38))]
        plot.showsLegend = false
        return plot
    }

    private func perLayerSeries(_ value: (TrainingHistory.LayerEpoch) -> Double?) -> [LinePlot.Series] {
        layerNames.enumerated().compactMap { index, name in
            let points = history.epochs.compactMap { e in
                e.layers.first { $0.layer == name }.flatMap(value).map { Point(Double(e.epoch), $0) }
            }
            return points.isEmpty ? nil : LinePlot.Series(name: name, points: points, color: Palette.series(index))
        }
    }
}
