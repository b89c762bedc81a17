import ExplainIO
import ExplainNN
import ExplainTensor

/// A PDF of a training run: the model summary, then loss/accuracy curves and per-layer diagnostics.
public struct TrainingReport: Sendable {
    public var title: String
    public var modelName: String
    public var architecture: [ReportInput.LayerSummary]
    public var history: TrainingHistory
    public var date: String

    public init(title: String = "Training report", modelName: String, architecture: [ReportInput.LayerSummary],
                history: TrainingHistory, date: String) {
        self.title = Echo.escapingControls(title)
        self.modelName = Echo.text(modelName)
        self.architecture = architecture.map { var a = $0; a.name = Echo.text(a.name); return a }
        self.history = history
        self.date = date
    }

    /// Every page, footers included.
    public func pages(measure: any TextMeasuring) -> [Page] {
        var d = Drawing()
        let content = PageTemplate.header(title, subtitle: "Model \(modelName) · \(date)", measure: measure,
                                          into: &d)
        let halves = content.columns(2, gap: 28)
        var y = PageTemplate.heading("Run", at: Point(halves[0].minX, halves[0].minY), measure: measure, into: &d)
        var rows: [[String]] = [["Epochs", String(history.epochs.count)], ["Kept epoch", String(history.bestEpoch)],
                                ["Seed", String(history.seed)]]
        if let last = history.epochs.last {
            rows.append(["Final train loss", Labels.number(last.trainLoss)])
            if let v = last.validationLoss { rows.append(["Final validation loss", Labels.number(v)]) }
            if let a = last.validationAccuracy { rows.append(["Final validation accuracy", Labels.percent(a)]) }
            rows.append(["Final learning rate", Labels.number(last.learningRate)])
        }
        if let test = history.testAccuracy { rows.append(["Test accuracy", Labels.percent(test)]) }
        y += Table(header: [], rows: rows, font: Fonts.body).draw(
            in: Rect(x: halves[0].minX, y: y, width: halves[0].width, height: halves[0].maxY - y), measure: measure,
            into: &d)
        TitlePage.drawArchitecture(architecture, modelName: modelName, in: halves[1], measure: measure, into: &d)
        var pages = [Page(size: PageTemplate.size, section: "title", elements: d.elements)]
        pages += TrainingPages(history: history).pages(measure: measure)
        PageTemplate.addFooters(&pages, caption: "\(title) · model \(modelName) · \(date)", measure: measure)
        return pages
    }

    /// Writes the PDF atomically.
    ///
    /// - Returns: The number of pages written.
    /// - Throws: `ExplainError(.io)` when the file cannot be written.
    @discardableResult
    public func writePDF(to path: String) throws -> Int {
        let outputs = OutputSet()
        let pageCount = try writePDF(into: outputs, path: path)
        try outputs.commit()
        return pageCount
    }

    /// Renders the PDF into `outputs`, to appear at `path` when they are committed.
    @discardableResult
    public func writePDF(into outputs: OutputSet, path: String) throws -> Int {
        try ReportWriter.writePDF(pages: pages(measure: CairoTextMeasurer()), into: outputs, path: path, date: date)
    }
}
