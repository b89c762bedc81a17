import ExplainNN
import ExplainTensor

/// The memory budget of the gradient explainers: how many scalars one forward/backward pass may hold.
///
/// Integrated gradients, SmoothGrad and layer conductance evaluate many points per row (steps × baselines, or noisy
/// copies). They never build all of them at once: points are generated into chunks of
/// `max(1, maxScalars / footprint)` rows, where the footprint of a point is what one batched pass keeps of it (for a
/// `Model`, its input, every layer's output and the convolution patch matrices; for other predictors, its inputs and
/// outputs). Each chunk is one forward and one backward pass whose gradients are folded into per-row accumulators
/// before the next chunk is built, so peak memory is bounded by the budget whatever the number of rows or steps.
///
/// The default, 2¹⁶ scalars (256 KiB of Float32), keeps a chunk's activations in the L2 cache: on the
/// breast-cancer-sized MLP this is 3× faster than 4 MiB chunks, and smaller chunks lose to per-call overhead.
///
/// A chunk never holds points of two explained rows, and rows are predicted one at a time. OpenBLAS's sgemm rounds a
/// row of a product differently depending on the number of rows in the call and the row's position among them (its
/// kernels treat tiles, halves of tiles and edges with different instruction sequences), so a row batched with others
/// would get numbers that depend on which rows those are: on the caller's split of its rows into blocks (the CLI's
/// depends on `--threads`), or on `--rows`. Keeping each row's points to themselves makes every explanation a
/// function of its own row, the model, the options and the seed only. A predictor whose rows are independent to the
/// bit (`BatchPredictor.rowsAreIndependent`: a `Model` whose layers run through the small-matrix kernel) gets chunks
/// of several rows' points instead, with the same numbers.
public struct GradientBatching: Sendable, Equatable {
    /// The largest number of scalars one chunk's pass may hold (default 2¹⁶).
    public var maxScalars: Int

    /// Creates a budget; values below 1 are raised to 1.
    public init(maxScalars: Int = 1 << 16) {
        self.maxScalars = Swift.max(1, maxScalars)
    }

    /// The number of points of `footprint` scalars each that fit in one chunk (at least 1).
    public func pointsPerChunk(footprint: Int) -> Int {
        Swift.max(1, maxScalars / Swift.max(1, footprint))
    }

    /// The number of points that fit in one chunk of a pass through `predictor`.
    public func pointsPerChunk(for predictor: some BatchPredictor) -> Int {
        pointsPerChunk(footprint: GradientBatching.footprint(of: predictor))
    }

    /// The scalars one point occupies during a batched forward and backward pass of `predictor`.
    public static func footprint(of predictor: some BatchPredictor) -> Int {
        guard let model = predictor as? Model else { return predictor.inputWidth + predictor.outputCount }
        var total = model.inputWidth
        var shape = model.inputShape
        for (layer, out) in zip(model.layers, model.layerShapes) {
            total += out.reduce(1, *)
            if let conv = layer as? Conv2D, out.count == 3 {   // the im2col patch matrix and its gradient
                total += 2 * out[1] * out[2] * shape[0] * conv.weight.shape[2] * conv.weight.shape[3]
            }
            shape = out
        }
        return total
    }

    /// The outputs `[N, outputCount]` of `rows`, predicted one row at a time (at once when rows are independent).
    func predict<P: BatchPredictor>(_ predictor: P, _ rows: Tensor) throws -> Tensor {
        guard rows.batchSize > 1, !predictor.rowsAreIndependent else { return try predictor.predict(rows) }
        return Tensor.concatenating(try (0..<rows.batchSize).map { try predictor.predict(rows.rows($0..<($0 + 1))) })
    }

    /// The outputs, target gradients and targets of `rows`, one row per pass (see `GradientSupport.outputsAndGradients`).
    func outputsAndGradients<P: DifferentiablePredictor>(
        _ predictor: P, _ rows: Tensor, target: Target
    ) throws -> (outputs: Tensor, gradient: Tensor, targets: [Int]) {
        guard rows.batchSize > 1 else { return try GradientSupport.outputsAndGradients(predictor, rows, target: target) }
        let step = predictor.rowsAreIndependent ? pointsPerChunk(for: predictor) : 1
        var outputs: [Tensor] = [], gradients: [Tensor] = [], targets: [Int] = []
        for r in stride(from: 0, to: rows.batchSize, by: step) {
            let part = try GradientSupport.outputsAndGradients(predictor, rows.rows(r..<Swift.min(rows.batchSize, r + step)),
                                                               target: target)
            outputs.append(part.outputs)
            gradients.append(part.gradient)
            targets += part.targets
        }
        return (Tensor.concatenating(outputs), Tensor.concatenating(gradients), targets)
    }

    /// Evaluates `pointCount` generated points chunk by chunk and hands each chunk's outputs and target gradients on.
    ///
    /// - Parameters:
    ///   - pointsPerRow: points `r · pointsPerRow ..< (r + 1) · pointsPerRow` belong to explained row r; a chunk never
    ///     crosses from one row's points to the next (unless rows are independent), so a row's numbers do not depend
    ///     on the other rows.
    ///   - fill: writes point `i` (its `inputWidth` values) into the buffer it is given.
    ///   - target: the output whose gradient is taken at point `i`.
    ///   - consume: receives the range of point indices of a chunk, its outputs `[n, outputCount]` and its gradients
    ///     `[n, inputWidth]`.
    ///   - progress: called after each chunk with the share of the points evaluated so far.
    ///   - chunksMayMixRows: false keeps every chunk within one row's points even when rows are independent (for
    ///     callers whose buffers follow a row's layout).
    /// - Complexity: N · ⌈pointsPerRow / pointsPerChunk⌉ batched forward and backward passes for N rows.
    func evaluate<P: DifferentiablePredictor>(
        _ predictor: P, pointCount: Int, pointsPerRow: Int,
        fill: (_ point: Int, _ into: UnsafeMutableBufferPointer<Float>) -> Void,
        target: (_ point: Int) -> Int,
        consume: (_ points: Range<Int>, _ outputs: Tensor, _ gradients: Tensor) throws -> Void,
        progress: ((Double) -> Void)? = nil, chunksMayMixRows: Bool = true
    ) throws {
        let width = predictor.inputWidth
        let chunk = pointsPerChunk(for: predictor), perRow = Swift.max(1, pointsPerRow)
        let mixesRows = chunksMayMixRows && predictor.rowsAreIndependent
        var start = 0
        while start < pointCount {
            let rowEnd = mixesRows ? pointCount : (start / perRow + 1) * perRow
            let range = start..<Swift.min(pointCount, start + chunk, rowEnd)
            var scalars = [Float](repeating: 0, count: range.count * width)
            scalars.withUnsafeMutableBufferPointer { buffer in
                for (slot, point) in range.enumerated() {
                    fill(point, UnsafeMutableBufferPointer(rebasing: buffer[(slot * width)..<((slot + 1) * width)]))
                }
            }
            let batch = Tensor(shape: [range.count, width], scalars: scalars)
            let (outputs, gradients) = try predictor.gradient(batch, targets: range.map(target))
            try consume(range, outputs, gradients)
            start = range.upperBound
            progress?(Double(start) / Double(pointCount))
        }
    }
}
