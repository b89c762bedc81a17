import ExplainNN
import ExplainTensor

/// DeepLIFT over (input row, reference row) pairs, chunk by chunk: the one pass that `DeepLIFT` and `DeepSHAP` share.
enum DeepLIFTPairs {
    /// Evaluates `pointCount` pairs and hands each chunk's per-pair attributions m ⊙ (x − x′) on.
    ///
    /// - Parameters:
    ///   - rows, references: `[N, width]` inputs and `[K, width]` references.
    ///   - pair: the (row, reference) indices of point `p`.
    ///   - targets: the explained output of every row.
    ///   - consume: the chunk's point range and its attributions, `[points, width]` row-major.
    /// - Complexity: one forward pass of each input and each reference and one rule pass per pair, in chunks that
    ///   hold both traces within `batching`.
    static func evaluate(
        model: Model, rows: Tensor, references: Tensor, pointCount: Int, pair: (Int) -> (row: Int, reference: Int),
        targets: [Int], eps: Float, batching: GradientBatching,
        consume: (_ points: Range<Int>, _ attributions: [Float]) throws -> Void
    ) throws {
        let width = model.inputWidth
        let chunk = batching.pointsPerChunk(footprint: 2 * GradientBatching.footprint(of: model))
        var start = 0
        while start < pointCount {
            let range = start..<Swift.min(pointCount, start + chunk)
            var xs = [Float](repeating: 0, count: range.count * width), refs = xs
            var chunkTargets: [Int] = []
            chunkTargets.reserveCapacity(range.count)
            for (slot, p) in range.enumerated() {
                let (r, k) = pair(p)
                xs.replaceSubrange((slot * width)..<((slot + 1) * width), with: rows.scalars[(r * width)..<((r + 1) * width)])
                refs.replaceSubrange((slot * width)..<((slot + 1) * width), with: references.scalars[(k * width)..<((k + 1) * width)])
                chunkTargets.append(targets[r])
            }
            let traces = model.trace(Tensor(shape: [range.count, width], scalars: xs))
            let rule = DeepLIFTRule(reference: model.trace(Tensor(shape: [range.count, width], scalars: refs)), eps: eps)
            let seed = ModifiedBackprop.seed(shape: traces[traces.count - 1].output.shape, targets: chunkTargets)
            let multipliers = try ModifiedBackprop.backward(traces, from: seed, through: traces.indices, rule: rule).scalars
            var phi = [Float](repeating: 0, count: xs.count)
            for i in phi.indices { phi[i] = multipliers[i] * (xs[i] - refs[i]) }
            try consume(range, phi)
            start = range.upperBound
        }
    }
}
