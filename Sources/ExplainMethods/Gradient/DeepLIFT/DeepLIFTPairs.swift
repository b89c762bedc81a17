import ExplainNN
import ExplainTensor

/// DeepLIFT over (input row, reference row) pairs, chunk by chunk: the one pass that `DeepLIFT` and `DeepSHAP` share.
///
/// The references' activations are computed once for all pairs when they fit in `cachedScalars` (DeepSHAP pairs
/// every row with every background row, so this saves one forward pass per pair); otherwise each chunk runs its
/// references' forward pass.
enum DeepLIFTPairs {
    /// The most reference activations kept for a whole run (2²², 16 MiB of Float32).
    static let cachedScalars = 1 << 22

    /// Evaluates `pointCount` pairs and hands each chunk's per-pair attributions m ⊙ (x − x′) on.
    ///
    /// - Parameters:
    ///   - rows, references: `[N, width]` inputs and `[K, width]` references.
    ///   - pair: the (row, reference) indices of point `p`.
    ///   - targets: the explained output of every row.
    ///   - cacheLimit: the most scalars of reference activations kept for the whole run.
    ///   - consume: the chunk's point range and its attributions, `[points, width]` row-major.
    /// - Complexity: one forward pass of each pair's row (and of its reference, unless cached) and one rule pass per
    ///   pair, in chunks that hold both within `batching` and never mix two rows.
    static func evaluate(
        model: Model, rows: Tensor, references: Tensor, pointCount: Int, pair: (Int) -> (row: Int, reference: Int),
        targets: [Int], eps: Float, batching: GradientBatching, cacheLimit: Int = cachedScalars,
        consume: (_ points: Range<Int>, _ attributions: [Float]) throws -> Void
    ) throws {
        let width = model.inputWidth
        let chunk = batching.pointsPerChunk(footprint: 2 * GradientBatching.footprint(of: model))
        let activationWidth = model.layerShapes.reduce(width) { $0 + $1.reduce(1, *) }
        let cached = references.batchSize * activationWidth <= cacheLimit
            ? activations(model, references, batching: batching) : nil
        var start = 0
        while start < pointCount {
            // A chunk never mixes two rows' pairs, so no row's numbers depend on the others (OpenBLAS rounds a row of a
            // product by the call's size and the row's place in it; `GradientBatching`).
            let row = pair(start).row
            var end = start + 1
            while end < Swift.min(pointCount, start + chunk) && pair(end).row == row { end += 1 }
            let range = start..<end
            var xs = [Float](repeating: 0, count: range.count * width)
            var referenceRows: [Int] = [], chunkTargets: [Int] = []
            referenceRows.reserveCapacity(range.count)
            chunkTargets.reserveCapacity(range.count)
            for (slot, p) in range.enumerated() {
                let (r, k) = pair(p)
                xs.replaceSubrange((slot * width)..<((slot + 1) * width), with: rows.scalars[(r * width)..<((r + 1) * width)])
                referenceRows.append(k)
                chunkTargets.append(targets[r])
            }
            let reference = cached.map { gathered($0, referenceRows) }
                ?? activations(model, gathered([references], referenceRows)[0], batching: nil)
            let traces = model.trace(Tensor(shape: [range.count, width], scalars: xs))
            let rule = DeepLIFTRule(reference: reference, eps: eps)
            let seed = ModifiedBackprop.seed(shape: traces[traces.count - 1].output.shape, targets: chunkTargets)
            let multipliers = try ModifiedBackprop.backward(traces, from: seed, through: traces.indices, rule: rule).scalars
            let refs = reference[0].scalars
            var phi = [Float](repeating: 0, count: xs.count)
            for i in phi.indices { phi[i] = multipliers[i] * (xs[i] - refs[i]) }
            try consume(range, phi)
            start = range.upperBound
        }
    }

    /// The input batch and every layer's output for `x`, `[K] + shape` each (in `batching`'s chunks when given).
    static func activations(_ model: Model, _ x: Tensor, batching: GradientBatching?) -> [Tensor] {
        let chunk = batching?.pointsPerChunk(for: model) ?? Swift.max(1, x.batchSize)
        var parts: [[Tensor]] = []
        for start in stride(from: 0, to: x.batchSize, by: chunk) {
            let rows = model.batch(x.rows(start..<Swift.min(x.batchSize, start + chunk)))
            parts.append([rows] + model.activations(rows))
        }
        return (0..<(model.layers.count + 1)).map { level in Tensor.concatenating(parts.map { $0[level] }) }
    }

    /// The rows `indices` of every tensor (`[K] + shape` each), in that order.
    static func gathered(_ tensors: [Tensor], _ indices: [Int]) -> [Tensor] {
        tensors.map { t in
            let w = t.sampleCount
            var out = [Float]()
            out.reserveCapacity(indices.count * w)
            for k in indices { out.append(contentsOf: t.scalars[(k * w)..<((k + 1) * w)]) }
            return Tensor(shape: [indices.count] + t.sampleShape, scalars: out)
        }
    }
}
