import ExplainTensor

extension ReportInput {
    /// Checks every size and index the report relies on.
    ///
    /// - Throws: `ExplainError(.invalidArgument)` naming the first inconsistent field.
    public func validate() throws {
        func fail(_ message: String, _ location: String) -> ExplainError {
            ExplainError(.invalidArgument, message, at: "report input: \(location)")
        }
        let width = featureNames.count
        guard width > 0 else { throw fail("no feature names", "featureNames") }
        guard inputShape.count == 1 || inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw fail("input shape must be [n] or [C, H, W], got \(inputShape)", "inputShape")
        }
        guard inputShape.reduce(1, *) == width else {
            throw fail("shape \(Labels.shape(inputShape)) has \(inputShape.reduce(1, *)) values but there are "
                       + "\(width) feature names", "inputShape")
        }
        guard topK >= 1 else { throw fail("must be at least 1, got \(topK)", "topK") }
        guard wallTime.isFinite, wallTime >= 0 else { throw fail("must be a finite non-negative number", "wallTime") }
        guard modelEvaluations >= 0 else { throw fail("must not be negative", "modelEvaluations") }
        for (i, row) in rows.enumerated() where row.count != width {
            throw fail("expected \(width) values, got \(row.count)", "rows[\(i)]")
        }
        for (r, result) in results.enumerated() {
            for (k, e) in result.explanations.enumerated() {
                let at = "results[\(r)].explanations[\(k)]"
                guard e.row >= 0 else { throw fail("negative row \(e.row)", at + ".row") }
                if !rows.isEmpty && e.row >= rows.count {
                    throw fail("row \(e.row) is not among the \(rows.count) input rows", at + ".row")
                }
                guard e.attributions.count == width || result.method == "predict" else {
                    throw fail("expected \(width) attributions, got \(e.attributions.count)", at + ".attributions")
                }
                if let se = e.stdErrors, se.count != e.attributions.count {
                    throw fail("expected \(e.attributions.count) standard errors, got \(se.count)", at + ".std_errors")
                }
            }
        }
        for (row, layers) in activations {
            for (k, layer) in layers.enumerated() {
                guard layer.shape.count == 1 || layer.shape.count == 3, layer.shape.allSatisfy({ $0 > 0 }),
                      layer.shape.reduce(1, *) == layer.values.count else {
                    throw fail("shape \(layer.shape) does not match \(layer.values.count) values",
                               "activations[\(row)][\(k)] (\(layer.name))")
                }
            }
        }
    }
}
