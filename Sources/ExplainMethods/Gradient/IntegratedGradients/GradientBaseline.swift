import ExplainTensor

/// The reference input x' of integrated gradients and layer conductance.
///
/// Several baseline rows give one explanation: the attributions are averaged over them, and `base_value` is the mean
/// of f over them (the expected-gradients view of Erion et al. 2021 with a uniform distribution over the rows).
public enum GradientBaseline: Sendable, Equatable {
    /// All zeros (the default, as in captum).
    case zeros
    /// The training mean of every feature: `feature_stats.mean`, or the weighted mean of the background rows.
    case mean
    /// Rows given explicitly, `[K, inputWidth]`; `source` names them in `parameters` (for example the file name).
    case rows(Tensor, source: String = "rows")

    /// The CLI spelling for `parameters["baseline"]`: `zeros`, `mean`, or the rows' source.
    public var parameterValue: String {
        switch self {
        case .zeros: "zeros"
        case .mean: "mean"
        case .rows(_, let source): source
        }
    }

    /// The baseline rows as `[K, width]`.
    ///
    /// - Throws: `ExplainError(.invalidArgument)` located at `baseline` when `.mean` has neither statistics nor a
    ///   background, when the widths disagree, or when explicit rows are empty or not finite.
    public func resolved(width: Int, featureStats: FeatureStats? = nil, background: Background? = nil) throws(ExplainError) -> Tensor {
        switch self {
        case .zeros:
            return Tensor(shape: [1, width], repeating: 0)
        case .mean:
            if let stats = featureStats {
                guard stats.mean.count == width else {
                    throw ExplainError(.invalidArgument, "feature_stats has \(stats.mean.count) means, the model expects \(width)", at: "baseline")
                }
                return Tensor(shape: [1, width], scalars: stats.mean.map { Float($0) })
            }
            if let background, background.rows.batchSize > 0 {
                guard background.rows.sampleCount == width else {
                    throw ExplainError(.invalidArgument, "background rows have \(background.rows.sampleCount) values, the model expects \(width)", at: "baseline")
                }
                var mean = [Double](repeating: 0, count: width)
                for (r, w) in background.weights.enumerated() {
                    for j in 0..<width { mean[j] += w * Double(background.rows.scalars[r * width + j]) }
                }
                return Tensor(shape: [1, width], scalars: mean.map { Float($0) })
            }
            throw ExplainError(.invalidArgument, "the mean baseline needs feature_stats or a background in the model file", at: "baseline")
        case .rows(let rows, _):
            let flat = rows.reshaped([rows.batchSize, rows.sampleCount])
            guard flat.batchSize > 0 else { throw ExplainError(.invalidArgument, "no baseline rows given", at: "baseline") }
            guard flat.sampleCount == width else {
                throw ExplainError(.invalidArgument, "baseline rows have \(flat.sampleCount) values, the model expects \(width)", at: "baseline")
            }
            if let bad = flat.scalars.firstIndex(where: { !$0.isFinite }) {
                throw ExplainError(.invalidArgument, "baseline row \(bad / width) has a non-finite value", at: "baseline")
            }
            return flat
        }
    }
}
