import ExplainTensor

/// lime's quartile or decile discretiser: per-feature bin boundaries and the training statistics of every bin.
///
/// For feature j the boundaries are the distinct training percentiles (numpy's linear interpolation). A value v falls
/// in bin k, the number of boundaries strictly below v, so a value equal to a boundary goes to the lower bin
/// (`np.searchsorted(..., side="left")`). Each bin keeps its training frequency, the mean and population standard
/// deviation (+1e-11) of the training values in it, and its range: the training minimum or the boundary below, to the
/// boundary above or the training maximum. Sampling draws a bin with the training frequencies, then a value from the
/// bin's normal truncated to its range.
///
/// Training data: the quartile boundaries come from `feature_stats` when present (the full training data), otherwise
/// from the background rows; decile boundaries always come from the background rows. The per-bin statistics come from
/// the background rows (weighted by their weights). Without background rows, each bin gets the mass of its percentile
/// levels and the training normal N(mean, std²) restricted to its range.
public struct LIMEDiscretizer: Sendable, Equatable {
    /// One bin of one feature.
    public struct Bin: Sendable, Equatable {
        /// The training fraction in the bin.
        public var frequency: Double
        /// The mean and population std (+1e-11) of the training values in the bin.
        public var mean: Double
        public var std: Double
        /// The range that sampled values are truncated to.
        public var lower: Double
        public var upper: Double
    }

    /// The bins of one feature.
    public struct Feature: Sendable, Equatable {
        /// The distinct, increasing boundaries; there are `boundaries.count + 1` bins.
        public var boundaries: [Double]
        public var bins: [Bin]
    }

    /// Quartile or decile.
    public let kind: LIMEDiscretization
    /// One entry per feature.
    public let features: [Feature]

    /// Builds the discretiser from the training statistics and/or background rows.
    ///
    /// - Throws: `ExplainError(.invalidArgument)` when neither source is given, when `kind` is `.none`, or when decile
    ///   boundaries are asked for without background rows.
    public init(kind: LIMEDiscretization, featureStats: FeatureStats?, background: Background?) throws {
        guard kind != .none else {
            throw ExplainError(.invalidArgument, "a discretiser needs quartile or decile bins", at: "lime.discretizer")
        }
        let width = featureStats?.count ?? background?.rows.sampleCount ?? 0
        let rows = background.map { Self.columns(of: $0.rows) }
        let useStatsBoundaries = kind == .quartile && featureStats != nil
        if !useStatsBoundaries && rows == nil {
            throw ExplainError(.invalidArgument, "\(kind.rawValue) discretisation needs background rows",
                               at: "lime.discretizer")
        }
        var features = [Feature]()
        features.reserveCapacity(width)
        for j in 0..<width {
            let sorted = rows.map { $0[j].sorted() }
            var cuts: [Double]
            if useStatsBoundaries, let stats = featureStats {
                cuts = stats.quartiles[j]
            } else {
                cuts = kind.percentileLevels.map { FeatureStats.percentile(sorted: sorted ?? [], $0) }
            }
            let boundaries = Self.distinct(cuts)
            let lo = Swift.min(featureStats?.min[j] ?? .infinity, sorted?.first ?? .infinity)
            let hi = Swift.max(featureStats?.max[j] ?? -.infinity, sorted?.last ?? -.infinity)
            var bins = [Bin]()
            for k in 0...boundaries.count {
                let upper = k == boundaries.count ? hi : boundaries[k]
                let lower = Swift.min(k == 0 ? lo : boundaries[k - 1], upper)
                let mean = featureStats?.mean[j] ?? 0, std = featureStats?.std[j] ?? 0
                bins.append(Bin(frequency: 0, mean: mean, std: std + 1e-11, lower: lower, upper: upper))
            }
            if let background, let columns = rows {
                Self.fillFromRows(&bins, boundaries: boundaries, values: columns[j], weights: background.weights)
            } else {
                Self.fillFromLevels(&bins, cuts: cuts, levels: kind.percentileLevels)
            }
            features.append(Feature(boundaries: boundaries, bins: bins))
        }
        self.kind = kind
        self.features = features
    }

    /// The bin of `value` for `feature`: the number of boundaries strictly below it.
    @inline(__always)
    public func bin(of value: Double, feature: Int) -> Int {
        var k = 0
        for b in features[feature].boundaries where b < value { k += 1 }
        return k
    }

    /// lime's name for bin `bin` of a feature: `name <= q1`, `q1 < name <= q2`, …, `name > qK`.
    ///
    /// Numbers are written with 4 significant digits (lime writes 2 decimals, which collapses small-scale features).
    public func label(feature: Int, bin: Int, name: String) -> String {
        let cuts = features[feature].boundaries
        guard !cuts.isEmpty else { return name }
        if bin <= 0 { return "\(name) <= \(LIMEFormat.number(cuts[0]))" }
        if bin >= cuts.count { return "\(name) > \(LIMEFormat.number(cuts[cuts.count - 1]))" }
        return "\(LIMEFormat.number(cuts[bin - 1])) < \(name) <= \(LIMEFormat.number(cuts[bin]))"
    }

    // MARK: - Construction helpers

    /// The columns of a `[K, M]` tensor, in Double.
    private static func columns(of rows: Tensor) -> [[Double]] {
        let width = rows.sampleCount, count = rows.batchSize
        var out = [[Double]](repeating: [], count: width)
        for j in 0..<width {
            out[j] = (0..<count).map { Double(rows.scalars[$0 * width + j]) }
        }
        return out
    }

    /// `np.unique` of the boundaries: sorted, without repeats.
    private static func distinct(_ values: [Double]) -> [Double] {
        var out = [Double]()
        for v in values.sorted() where out.last != v { out.append(v) }
        return out
    }

    /// Frequencies, means and population stds of the (weighted) training values in each bin.
    private static func fillFromRows(_ bins: inout [Bin], boundaries: [Double], values: [Double], weights: [Double]) {
        var mass = [Double](repeating: 0, count: bins.count)
        var sum = mass, sumSquares = mass
        for (v, w) in zip(values, weights) {
            var k = 0
            for b in boundaries where b < v { k += 1 }
            mass[k] += w
            sum[k] += w * v
        }
        for k in bins.indices where mass[k] > 0 { sum[k] /= mass[k] }
        for (v, w) in zip(values, weights) {
            var k = 0
            for b in boundaries where b < v { k += 1 }
            sumSquares[k] += w * (v - sum[k]) * (v - sum[k])
        }
        let total = mass.reduce(0, +)
        for k in bins.indices {
            bins[k].frequency = total > 0 ? mass[k] / total : 0
            guard mass[k] > 0 else { continue }
            bins[k].mean = sum[k]
            bins[k].std = (sumSquares[k] / mass[k]).squareRoot() + 1e-11
        }
    }

    /// Without training rows: each bin holds the mass between the percentile levels of its boundaries, and a top bin
    /// with an empty range (maximum equal to the last boundary) gives its mass to the bin below.
    private static func fillFromLevels(_ bins: inout [Bin], cuts: [Double], levels: [Double]) {
        var previous = 0.0
        for k in 0..<(bins.count - 1) {
            let boundary = bins[k].upper
            let level = zip(cuts, levels).filter { $0.0 <= boundary }.map(\.1).max() ?? previous
            bins[k].frequency = level - previous
            previous = level
        }
        bins[bins.count - 1].frequency = 1 - previous
        let top = bins.count - 1
        if top > 0, bins[top].upper <= bins[top].lower {
            bins[top - 1].frequency += bins[top].frequency
            bins[top].frequency = 0
        }
    }
}
