import ExplainNN
import ExplainTensor

/// The memory budget of the gradient explainers: how many input scalars one forward/backward pass may hold.
///
/// Integrated gradients, SmoothGrad and layer conductance evaluate many points per row (steps × baselines, or noisy
/// copies). They never build all of them at once: points are generated into chunks of at most
/// `max(1, maxScalars / inputWidth)` rows, each chunk is one batched forward and one backward pass, and its
/// gradients are folded into per-row accumulators before the next chunk is built. Peak memory is therefore bounded by
/// the budget times the network's per-point footprint, whatever the number of rows or steps.
public struct GradientBatching: Sendable, Equatable {
    /// The largest number of input scalars in one chunk (default 2¹⁸, 1 MiB of Float32 inputs).
    public var maxScalars: Int

    /// Creates a budget; values below 1 are raised to 1.
    public init(maxScalars: Int = 1 << 18) {
        self.maxScalars = Swift.max(1, maxScalars)
    }

    /// The number of points of `width` input values that fit in one chunk (at least 1).
    public func pointsPerChunk(width: Int) -> Int {
        Swift.max(1, maxScalars / Swift.max(1, width))
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
        _ predictor: P, pointCount: Int, minimumChunk: Int = 1,
        fill: (_ point: Int, _ into: UnsafeMutableBufferPointer<Float>) -> Void,
        target: (_ point: Int) -> Int,
        consume: (_ points: Range<Int>, _ outputs: Tensor, _ gradients: Tensor) throws -> Void
    ) throws {
        let width = predictor.inputWidth
        let chunk = Swift.max(minimumChunk, pointsPerChunk(width: width))
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

    /// The name of output `index`: the model's output name, or `output<index>` for other predictors.
    static func outputName(_ predictor: some DifferentiablePredictor, _ index: Int) -> String {
        if let model = predictor as? Model, model.outputNames.indices.contains(index) { return model.outputNames[index] }
        return "output\(index)"
    }
}
