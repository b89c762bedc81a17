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

    /// Evaluates `pointCount` generated points chunk by chunk and hands each chunk's outputs and target gradients on.
    ///
    /// - Parameters:
    ///   - fill: writes point `i` (its `inputWidth` values) into the buffer it is given.
    ///   - target: the output whose gradient is taken at point `i`.
    ///   - consume: receives the range of point indices of a chunk, its outputs `[n, outputCount]` and its gradients
    ///     `[n, inputWidth]`.
    /// - Complexity: ⌈pointCount / pointsPerChunk⌉ batched forward and backward passes.
    func evaluate<P: DifferentiablePredictor>(
        _ predictor: P, pointCount: Int,
        fill: (_ point: Int, _ into: UnsafeMutableBufferPointer<Float>) -> Void,
        target: (_ point: Int) -> Int,
        consume: (_ points: Range<Int>, _ outputs: Tensor, _ gradients: Tensor) throws -> Void
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
        }
    }
}

/// Validation and bookkeeping shared by the gradient explainers.
enum GradientSupport {
    /// Checks that `rows` is a batch of finite rows of the predictor's width.
    static func validate(_ rows: Tensor, width: Int) throws(ExplainError) {
        guard rows.shape.count >= 1, rows.sampleCount == width || rows.batchSize == 0 else {
            throw ExplainError(.invalidInput, "rows have \(rows.sampleCount) values, the model expects \(width)")
        }
        if let bad = rows.scalars.firstIndex(where: { !$0.isFinite }) {
            throw ExplainError(.invalidInput, "row \(bad / Swift.max(width, 1)) has a non-finite value at feature \(bad % Swift.max(width, 1))")
        }
    }

    /// The rows as a flat `[N, width]` batch.
    static func flat(_ rows: Tensor) -> Tensor {
        rows.reshaped([rows.batchSize, rows.sampleCount])
    }

    /// The target index of every row, from its outputs.
    static func targets(_ target: Target, outputs: Tensor, outputCount: Int) throws(ExplainError) -> [Int] {
        if case .index(let i) = target, !(0..<outputCount).contains(i) {
            throw ExplainError(.invalidArgument, "target \(i) is out of range 0..<\(outputCount)", at: "target")
        }
        return (0..<outputs.batchSize).map { target.resolve(outputs: outputs.row($0)) }
    }

    /// The outputs, the target gradients and the targets of a batch. For a `Model` and `.predicted` this is one
    /// forward and one backward pass (the targets come from the same forward pass).
    static func outputsAndGradients<P: DifferentiablePredictor>(
        _ predictor: P, _ batch: Tensor, target: Target
    ) throws -> (outputs: Tensor, gradient: Tensor, targets: [Int]) {
        let n = batch.batchSize, k = predictor.outputCount
        if case .index = target {
            let targets = try targets(target, outputs: Tensor(shape: [n, 0]), outputCount: k)
            let (outputs, gradient) = try predictor.gradient(batch, targets: targets)
            return (outputs, gradient, targets)
        }
        if let model = predictor as? Model, batch.sampleCount == model.inputWidth {
            let (outputs, pullback) = model.forwardWithPullback(batch)
            let targets = try targets(target, outputs: outputs, outputCount: k)
            var seed = Tensor(shape: outputs.shape, repeating: 0)
            for (r, t) in targets.enumerated() { seed.scalars[r * k + t] = 1 }
            let g = pullback(seed).input
            return (outputs, g.reshaped([n, g.sampleCount]), targets)
        }
        let targets = try targets(target, outputs: try predictor.predict(batch), outputCount: k)
        let (outputs, gradient) = try predictor.gradient(batch, targets: targets)
        return (outputs, gradient, targets)
    }

    /// The number of each row: `rowIndices`, or 0..<count.
    /// - Throws: `ExplainError(.invalidArgument)` when `rowIndices` has the wrong length.
    static func rowNumbers(_ rowIndices: [Int]?, count: Int) throws(ExplainError) -> [Int] {
        guard let rowIndices else { return Array(0..<count) }
        guard rowIndices.count == count else {
            throw ExplainError(.invalidArgument, "\(rowIndices.count) row indices for \(count) rows", at: "rows")
        }
        return rowIndices
    }

    /// The name of output `index`: the model's output name, or `output<index>` for other predictors.
    static func outputName(_ predictor: some DifferentiablePredictor, _ index: Int) -> String {
        if let model = predictor as? Model, model.outputNames.indices.contains(index) { return model.outputNames[index] }
        return "output\(index)"
    }
}
