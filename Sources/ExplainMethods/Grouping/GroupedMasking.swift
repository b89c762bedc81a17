import ExplainTensor

/// The masking game of one row over feature groups, as a predictor whose inputs are the groups.
///
/// Masking methods (KernelSHAP, Shapley sampling, feature ablation) replace an absent player's values by a reference
/// row's (a background row or a baseline). Over groups, a group's features come from the row or all from the same
/// reference row. `GroupedMasking` codes that choice per group, so that any masking method runs unchanged on groups:
/// explain `codedRow` (every group present, value 1) against `codedReferences` (reference k is every group at
/// −(k + 1)), with this predictor, and the attributions are per group. `predict` decodes each coded row into the full
/// feature row and evaluates the model. The values and efficiency (Σφ = f(x) − E f(reference)) are those of the game
/// over groups.
public struct GroupedMasking<Model: BatchPredictor>: BatchPredictor {
    public let model: Model
    public let groups: FeatureGroups
    /// The explained row, `[featureCount]`.
    public let row: [Float]
    /// The reference rows, `[K, featureCount]`.
    public let references: Tensor

    /// - Throws: `ExplainError(.invalidArgument)` when the row, the references or the model's width differ from the
    ///   groups' feature count, or there are no references.
    public init(model: Model, groups: FeatureGroups, row: [Float], references: Tensor) throws(ExplainError) {
        let width = groups.featureCount
        guard model.inputWidth == width, row.count == width, references.sampleCount == width, references.batchSize > 0 else {
            throw ExplainError(.invalidArgument, "groups cover \(width) features, the model takes \(model.inputWidth), the row has "
                               + "\(row.count) and the references \(references.sampleCount) (\(references.batchSize) rows)",
                               at: "groups")
        }
        self.model = model
        self.groups = groups
        self.row = row
        self.references = references
    }

    public var inputWidth: Int { groups.count }
    public var outputCount: Int { model.outputCount }

    /// The explained row in group coding: every group present.
    public var codedRow: [Float] { [Float](repeating: 1, count: groups.count) }

    /// The references in group coding, with these weights (default equal).
    public func codedReferences(weights: [Double]? = nil) -> Background {
        let k = references.batchSize, g = groups.count
        var values = [Float](repeating: 0, count: k * g)
        for r in 0..<k { for j in 0..<g { values[r * g + j] = -Float(r + 1) } }
        return Background(rows: Tensor(shape: [k, g], scalars: values), weights: weights)
    }

    public func predict(_ batch: Tensor) throws -> Tensor {
        let g = groups.count, width = groups.featureCount, n = batch.batchSize, k = references.batchSize
        precondition(batch.sampleCount == g, "GroupedMasking: rows of \(batch.sampleCount) groups, expected \(g)")
        var full = [Float](repeating: 0, count: n * width)
        for s in 0..<n {
            for (j, group) in groups.groups.enumerated() {
                let code = batch.scalars[s * g + j]
                let reference = code == 1 ? -1 : Int(-code) - 1
                guard reference == -1 || (0..<k).contains(reference) else {
                    throw ExplainError(.invalidInput, "group \(Echo.quoted(group.name)): coded value \(code) is neither 1 (the row) "
                                       + "nor a reference −1…−\(k)", at: "groups")
                }
                for i in group.members {
                    full[s * width + i] = reference < 0 ? row[i] : references.scalars[reference * width + i]
                }
            }
        }
        return try model.predict(Tensor(shape: [n, width], scalars: full))
    }
}
