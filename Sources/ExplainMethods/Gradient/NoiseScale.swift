import ExplainTensor

/// The per-feature noise standard deviation of SmoothGrad and GradientSHAP: a fraction of each feature's range.
///
/// ```
/// σ_j = level · (max_j − min_j)
/// ```
/// The range comes from, in order:
/// - `feature_stats` max − min when given;
/// - otherwise the background's per-feature range (flag `noise_from_background_range`);
/// - with neither, an error: a σ from each row's own values would change from row to row without saying so.
enum NoiseScale {
    /// The message of the error for a run with neither statistics nor a background.
    static let missingRangeMessage = "smoothgrad scales its noise by each feature's training range: it needs "
        + "feature_stats or a background"

    /// σ for every row and feature (`[N · width]`, row-major) and the flags that say where the range came from.
    /// - Throws: `ExplainError(.invalidArgument)` when there are neither statistics nor a background.
    static func perRow(level: Double, width: Int, rows: Tensor, featureStats: FeatureStats?,
                       background: Background?) throws(ExplainError) -> ([Double], [String]) {
        let (perFeature, flags) = try perFeature(level: level, width: width, featureStats: featureStats, background: background)
        return (Array([[Double]](repeating: perFeature, count: rows.batchSize).joined()), flags)
    }

    /// σ_j from the training statistics or the background.
    /// - Throws: `ExplainError(.invalidArgument)` when there is neither.
    static func perFeature(level: Double, width: Int, featureStats: FeatureStats?,
                           background: Background?) throws(ExplainError) -> ([Double], [String]) {
        if let stats = featureStats {
            guard stats.min.count == width, stats.max.count == width else {
                throw ExplainError(.invalidArgument, "feature_stats has \(stats.min.count) minima and \(stats.max.count) maxima, the model expects \(width)", at: "feature_stats")
            }
            return ((0..<width).map { level * Swift.max(0, stats.max[$0] - stats.min[$0]) }, [])
        }
        if let background, background.rows.batchSize > 0 {
            guard background.rows.sampleCount == width else {
                throw ExplainError(.invalidArgument, "background rows have \(background.rows.sampleCount) values, the model expects \(width)", at: "background")
            }
            let ranges = (0..<width).map { j -> Double in
                let column = (0..<background.rows.batchSize).map { background.rows.scalars[$0 * width + j] }
                return Double((column.max() ?? 0) - (column.min() ?? 0))
            }
            return (ranges.map { level * $0 }, ["noise_from_background_range"])
        }
        throw ExplainError(.invalidArgument, missingRangeMessage, at: "noise")
    }
}
