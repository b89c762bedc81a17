import ExplainMethods

/// The summary pages of one method: importance over the explained rows, one block per target class, before any
/// per-row page.
///
/// Rows explained for different targets are never pooled (a beeswarm mixing "malignant" and "benign" rows, or a mean
/// map averaging signed maps of five digits, shows nothing real), so each target present gets its own block with its
/// name and row count: one on a full page when there is a single target, else two tabular or four image blocks per
/// page, on as many pages as needed.
struct SummaryPage {
    var input: ReportInput
    var result: AttributionResult
    /// How many rows get their own page.
    var rowPageCount: Int

    /// The explanations by target, in target order.
    var groups: [(target: Int, name: String, explanations: [Explanation])] {
        let byTarget = Dictionary(grouping: result.explanations, by: \.target)
        return byTarget.keys.sorted().map { t in
            let explanations = byTarget[t] ?? []
            return (t, explanations.first?.targetName ?? String(t), explanations)
        }
    }

    func pages(measure: any TextMeasuring) -> [Page] {
        let groups = groups
        let perPage = groups.count == 1 ? 1 : input.isImage ? 4 : 2
        let targetText = groups.map { "\($0.name) (\(Labels.count($0.explanations.count)))" }.joined(separator: ", ")
        let total = input.explainedRows.count
        let pagesText = rowPageCount < total
            ? "per-row pages for the first \(Labels.count(rowPageCount)) of \(Labels.count(total)) rows"
            : "a page for each of the \(Labels.count(total)) rows"
        var pages: [Page] = []
        for start in stride(from: 0, to: groups.count, by: perPage) {
            var d = Drawing()
            let continued = start == 0 ? "" : " (continued)"
            let content = PageTemplate.header(
                "Summary · \(Labels.methodName(result.method))\(continued)",
                subtitle: "\(Labels.rows(result.explanations.count)) explained · targets: \(targetText) · \(pagesText)",
                measure: measure, into: &d)
            let noteHeight = 28.0
            let area = content.inset(bottom: noteHeight)
            let page = Array(groups[start..<min(groups.count, start + perPage)])
            let frames = perPage == 1 ? [area]
                : perPage == 2 ? area.rows(2, gap: 18)
                : area.rows(2, gap: 18).flatMap { $0.columns(2, gap: 28) }
            for (group, frame) in zip(page, frames) {
                var figureFrame = frame
                if groups.count > 1 {
                    let heading = "target ‘\(group.name)’ · \(Labels.rows(group.explanations.count))"
                    let y = PageTemplate.heading(heading, at: Point(frame.minX, frame.minY), measure: measure, into: &d)
                    figureFrame = frame.inset(top: y - frame.minY + 4)
                }
                d.add(figure(group.explanations, perPage: perPage).draw(in: figureFrame, measure: measure))
            }
            drawWarnings(page.flatMap(\.explanations), at: Point(content.minX, content.maxY - 4),
                         width: content.width, measure: measure, into: &d)
            pages.append(Page(size: PageTemplate.size, section: "summary \(result.method)", elements: d.elements))
        }
        return pages
    }

    private func figure(_ explanations: [Explanation], perPage: Int) -> any SummaryBlock {
        if input.isImage { return ImageSummaryFigure(explanations: explanations, shape: input.inputShape) }
        return SummaryFigure(explanations: explanations, featureNames: input.featureNames, rows: input.rows,
                             topK: perPage == 1 ? 20 : 10)
    }

    /// One line giving each flag raised on the page with the rows that raised it (each row's page lists them too).
    private func drawWarnings(_ explanations: [Explanation], at p: Point, width: Double, measure: any TextMeasuring,
                              into d: inout Drawing) {
        let flagged = explanations.filter { !$0.flags.isEmpty }
        var rowsByFlag: [(flag: String, rows: [Int])] = []
        for e in flagged.sorted(by: { $0.row < $1.row }) {
            for flag in e.flags {
                if let k = rowsByFlag.firstIndex(where: { $0.flag == flag }) { rowsByFlag[k].rows.append(e.row) }
                else { rowsByFlag.append((flag, [e.row])) }
            }
        }
        let note = flagged.isEmpty ? "No warnings." : "Warnings on \(Labels.rows(flagged.count)): " + rowsByFlag.map {
            "\(Labels.flag($0.flag)) (row\($0.rows.count == 1 ? "" : "s") \($0.rows.map(String.init).joined(separator: ", ")))"
        }.joined(separator: "; ")
        d.fittedText(note, at: p, width: width, font: Fonts.label, measure: measure,
                     color: flagged.isEmpty ? Palette.mutedText : Palette.warning, baseline: .bottom, role: .text)
    }
}

/// A summary figure that lays itself out in a frame.
protocol SummaryBlock {
    func draw(in frame: Rect, measure: any TextMeasuring) -> Drawing
}

extension SummaryFigure: SummaryBlock {}
extension ImageSummaryFigure: SummaryBlock {}
