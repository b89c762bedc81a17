import ExplainMethods

/// The first page: what was explained, how, and with which model.
struct TitlePage {
    var input: ReportInput

    func page(measure: any TextMeasuring) -> Page {
        var d = Drawing()
        let content = PageTemplate.header(input.title, subtitle: "Model \(input.modelName) · \(input.date)",
                                          measure: measure, into: &d)
        let halves = content.columns(2, gap: 28)
        var y = PageTemplate.heading("Run", at: Point(halves[0].minX, halves[0].minY), measure: measure, into: &d)
        let methods = input.results.map { Labels.methodName($0.method) }.joined(separator: ", ")
        let run = Table(header: [], rows: [
            ["Input file", input.inputFile],
            ["Explained rows", Labels.count(input.explainedRows.count)],
            ["Input", "\(Labels.count(input.featureNames.count)) features, shape \(Labels.shape(input.inputShape))"],
            ["Outputs", input.outputNames.joined(separator: ", ")],
            ["Methods", methods.isEmpty ? "none" : methods],
            ["Seed", String(input.seed)],
            ["Date", input.date],
            ["Wall time", Labels.duration(input.wallTime)],
            ["Model evaluations", Labels.count(input.modelEvaluations)],
        ], font: Fonts.body)
        y += run.draw(in: Rect(x: halves[0].minX, y: y, width: halves[0].width, height: 200), measure: measure,
                      into: &d) + 14
        y = PageTemplate.heading("Method parameters", at: Point(halves[0].minX, y), measure: measure, into: &d)
        var parameterRows: [[String]] = []
        for result in input.results {
            let keys = result.parameters.keys.sorted()
            if keys.isEmpty { parameterRows.append([Labels.methodName(result.method), "(none)", ""]) }
            for (i, key) in keys.enumerated() {
                parameterRows.append([i == 0 ? Labels.methodName(result.method) : "", key,
                                      result.parameters[key] ?? ""])
            }
        }
        var parameters = Table(header: ["method", "parameter", "value"], rows: parameterRows)
        let legendHeight = 30.0
        parameters.rows = PageTemplate.fitting(parameterRows, table: parameters,
                                               height: halves[0].maxY - y - legendHeight, measure: measure)
        parameters.draw(in: Rect(x: halves[0].minX, y: y, width: halves[0].width, height: halves[0].maxY - y),
                        measure: measure, into: &d)
        drawLegend(at: Point(halves[0].minX, halves[0].maxY - 12), measure: measure, into: &d)
        TitlePage.drawArchitecture(input.architecture, modelName: input.modelName, in: halves[1],
                                   measure: measure, into: &d)
        return Page(size: PageTemplate.size, section: "title", elements: d.elements)
    }

    /// The architecture table: one line per layer and the total parameter count.
    static func drawArchitecture(_ architecture: [ReportInput.LayerSummary], modelName: String, in frame: Rect,
                                 measure: any TextMeasuring, into d: inout Drawing) {
        let y = PageTemplate.heading("Architecture of \(modelName)", at: Point(frame.minX, frame.minY),
                                     measure: measure, into: &d)
        guard !architecture.isEmpty else {
            d.text("not provided", at: Point(frame.minX, y), font: Fonts.body, color: Palette.mutedText,
                   baseline: .top)
            return
        }
        let total = architecture.reduce(0) { $0 + $1.parameterCount }
        let rows = architecture.map {
            [$0.name, $0.type, Labels.shape($0.outputShape), Labels.count($0.parameterCount)]
        }
        var table = Table(header: ["layer", "type", "output shape", "parameters"], rows: rows,
                          rightAligned: [false, false, true, true])
        table.rows = PageTemplate.fitting(rows, table: table, height: frame.maxY - y - 20, measure: measure)
            + [["total", "", "", Labels.count(total)]]
        table.draw(in: Rect(x: frame.minX, y: y, width: frame.width, height: frame.maxY - y), measure: measure,
                   into: &d)
    }

    private func drawLegend(at p: Point, measure: any TextMeasuring, into d: inout Drawing) {
        var x = p.x
        for (color, text) in [(Palette.positive, "positive attribution: pushes the output up"),
                              (Palette.negative, "negative attribution: pushes it down")] {
            d.rect(Rect(x: x, y: p.y - 4, width: 10, height: 8), fill: color, role: .legend)
            d.text(text, at: Point(x + 14, p.y), font: Fonts.label, baseline: .middle, role: .legend)
            x += 14 + measure.measure(text, font: Fonts.label).width + 18
        }
    }
}
