/// Per-feature statistics of the training data, in raw units (CONTRACT.md §1 `feature_stats`).
public struct FeatureStats: Sendable, Equatable, Codable {
    public var mean: [Double]
    /// Population standard deviation.
    public var std: [Double]
    public var min: [Double]
    public var max: [Double]
    /// The 25th, 50th and 75th percentiles of each feature (numpy's linear interpolation).
    public var quartiles: [[Double]]

    public init(mean: [Double], std: [Double], min: [Double], max: [Double], quartiles: [[Double]]) {
        self.mean = mean
        self.std = std
        self.min = min
        self.max = max
        self.quartiles = quartiles
    }

    /// The number of features.
    public var count: Int { mean.count }

    /// Computes the statistics of a `rows × width` table given row-major.
    public static func computed(from values: [Float], rows: Int, width: Int) -> FeatureStats {
        var mean = [Double](), std = [Double](), lo = [Double](), hi = [Double](), q = [[Double]]()
        for j in 0..<width {
            var column = (0..<rows).map { Double(values[$0 * width + j]) }
            column.sort()
            let m = column.reduce(0, +) / Double(Swift.max(rows, 1))
            let v = column.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(Swift.max(rows, 1))
            mean.append(m)
            std.append(v.squareRoot())
            lo.append(column.first ?? 0)
            hi.append(column.last ?? 0)
            q.append([0.25, 0.5, 0.75].map { percentile(sorted: column, $0) })
        }
        return FeatureStats(mean: mean, std: std, min: lo, max: hi, quartiles: q)
    }

    /// numpy's default (linear) percentile of sorted values, `p` in [0, 1].
    public static func percentile(sorted column: [Double], _ p: Double) -> Double {
        guard !column.isEmpty else { return 0 }
        let pos = p * Double(column.count - 1)
        let i = Int(pos.rounded(.down))
        let frac = pos - Double(i)
        if i + 1 >= column.count { return column[column.count - 1] }
        return column[i] + (column[i + 1] - column[i]) * frac
    }
}
