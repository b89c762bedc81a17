import ExplainMethods

/// The pages of one explained row: its chart (or heatmap), its diagnostics and warnings, and with several methods
/// the comparison and every pair's agreement; tables that do not fit continue on a further page.
struct RowPage {
    var input: ReportInput
    var row: Int
    /// (method, explanation) for every method that explains the row.
    var explanations: [(method: String, explanation: Explanation)]

    func pages(measure: any TextMeasuring) -> [Page] {
        var d = Drawing()
        let values = input.values(ofRow: row)
        let subtitle = self.subtitle
        let content = PageTemplate.header("Row \(row)", subtitle: subtitle, measure: measure, into: &d)
        let title = "Row \(row) (continued)"
        let newPage: (inout Drawing) -> [Rect] = { page in
            PageTemplate.header(title, subtitle: subtitle, measure: measure, into: &page).columns(2, gap: 28)
        }
        let drawings = explanations.count == 1
            ? single(content: content, values: values, first: d, newPage: newPage, measure: measure)
            : comparison(content: content, values: values, first: d, newPage: newPage, measure: measure)
        return drawings.map { Page(size: PageTemplate.size, section: "row \(row)", elements: $0.elements) }
    }

    /// Target, prediction, base value or method count, and the output's unit (logit or probability).
    var subtitle: String {
        let first = explanations[0].explanation
        var text = "target ‘\(first.targetName)’ · prediction f(x) = \(Labels.number(first.prediction))"
        if explanations.count == 1, let base = first.baseValue {
            text += " · \(Labels.baseValueName(explanations[0].method)) = \(Labels.number(base))"
        }
        text += explanations.count == 1 ? " · \(Labels.methodName(explanations[0].method))"
            : " · \(explanations.count) methods"
        let output = Units.output(parameters: parameters(explanations[0].method), architecture: input.architecture)
        if output != "model output" { text += " · f(x) and φ in \(output) units" }
        return text
    }

    private func parameters(_ method: String) -> [String: String] {
        input.results.first { $0.method == method }?.parameters ?? [:]
    }

    private func unit(_ method: String) -> String {
        Units.attribution(method: method, parameters: parameters(method), architecture: input.architecture)
    }

    private func single(content: Rect, values: [Double]?, first: Drawing, newPage: @escaping (inout Drawing) -> [Rect],
                        measure: any TextMeasuring) -> [Drawing] {
        var d = first
        let (method, e) = explanations[0]
        let diagnostics = TableFlow.Block(heading: "Diagnostics", table: Table(
            header: [], rows: RowDiagnostics.keyValueRows(method: method, e), font: Fonts.label))
        let warnings = TableFlow.Block(heading: "Warnings", table: RowDiagnostics.warningTable(explanations))
        let columns: [Rect]
        if input.isImage {
            let figure = ImageAttributionFigure(attributions: e.attributions, input: values, shape: input.inputShape,
                                                unit: unit(method))
            let headingHeight = measure.measure("0", font: Fonts.heading).height + 4
            let tableHeight = diagnostics.table.height(measure: measure) + warnings.table.height(measure: measure)
                + 2 * headingHeight + TableFlow.gap + 20
            let figureHeight = max(content.height * 0.4, min(content.height - tableHeight,
                                   figure.preferredHeight(width: content.width, measure: measure)))
            let (figureFrame, rest) = content.sliceTop(figureHeight + 8)
            d.add(figure.draw(in: figureFrame, measure: measure))
            columns = [Rect(x: rest.minX, y: rest.minY + 6, width: rest.width * 0.6, height: rest.height - 6)]
            if let figure = convergence(method: method, e) {
                let plot = rest.inset(top: 6, left: rest.width * 0.64)
                d.add(figure.draw(in: Rect(x: plot.minX, y: plot.minY, width: plot.width,
                                           height: min(plot.height, Self.convergenceHeight)), measure: measure))
            }
        } else {
            let (chartFrame, side) = content.sliceLeft(content.width * 0.66)
            d.add(AttributionChart(explanation: e, featureNames: input.featureNames, featureValues: values,
                                   method: method, topK: input.topK, unit: unit(method))
                .draw(in: chartFrame, measure: measure))
            var panel = side.inset(left: 24)
            if let figure = convergence(method: method, e) {
                let (top, bottom) = panel.sliceTop(max(panel.height / 2, panel.height - Self.convergenceHeight))
                d.add(figure.draw(in: bottom.inset(top: 12), measure: measure))
                panel = top
            }
            columns = [panel]
        }
        var flow = TableFlow(first: d, columns: columns, measure: measure, newPage: newPage)
        flow.add(diagnostics)
        flow.add(warnings)
        return flow.drawings
    }

    /// The height of a row page's convergence plot.
    static let convergenceHeight = 200.0

    /// The convergence plot of a sampled explanation with at least two rounds, with the run's tolerance.
    private func convergence(method: String, _ e: Explanation) -> ConvergenceFigure? {
        guard let points = e.convergence else { return nil }
        let figure = ConvergenceFigure(points: points, tolerance: parameters(method)["tolerance"].flatMap(Double.init))
        return figure.isDrawable ? figure : nil
    }

    private func comparison(content: Rect, values: [Double]?, first: Drawing,
                            newPage: @escaping (inout Drawing) -> [Rect], measure: any TextMeasuring) -> [Drawing] {
        var d = first
        let diagnostics = Table(header: RowDiagnostics.summaryHeader,
                                rows: explanations.map { RowDiagnostics.summaryRow(method: $0.method, $0.explanation) },
                                rightAligned: [false, true, true, true, true, true, true, false])
        let columns = explanations.map {
            ComparisonChart.Column(method: $0.method, explanation: $0.explanation,
                                   unitNote: Units.perUnitNote(method: $0.method, parameters: parameters($0.method)))
        }
        let chart = ComparisonChart(columns: columns, featureNames: input.featureNames, featureValues: values,
                                    topK: input.topK)
        let agreement = Table(header: ["method A", "method B", "Spearman ρ", "top-5 shared"],
                              rows: chart.agreementRows, rightAligned: [false, false, true, true])
        let headingHeight = measure.measure("0", font: Fonts.heading).height + 4
        // The figure keeps at least 55% of the page: with many methods the tables continue on the next pages.
        let tablesHeight = min(max(diagnostics.height(measure: measure), 150) + headingHeight + 16, content.height * 0.45)
        let (figureFrame, rest) = content.sliceTop(content.height - tablesHeight)
        // More methods than fit side by side are drawn in groups, the first here and each further one on a page of
        // its own right after this one, all with the same features in the same order.
        let groups = Self.groups(explanations.indices, size: input.isImage ? Self.mapsPerFigure : Self.panelsPerFigure)
        let shown = chart.shownFeatures
        let figure = { (group: Range<Int>, frame: Rect) -> Drawing in
            if input.isImage {
                let part = explanations[group]
                return ImageComparisonFigure(methods: part.map(\.method), attributions: part.map(\.explanation.attributions),
                                             input: values, shape: input.inputShape,
                                             notes: part.map { Units.perUnitNote(method: $0.method, parameters: parameters($0.method)) })
                    .draw(in: frame, measure: measure)
            }
            var part = ComparisonChart(columns: Array(columns[group]), featureNames: input.featureNames,
                                       featureValues: values, topK: input.topK)
            part.features = shown
            return part.draw(in: frame, measure: measure)
        }
        d.add(figure(groups[0], figureFrame))
        let figurePages = groups.dropFirst().map { group -> Drawing in
            var page = Drawing()
            let frame = PageTemplate.header("Row \(row) (continued)",
                                            subtitle: subtitle + " · methods \(group.lowerBound + 1)–\(group.upperBound)",
                                            measure: measure, into: &page)
            page.add(figure(group, frame.sliceTop(figureFrame.height).0))
            return page
        }
        let (left, right) = rest.inset(top: 12).sliceLeft(rest.width * 0.56)
        var flow = TableFlow(first: d, columns: [left.inset(right: 20), right], measure: measure, newPage: newPage)
        flow.add(.init(heading: "Diagnostics", table: diagnostics))
        flow.add(.init(heading: "Warnings", table: RowDiagnostics.warningTable(explanations)))
        flow.advance(toColumn: 1)
        flow.add(.init(heading: "Agreement between methods (ranks of |φ|)", table: agreement))
        return [flow.drawings[0]] + figurePages + flow.drawings.dropFirst()
    }

    /// The most methods one comparison chart shows side by side (more squeeze names and ticks into each other).
    static let panelsPerFigure = 8
    /// The most maps one image comparison shows: with the input, two rows of five.
    static let mapsPerFigure = 9

    /// `indices` cut into the fewest groups of at most `size`, as even as possible (15 → 8 and 7).
    static func groups(_ indices: Range<Int>, size: Int) -> [Range<Int>] {
        let count = Swift.max(1, (indices.count + size - 1) / size)
        let base = indices.count / count, extra = indices.count % count
        var out: [Range<Int>] = [], start = indices.lowerBound
        for g in 0..<count {
            let length = base + (g < extra ? 1 : 0)
            out.append(start..<(start + length))
            start += length
        }
        return out
    }
}
