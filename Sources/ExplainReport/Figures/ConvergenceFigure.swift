import ExplainMethods

/// A sampling estimator's convergence trace: the largest standard error relative to the spread of the values after
/// each round, against model evaluations, with the requested tolerance as a dashed line (KernelSHAP `--tolerance`).
struct ConvergenceFigure {
    var points: [ConvergencePoint]
    /// The `tolerance` parameter of the run, if any.
    var tolerance: Double?

    /// Whether there is a trace worth drawing: at least two rounds with a non-zero spread.
    var isDrawable: Bool { series.count >= 2 }

    /// (model evaluations, max SE / (max φ − min φ)) per round with a positive spread.
    private var series: [Point] {
        points.filter { $0.valueRange > 0 }.map { Point(Double($0.modelEvaluations), $0.maxStdError / $0.valueRange) }
    }

    func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing {
        let trace = series
        var lines: [LinePlot.Series] = [.init(name: Labels.relativeErrorSeries, points: trace, color: Palette.train)]
        if let tolerance, tolerance > 0, let first = trace.first, let last = trace.last {
            lines.append(.init(name: Labels.toleranceSeries, points: [Point(first.x, tolerance), Point(last.x, tolerance)],
                               color: Palette.validation, dash: [4, 2]))
        }
        var plot = LinePlot(title: Labels.convergenceTitle, xTitle: Labels.modelEvaluationsAxis,
                            yTitle: Labels.relativeErrorAxis, series: lines)
        // A log scale once the errors span a decade (a round of doubling shrinks them by about √2).
        let ys = lines.flatMap(\.points).map(\.y)
        if let low = ys.min(), let high = ys.max(), low > 0, high > 10 * low { plot.isLogarithmic = true }
        return plot.draw(in: frame, measure: measure)
    }
}
