import ExplainMethods

/// The page of one explained row: its chart (or heatmap) and its diagnostics; a comparison when several methods
/// explain it.
struct RowPage {
    var input: ReportInput
    var row: Int
    /// (method, explanation) for every method that explains the row.
    var explanations: [(method: String, explanation: Explanation)]

    func page(measure: any TextMeasuring) -> Page {
        var d = Drawing()
        let values = input.values(ofRow: row)
        let first = explanations[0].explanation
        var subtitle = "target ‘\(first.targetName)’ · prediction f(x) = \(Labels.number(first.prediction))"
        if explanations.count == 1, let base = first.baseValue {
            subtitle += " · \(Labels.baseValueName(explanations[0].method)) = \(Labels.number(base))"
        }
        subtitle += explanations.count == 1 ? " · \(Labels.methodName(explanations[0].method))"
            : " · \(explanations.count) methods"
        let content = PageTemplate.header("Row \(row)", subtitle: subtitle, measure: measure, into: &d)
        if explanations.count == 1 {
            single(content: content, values: values, measure: measure, into: &d)
        } else {
            comparison(content: content, values: values, measure: measure, into: &d)
        }
        return Page(size: PageTemplate.size, section: "row \(row)", elements: d.elements)
    }

    private func single(content: Rect, values: [Double]?, measure: any TextMeasuring, into d: inout Drawing) {
        let (method, e) = explanations[0]
        var table = Table(header: [], rows: RowDiagnostics.keyValueRows(method: method, e), font: Fonts.label)
        if input.isImage {
            let figure = ImageAttributionFigure(attributions: e.attributions, input: values, shape: input.inputShape)
            let tableHeight = table.height(measure: measure) + 20
            let figureHeight = min(content.height - tableHeight,
                                   figure.preferredHeight(width: content.width, measure: measure))
            let (figureFrame, rest) = content.sliceTop(figureHeight + 8)
            d.add(figure.draw(in: figureFrame, measure: measure))
            let y = PageTemplate.heading("Diagnostics", at: Point(rest.minX, rest.minY + 6), measure: measure,
                                         into: &d)
            table.draw(in: Rect(x: rest.minX, y: y, width: rest.width * 0.6, height: rest.maxY - y),
                       measure: measure, into: &d)
            if let figure = convergence(method: method, e) {
                let plot = rest.inset(top: 6, left: rest.width * 0.64)
                d.add(figure.draw(in: Rect(x: plot.minX, y: plot.minY, width: plot.width,
                                           height: min(plot.height, Self.convergenceHeight)), measure: measure))
            }
        } else {
            let (chartFrame, side) = content.sliceLeft(content.width * 0.66)
            d.add(AttributionChart(explanation: e, featureNames: input.featureNames, featureValues: values,
                                   method: method, topK: input.topK).draw(in: chartFrame, measure: measure))
            var panel = side.inset(left: 24)
            if let figure = convergence(method: method, e) {
                let (top, bottom) = panel.sliceTop(max(panel.height / 2, panel.height - Self.convergenceHeight))
                d.add(figure.draw(in: bottom.inset(top: 12), measure: measure))
                panel = top
            }
            let y = PageTemplate.heading("Diagnostics", at: Point(panel.minX, panel.minY), measure: measure, into: &d)
            table.rows = PageTemplate.fitting(table.rows, table: table, height: panel.maxY - y, measure: measure)
            table.draw(in: Rect(x: panel.minX, y: y, width: panel.width, height: panel.maxY - y), measure: measure,
                       into: &d)
        }
    }

    /// The height of a row page's convergence plot.
    static let convergenceHeight = 200.0

    /// The convergence plot of a sampled explanation with at least two rounds, with the run's tolerance.
    private func convergence(method: String, _ e: Explanation) -> ConvergenceFigure? {
        guard let points = e.convergence else { return nil }
        let parameters = input.results.first { $0.method == method }?.parameters
        let figure = ConvergenceFigure(points: points, tolerance: parameters?["tolerance"].flatMap(Double.init))
        return figure.isDrawable ? figure : nil
    }

    private func comparison(content: Rect, values: [Double]?, measure: any TextMeasuring, into d: inout Drawing) {
        let diagnostics = Table(header: RowDiagnostics.summaryHeader,
                                rows: explanations.map { RowDiagnostics.summaryRow(method: $0.method, $0.explanation) },
                                rightAligned: [false, true, true, true, true, true, true, false])
        let columns = explanations.map { ComparisonChart.Column(method: $0.method, explanation: $0.explanation) }
        let chart = ComparisonChart(columns: columns, featureNames: input.featureNames, featureValues: values,
                                    topK: input.topK)
        let agreement = Table(header: ["method A", "method B", "Spearman ρ", "top-5 shared"],
                              rows: chart.agreementRows, rightAligned: [false, false, true, true])
        let headingHeight = measure.measure("0", font: Fonts.heading).height + 4
        let tablesHeight = max(diagnostics.height(measure: measure), min(agreement.height(measure: measure), 150))
            + headingHeight + 16
        let (figureFrame, rest) = content.sliceTop(content.height - tablesHeight)
        if input.isImage {
            d.add(ImageComparisonFigure(methods: explanations.map(\.method),
                                        attributions: explanations.map(\.explanation.attributions), input: values,
                                        shape: input.inputShape).draw(in: figureFrame, measure: measure))
        } else {
            d.add(chart.draw(in: figureFrame, measure: measure))
        }
        let (left, right) = rest.inset(top: 12).sliceLeft(rest.width * 0.56)
        var y = PageTemplate.heading("Diagnostics", at: Point(left.minX, left.minY), measure: measure, into: &d)
        diagnostics.draw(in: Rect(x: left.minX, y: y, width: left.width - 20, height: left.maxY - y),
                         measure: measure, into: &d)
        y = PageTemplate.heading("Agreement between methods (ranks of |φ|)", at: Point(right.minX, right.minY), measure: measure,
                                 into: &d)
        var fitted = agreement
        fitted.rows = PageTemplate.fitting(agreement.rows, table: agreement, height: right.maxY - y, measure: measure)
        fitted.draw(in: Rect(x: right.minX, y: y, width: right.width, height: right.maxY - y), measure: measure,
                    into: &d)
    }
}
