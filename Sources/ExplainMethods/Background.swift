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
        let total = w.reduce(0, +)
        self.weights = total > 0 ? w.map { $0 / total } : w
    }
}
