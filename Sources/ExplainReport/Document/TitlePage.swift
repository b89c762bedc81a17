import ExplainMethods

/// The first page: what was explained, how, and with which model.
struct TitlePage {
    var input: ReportInput

    /// The title page, and continuation pages when the parameters (every one of them is listed) and the skipped
    /// methods do not fit it.
    func pages(measure: any TextMeasuring) -> [Page] {
        var d = Drawing()
        let content = PageTemplate.header(input.title, subtitle: "Model \(input.modelName) · \(input.date)",
                                          measure: measure, into: &d)
        let halves = content.columns(2, gap: 28)
        var y = PageTemplate.heading("Run", at: Point(halves[0].minX, halves[0].minY), measure: measure, into: &d)
        let methods = input.results.map { Labels.methodName($0.method) }.joined(separator: ", ")
        var runRows = [
            ["Input file", input.inputFile],
            ["Explained rows", Labels.count(input.explainedRows.count)],
            ["Input", "\(Labels.count(input.featureNames.count)) features, shape \(Labels.shape(input.inputShape))"],
            ["Outputs", input.outputNames.joined(separator: ", ")],
            ["Methods", methods.isEmpty ? "none" : methods],
        ]
        if !input.skipped.isEmpty {
            runRows.append(["Skipped", input.skipped.map { Labels.methodName($0.method) }.joined(separator: ", ")])
        }
        runRows += [
            ["Seed", String(input.seed)],
            ["Date", input.date],
            ["Wall time", ReportClock.isReproducible ? "not shown (SOURCE_DATE_EPOCH is set)" : Labels.duration(input.wallTime)],
            ["Model evaluations", Labels.count(input.modelEvaluations)],
        ]
        let run = Table(header: [], rows: runRows, font: Fonts.body)
        y += run.draw(in: Rect(x: halves[0].minX, y: y, width: halves[0].width, height: 220), measure: measure,
                      into: &d) + TableFlow.gap
        let architectureBottom = TitlePage.drawArchitecture(input.architecture, modelName: input.modelName,
                                                            in: halves[1], measure: measure, into: &d)
        let legendHeight = 30.0
        drawLegend(at: Point(halves[0].minX, halves[0].maxY - 12), measure: measure, into: &d)
        let right = halves[1].inset(top: architectureBottom - halves[1].minY + TableFlow.gap)
        var columns = [Rect(x: halves[0].minX, y: y, width: halves[0].width, height: halves[0].maxY - legendHeight - y)]
        if right.height > 40 { columns.append(right) }
        let title = input.title, subtitle = "Model \(input.modelName) · \(input.date)"
        var flow = TableFlow(first: d, columns: columns, measure: measure) { page in
            PageTemplate.header("\(title) (continued)", subtitle: subtitle, measure: measure, into: &page)
                .columns(2, gap: 28)
        }
        if !input.skipped.isEmpty {
            flow.add(.init(heading: "Skipped methods", table: Table(
                header: ["method", "reason"], rows: input.skipped.map { [Labels.methodName($0.method), $0.reason] })))
        }
        var parameterRows: [[String]] = []
        for result in input.results {
            let keys = result.parameters.keys.sorted()
            if keys.isEmpty { parameterRows.append([Labels.methodName(result.method), "(none)", ""]) }
            for (i, key) in keys.enumerated() {
                parameterRows.append([i == 0 ? Labels.methodName(result.method) : "", key,
                                      result.parameters[key] ?? ""])
            }
        }
        flow.add(.init(heading: "Method parameters",
                       table: Table(header: ["method", "parameter", "value"], rows: parameterRows)))
        return flow.drawings.map { Page(size: PageTemplate.size, section: "title", elements: $0.elements) }
    }

    /// The architecture table: one line per layer and the total parameter count.
    /// - Returns: The y below it.
    @discardableResult
    static func drawArchitecture(_ architecture: [ReportInput.LayerSummary], modelName: String, in frame: Rect,
                                 measure: any TextMeasuring, into d: inout Drawing) -> Double {
        let y = PageTemplate.heading("Architecture of \(modelName)", at: Point(frame.minX, frame.minY),
                                     measure: measure, into: &d)
        guard !architecture.isEmpty else {
            d.text("not provided", at: Point(frame.minX, y), font: Fonts.body, color: Palette.mutedText,
                   baseline: .top)
            return y + measure.measure("0", font: Fonts.body).height
        }
        let total = architecture.reduce(0) { $0 + $1.parameterCount }
        // A graph's wiring: layers are numbered, and those that do not just read the one before them list the
        // numbers they read (0 is the model's input).
        let isGraph = architecture.contains { $0.reads != nil }
        let number = Dictionary(architecture.enumerated().map { ($0.element.name, "#\($0.offset + 1)") },
                                uniquingKeysWith: { a, _ in a }).merging(["input": "input"]) { a, _ in a }
        let rows = architecture.enumerated().map { i, layer in
            (isGraph ? ["\(i + 1)"] : []) + [layer.name, layer.type, Labels.shape(layer.outputShape), Labels.count(layer.parameterCount)]
                + (isGraph ? [(layer.reads ?? []).map { number[$0] ?? $0 }.joined(separator: " + ")] : [])
        }
        var table = Table(header: (isGraph ? ["#"] : []) + ["layer", "type", "output shape", "parameters"] + (isGraph ? ["reads"] : []),
                          rows: rows,
                          rightAligned: (isGraph ? [true] : []) + [false, false, true, true] + (isGraph ? [false] : []))
        table.rows = PageTemplate.fitting(rows, table: table, height: frame.maxY - y - 20, measure: measure)
            + [(isGraph ? [""] : []) + ["total", "", "", Labels.count(total)] + (isGraph ? [""] : [])]
        return y + table.draw(in: Rect(x: frame.minX, y: y, width: frame.width, height: frame.maxY - y),
                              measure: measure, into: &d)
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
