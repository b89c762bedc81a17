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

    /// Checks that the background can define an expectation: at least one row, finite values, and weights that are
    /// finite, non-negative and not all zero.
    /// - Throws: `ExplainError(.invalidArgument)` at `<location>.background` (or `.background.weights`).
    public func validate(at location: String) throws(ExplainError) {
        guard rows.batchSize > 0, rows.sampleCount > 0 else {
            throw ExplainError(.invalidArgument, "the background has no rows", at: "\(location).background")
        }
        guard rows.isFinite else {
            throw ExplainError(.invalidArgument, "the background has a non-finite value", at: "\(location).background")
        }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
            throw ExplainError(.invalidArgument, "background weights must be finite, non-negative and not all zero",
                               at: "\(location).background.weights")
        }
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
