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

    /// The outputs `[N, outputCount]` of `rows`, predicted chunk by chunk.
    func predict<P: BatchPredictor>(_ predictor: P, _ rows: Tensor) throws -> Tensor {
        let chunk = pointsPerChunk(for: predictor)
        guard rows.batchSize > chunk else { return try predictor.predict(rows) }
        return Tensor.concatenating(try stride(from: 0, to: rows.batchSize, by: chunk).map {
            try predictor.predict(rows.rows($0..<Swift.min(rows.batchSize, $0 + chunk)))
        })
    }

    /// The outputs, target gradients and targets of `rows`, chunk by chunk (see `GradientSupport.outputsAndGradients`).
    func outputsAndGradients<P: DifferentiablePredictor>(
        _ predictor: P, _ rows: Tensor, target: Target
    ) throws -> (outputs: Tensor, gradient: Tensor, targets: [Int]) {
        let chunk = pointsPerChunk(for: predictor)
        guard rows.batchSize > chunk else { return try GradientSupport.outputsAndGradients(predictor, rows, target: target) }
        var outputs: [Tensor] = [], gradients: [Tensor] = [], targets: [Int] = []
        for start in stride(from: 0, to: rows.batchSize, by: chunk) {
            let part = try GradientSupport.outputsAndGradients(predictor, rows.rows(start..<Swift.min(rows.batchSize, start + chunk)), target: target)
            outputs.append(part.outputs)
            gradients.append(part.gradient)
            targets += part.targets
        }
        return (Tensor.concatenating(outputs), Tensor.concatenating(gradients), targets)
    }

    /// Evaluates `pointCount` generated points chunk by chunk and hands each chunk's outputs and target gradients on.
    ///
    /// - Parameters:
    ///   - fill: writes point `i` (its `inputWidth` values) into the buffer it is given.
    ///   - target: the output whose gradient is taken at point `i`.
    ///   - consume: receives the range of point indices of a chunk, its outputs `[n, outputCount]` and its gradients
    ///     `[n, inputWidth]`.
    ///   - progress: called after each chunk with the share of the points evaluated so far.
    /// - Complexity: ⌈pointCount / pointsPerChunk⌉ batched forward and backward passes.
    func evaluate<P: DifferentiablePredictor>(
        _ predictor: P, pointCount: Int,
        fill: (_ point: Int, _ into: UnsafeMutableBufferPointer<Float>) -> Void,
        target: (_ point: Int) -> Int,
        consume: (_ points: Range<Int>, _ outputs: Tensor, _ gradients: Tensor) throws -> Void,
        progress: ((Double) -> Void)? = nil
    ) throws {
        let width = predictor.inputWidth
        let chunk = pointsPerChunk(for: predictor)
        var start = 0
        while start < pointCount {
            let range = start..<Swift.min(pointCount, start + chunk)
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
