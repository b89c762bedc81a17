import ExplainTensor

/// The per-feature noise standard deviation of SmoothGrad and GradientSHAP: a fraction of each feature's range.
///
/// ```
/// σ_j = level · (max_j − min_j)
/// ```
/// The range comes from, in order:
/// - `feature_stats` max − min when given;
/// - otherwise the background's per-feature range (flag `noise_from_background_range`);
/// - otherwise the range of the row's own values, the paper's per-image x_max − x_min, one σ for all features
///   (flag `noise_from_input_range`).
enum NoiseScale {
    /// σ for every row and feature (`[N · width]`, row-major) and the flags that say where the range came from.
    static func perRow(level: Double, width: Int, rows: Tensor, featureStats: FeatureStats?,
                       background: Background?) throws(ExplainError) -> ([Double], [String]) {
        let (perFeature, flags) = try perFeature(level: level, width: width, featureStats: featureStats, background: background)
        if let perFeature {
            return (Array([[Double]](repeating: perFeature, count: rows.batchSize).joined()), flags)
        }
        var sigma: [Double] = []
        sigma.reserveCapacity(rows.count)
        for r in 0..<rows.batchSize {
            let values = rows.scalars[(r * width)..<((r + 1) * width)]
            let range = Double((values.max() ?? 0) - (values.min() ?? 0))
            sigma += repeatElement(level * range, count: width)
        }
        return (sigma, flags)
    }

    /// σ_j from the training statistics or the background, or nil (and the input-range flag) when there is neither.
    static func perFeature(level: Double, width: Int, featureStats: FeatureStats?,
                           background: Background?) throws(ExplainError) -> ([Double]?, [String]) {
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
        return (nil, ["noise_from_input_range"])
    }
}
