import ExplainTensor

/// A weighted sample of training rows in raw input units: KernelSHAP's reference distribution.
public struct Background: Sendable, Equatable {
    /// `[K, inputWidth]`.
    public var rows: Tensor
    /// One weight per row, summing to 1.
    public var weights: [Double]

    /// Creates a background; weights default to uniform and are normalised to sum to 1.
    public init(rows: Tensor, weights: [Double]? = nil) {
        precondition(rows.shape.count >= 1)
        self.rows = rows.reshaped([rows.batchSize, rows.sampleCount])
        let w = weights ?? [Double](repeating: 1, count: rows.batchSize)
        precondition(w.count == rows.batchSize, "Background: \(w.count) weights for \(rows.batchSize) rows")
        self.weights = Self.normalized(w)
    }

    /// Weights divided by their sum; unchanged when they have no positive finite sum to divide by.
    ///
    /// Finite weights whose sum overflows (all near `Double.greatestFiniteMagnitude`, say) are first divided by the
    /// largest, so they normalise like their ratios do: weights all 1e308 give the same weights as all 1.
    public static func normalized(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        if total.isFinite { return total > 0 ? weights.map { $0 / total } : weights }
        guard let largest = weights.max(), largest.isFinite, largest > 0,
              weights.allSatisfy({ $0.isFinite }) else { return weights }
        let scaled = weights.map { $0 / largest }
        let scaledTotal = scaled.reduce(0, +)
        return scaled.map { $0 / scaledTotal }
    }
}
