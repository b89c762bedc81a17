import ExplainTensor

/// LIME's neighbourhood of one instance: the rows fed to the model and their interpretable representation.
public struct LIMENeighbourhood: Sendable, Equatable {
    /// The number of samples N, row 0 being the instance.
    public var count: Int
    /// The number of features M.
    public var width: Int
    /// The raw rows fed to the model, `N × M` row-major; row 0 is x.
    public var samples: [Float]
    /// The interpretable rows z, `N × M` row-major: 0/1 "same bin as x", or the standardised samples.
    public var interpretable: [Double]
    /// The Euclidean distance of each interpretable row from row 0.
    public var distances: [Double]
    /// The bin of each feature of x (discretised modes); empty in continuous mode.
    public var instanceBins: [Int]
}

/// Generates LIME's tabular neighbourhoods (lime's `__data_inverse`), separately from the surrogate fit.
///
/// Discretised modes: for every row i ≥ 1 and feature j a bin is drawn with the training bin frequencies;
/// z_ij = 1 when it is x_j's bin, and the raw value is drawn from the bin's truncated normal (`LIMEDiscretizer`). One
/// uniform draw gives both: its position inside the chosen bin's frequency interval is the inverse-CDF draw of the
/// value (`LIMEBinTable`).
/// Continuous mode: raw values are mean_j + std_j · N(0, 1) (std 0 counts as 1), and z is the standardised sample.
/// Row 0 is x itself, with z_0 = 1 (discretised) or the standardised x. Distances are Euclidean in z from z_0.
public struct LIMESampler: Sendable {
    /// The interpretable representation.
    public let discretization: LIMEDiscretization
    /// The bins, for discretised modes.
    public let discretizer: LIMEDiscretizer?
    /// The training mean of each feature (from `feature_stats`, else the weighted background).
    public let mean: [Double]
    /// The training population std of each feature, with 0 replaced by 1 (scikit-learn's `StandardScaler`).
    public let scale: [Double]
    /// The bins of all features, flattened for sampling (discretised modes).
    let bins: LIMEBinTable?

    /// The number of features.
    public var width: Int { mean.count }

    /// Prepares sampling from the training statistics and/or background rows.
    ///
    /// - Throws: `ExplainError(.invalidArgument)` when neither source is given, or they disagree on the width, or they
    ///   hold non-finite values.
    public init(discretization: LIMEDiscretization, featureStats: FeatureStats?, background: Background?) throws {
        try Self.validate(featureStats: featureStats, background: background)
        let (mean, std) = Self.moments(featureStats: featureStats, background: background)
        self.discretization = discretization
        self.mean = mean
        self.scale = std.map { $0 > 0 ? $0 : 1 }
        if discretization == .none {
            discretizer = nil
            bins = nil
        } else {
            let d = try LIMEDiscretizer(kind: discretization, featureStats: featureStats, background: background)
            discretizer = d
            bins = LIMEBinTable(d)
        }
    }

    /// Draws `count` rows around `x` (row 0 is x). `x.count` must equal `width` and `count` be at least 1.
    ///
    /// - Complexity: O(count · width) draws.
    public func sample(around x: [Float], count: Int, rng: inout SplitMix64) -> LIMENeighbourhood {
        precondition(x.count == width && count >= 1, "LIMESampler.sample: bad shape")
        let m = width
        if let discretizer, let table = bins {
            let own = (0..<m).map { discretizer.bin(of: Double(x[$0]), feature: $0) }
            var samples = [Float](repeating: 0, count: count * m)
            var z = [Double](repeating: 1, count: count * m)
            var distances = [Double](repeating: 0, count: count)
            for j in 0..<m { samples[j] = x[j] }
            samples.withUnsafeMutableBufferPointer { sp in
                z.withUnsafeMutableBufferPointer { zp in
                    distances.withUnsafeMutableBufferPointer { dp in
                        guard let s = sp.baseAddress, let zb = zp.baseAddress, let d = dp.baseAddress else { return }
                        table.fill(instanceBins: own, width: m, count: count, out: s, z: zb, distances: d, rng: &rng)
                    }
                }
            }
            return LIMENeighbourhood(count: count, width: m, samples: samples, interpretable: z, distances: distances,
                                     instanceBins: own)
        }
        var samples = [Float](repeating: 0, count: count * m)
        var z = [Double](repeating: 0, count: count * m)
        var distances = [Double](repeating: 0, count: count)
        for j in 0..<m { samples[j] = x[j] }
        do {
            var z0 = [Double](repeating: 0, count: m)
            for j in 0..<m {
                z0[j] = (Double(x[j]) - mean[j]) / scale[j]
                z[j] = z0[j]
            }
            // Standard normals by inversion, a block of rows at a time so the quantiles vectorise.
            let blockRows = Swift.max(1, 2048 / Swift.max(m, 1))
            var levels = [Double](repeating: 0.5, count: blockRows * m), normals = levels
            var i = 1
            while i < count {
                let rows = Swift.min(blockRows, count - i)
                for e in 0..<(rows * m) { levels[e] = Self.openUniform(&rng) }
                levels.withUnsafeBufferPointer { lp in
                    normals.withUnsafeMutableBufferPointer { np in
                        if let l = lp.baseAddress, let n = np.baseAddress {
                            LIMETruncatedNormal.quantiles(l, into: n, count: rows * m)
                        }
                    }
                }
                for r in 0..<rows {
                    var squared = 0.0
                    for j in 0..<m {
                        let raw = Float(mean[j] + scale[j] * normals[r * m + j])
                        samples[(i + r) * m + j] = raw
                        // Standardise the value the model sees, so z and the model input agree exactly.
                        let zij = (Double(raw) - mean[j]) / scale[j]
                        z[(i + r) * m + j] = zij
                        squared += (zij - z0[j]) * (zij - z0[j])
                    }
                    distances[i + r] = squared.squareRoot()
                }
                i += rows
            }
        }
        return LIMENeighbourhood(count: count, width: m, samples: samples, interpretable: z, distances: distances,
                                 instanceBins: [])
    }

    /// A uniform draw in the open interval (0, 1).
    @inline(__always)
    static func openUniform(_ rng: inout SplitMix64) -> Double {
        (Double(rng.next() >> 11) + 0.5) * 0x1.0p-53
    }

    private static func validate(featureStats: FeatureStats?, background: Background?) throws {
        guard featureStats != nil || background != nil else {
            throw ExplainError(.invalidArgument, "LIME needs feature_stats or background rows", at: "lime")
        }
        if let s = featureStats {
            let m = s.count
            guard m > 0, s.std.count == m, s.min.count == m, s.max.count == m, s.quartiles.count == m,
                  s.quartiles.allSatisfy({ $0.count == 3 }) else {
                throw ExplainError(.invalidArgument, "feature_stats arrays must all have one entry per feature",
                                   at: "feature_stats")
            }
            let all = s.mean + s.std + s.min + s.max + s.quartiles.flatMap { $0 }
            guard all.allSatisfy({ $0.isFinite }), s.std.allSatisfy({ $0 >= 0 }) else {
                throw ExplainError(.invalidArgument, "feature_stats holds a non-finite value or a negative std",
                                   at: "feature_stats")
            }
        }
        if let b = background {
            guard b.rows.batchSize > 0, b.rows.sampleCount > 0, b.rows.isFinite,
                  b.weights.allSatisfy({ $0.isFinite && $0 >= 0 }), b.weights.reduce(0, +) > 0 else {
                throw ExplainError(.invalidArgument, "the background needs finite rows and positive weights",
                                   at: "background")
            }
            if let s = featureStats, s.count != b.rows.sampleCount {
                throw ExplainError(.invalidArgument,
                                   "feature_stats has \(s.count) features but background rows have \(b.rows.sampleCount)",
                                   at: "background")
            }
        }
    }

    /// The training mean and population std: `feature_stats` when present, else the weighted background.
    private static func moments(featureStats: FeatureStats?, background: Background?) -> ([Double], [Double]) {
        if let s = featureStats { return (s.mean, s.std) }
        guard let b = background else { return ([], []) }
        let m = b.rows.sampleCount
        var mean = [Double](repeating: 0, count: m), variance = mean
        for r in 0..<b.rows.batchSize {
            for j in 0..<m { mean[j] += b.weights[r] * Double(b.rows.scalars[r * m + j]) }
        }
        for r in 0..<b.rows.batchSize {
            for j in 0..<m {
                let d = Double(b.rows.scalars[r * m + j]) - mean[j]
                variance[j] += b.weights[r] * d * d
            }
        }
        return (mean, variance.map { $0.squareRoot() })
    }
}
