import ExplainNN
import ExplainTensor

/// Validation and bookkeeping shared by the gradient explainers.
enum GradientSupport {
    /// Checks that `rows` is a batch of finite rows of the predictor's width.
    static func validate(_ rows: Tensor, width: Int) throws(ExplainError) {
        guard rows.shape.count >= 1, rows.sampleCount == width || rows.batchSize == 0 else {
            throw ExplainError(.invalidInput, "rows have \(rows.sampleCount) values, the model expects \(width)")
        }
        if let bad = rows.scalars.firstIndex(where: { !$0.isFinite }) {
            throw ExplainError(.invalidInput, "row \(bad / Swift.max(width, 1)) has a non-finite value at feature \(bad % Swift.max(width, 1))")
        }
    }

    /// Returns `explanations` when every number in them is finite; otherwise throws for the first row that is not,
    /// which happens when a row or the noise around it drives the model past Float's range.
    /// - Throws: `ExplainError(.numerical)` located at that row.
    static func finite(_ explanations: [Explanation], suspects: String = "the row's values and the model's weights")
        throws(ExplainError) -> [Explanation] {
        for e in explanations {
            let outputs = e.outputs ?? []
            guard e.prediction.isFinite, e.baseValue?.isFinite ?? true, e.attributions.allSatisfy(\.isFinite),
                  e.stdErrors?.allSatisfy(\.isFinite) ?? true, outputs.allSatisfy(\.isFinite) else {
                throw ExplainError(.numerical, "the model's output or gradient is not finite for this row (a value "
                    + "overflows Float: check \(suspects))", at: "row \(e.row)")
            }
        }
        return explanations
    }

    /// The rows as a flat `[N, width]` batch.
    static func flat(_ rows: Tensor) -> Tensor {
        rows.reshaped([rows.batchSize, rows.sampleCount])
    }

    /// The target index of every row, from its outputs.
    static func targets(_ target: Target, outputs: Tensor, outputCount: Int) throws(ExplainError) -> [Int] {
        if case .index(let i) = target, !(0..<outputCount).contains(i) {
            throw ExplainError(.invalidArgument, "target \(i) is out of range 0..<\(outputCount)", at: "target")
        }
        return (0..<outputs.batchSize).map { target.resolve(outputs: outputs.row($0)) }
    }

    /// The outputs, the target gradients and the targets of a batch. For a `Model` and `.predicted` this is one
    /// forward and one backward pass (the targets come from the same forward pass).
    static func outputsAndGradients<P: DifferentiablePredictor>(
        _ predictor: P, _ batch: Tensor, target: Target
    ) throws -> (outputs: Tensor, gradient: Tensor, targets: [Int]) {
        let n = batch.batchSize, k = predictor.outputCount
        if case .index = target {
            let targets = try targets(target, outputs: Tensor(shape: [n, 0]), outputCount: k)
            let (outputs, gradient) = try predictor.gradient(batch, targets: targets)
            return (outputs, gradient, targets)
        }
        if let model = predictor as? Model, batch.sampleCount == model.inputWidth {
            let (out, pullback) = model.forwardWithInputPullback(model.batch(batch), layers: model.layers.indices)
            let outputs = out.reshaped([n, k])
            let targets = try targets(target, outputs: outputs, outputCount: k)
            var seed = Tensor(shape: out.shape, repeating: 0)
            for (r, t) in targets.enumerated() { seed.scalars[r * k + t] = 1 }
            let g = pullback(seed)
            return (outputs, g.reshaped([n, g.sampleCount]), targets)
        }
        let targets = try targets(target, outputs: try predictor.predict(batch), outputCount: k)
        let (outputs, gradient) = try predictor.gradient(batch, targets: targets)
        return (outputs, gradient, targets)
    }

    /// The number of each row: `rowIndices`, or 0..<count.
    /// - Throws: `ExplainError(.invalidArgument)` when `rowIndices` has the wrong length.
    static func rowNumbers(_ rowIndices: [Int]?, count: Int) throws(ExplainError) -> [Int] {
        guard let rowIndices else { return Array(0..<count) }
        guard rowIndices.count == count else {
            throw ExplainError(.invalidArgument, "\(rowIndices.count) row indices for \(count) rows", at: "rows")
        }
        return rowIndices
    }

    /// The name of output `index`: the model's output name, or `output<index>` for other predictors.
    static func outputName(_ predictor: some DifferentiablePredictor, _ index: Int) -> String {
        if let model = predictor as? Model, model.outputNames.indices.contains(index) { return model.outputNames[index] }
        return "output\(index)"
    }
}
