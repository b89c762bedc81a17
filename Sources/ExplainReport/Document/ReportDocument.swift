import ExplainMethods
import ExplainTensor

/// Lays a report out as pages: title, summaries, rows, activations, training.
///
/// Summary pages come first so a report of 1,000 rows is readable from its first pages; `maxPages` caps the rows
/// that get pages (and the activation pages, which follow the same rows). Nothing is elided to fit a page: the
/// title page, a row's tables and the per-target summaries continue on further pages instead.
public enum ReportDocument {
    /// The results that carry attributions (everything except `predict`).
    static func attributionResults(_ input: ReportInput) -> [AttributionResult] {
        input.results.filter { r in
            r.method != "predict" && r.explanations.allSatisfy { $0.attributions.count == input.featureNames.count }
        }
    }

    /// The rows that get their own page, in ascending order.
    public static func rowsWithPages(_ input: ReportInput, maxPages: Int?) -> [Int] {
        let rows = Set(attributionResults(input).flatMap { $0.explanations.map(\.row) }).sorted()
        return Array(rows.prefix(max(0, maxPages ?? rows.count)))
    }

    /// Every page of the report, footers included.
    ///
    /// - Throws: `ExplainError(.invalidArgument)` when the input is inconsistent or `maxPages` is negative.
    public static func pages(for input: ReportInput, maxPages: Int?, measure: any TextMeasuring) throws -> [Page] {
        try input.validate()
        if let maxPages, maxPages < 0 {
            throw ExplainError(.invalidArgument, "must not be negative, got \(maxPages)", at: "maxPages")
        }
        let results = attributionResults(input)
        let rows = rowsWithPages(input, maxPages: maxPages)
        var pages = TitlePage(input: input).pages(measure: measure)
        for result in results where !result.explanations.isEmpty {
            pages += SummaryPage(input: input, result: result, rowPageCount: rows.count).pages(measure: measure)
        }
        for row in rows {
            let explanations = results.compactMap { r in
                r.explanations.first { $0.row == row }.map { (method: r.method, explanation: $0) }
            }
            pages += RowPage(input: input, row: row, explanations: explanations).pages(measure: measure)
        }
        for row in rows { pages += ActivationPages(input: input, row: row).pages(measure: measure) }
        if let history = input.history { pages += TrainingPages(history: history).pages(measure: measure) }
        PageTemplate.addFooters(&pages, caption: "\(input.title) · model \(input.modelName) · \(input.date)",
                                measure: measure)
        return pages
    }
}
