import ExplainMethods

/// One summary page per method: importance over all explained rows, before any per-row page.
struct SummaryPage {
    var input: ReportInput
    var result: AttributionResult
    /// How many rows get their own page.
    var rowPageCount: Int

    func page(measure: any TextMeasuring) -> Page {
        var d = Drawing()
        let explanations = result.explanations
        var targets: [String: Int] = [:]
        for e in explanations { targets[e.targetName, default: 0] += 1 }
        let targetText = targets.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(4).map { "\($0.key) (\(Labels.count($0.value)))" }.joined(separator: ", ")
        let total = input.explainedRows.count
        let pagesText = rowPageCount < total
            ? "per-row pages for the first \(Labels.count(rowPageCount)) of \(Labels.count(total)) rows"
            : "a page for each of the \(Labels.count(total)) rows"
        let content = PageTemplate.header(
            "Summary · \(Labels.methodName(result.method))",
            subtitle: "\(Labels.count(explanations.count)) rows explained · targets: \(targetText) · \(pagesText)",
            measure: measure, into: &d)
        let noteHeight = 28.0
        let figureFrame = content.inset(bottom: noteHeight)
        if input.isImage {
            d.add(ImageSummaryFigure(explanations: explanations, shape: input.inputShape)
                .draw(in: figureFrame, measure: measure))
        } else {
            d.add(SummaryFigure(explanations: explanations, featureNames: input.featureNames, rows: input.rows)
                .draw(in: figureFrame, measure: measure))
        }
        let flagged = explanations.filter { !$0.flags.isEmpty }
        var note = flagged.isEmpty ? "No warnings." : "Warnings on \(Labels.count(flagged.count)) rows: "
            + flagged.prefix(12).map { "row \($0.row) (\($0.flags.joined(separator: ", ")))" }
                .joined(separator: "; ")
        if flagged.count > 12 { note += "; …" }
        d.fittedText(note, at: Point(content.minX, content.maxY - 4), width: content.width, font: Fonts.label,
                     measure: measure, color: flagged.isEmpty ? Palette.mutedText : Palette.warning,
                     baseline: .bottom, role: .text)
        return Page(size: PageTemplate.size, section: "summary \(result.method)", elements: d.elements)
    }
}
