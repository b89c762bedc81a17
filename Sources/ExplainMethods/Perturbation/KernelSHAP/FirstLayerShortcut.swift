import ExplainNN
import ExplainTensor

/// The exact first-layer shortcut for a coalition's block over the whole background (`AffineInputPredictor`).
///
/// Row (x_S, b_S̄) has pre-activations W·b + c + Σ_{i∈S} (x_i − b_i) W_i = W·x + c − Σ_{i∉S} (x_i − b_i) W_i, where
/// i runs over players only (elsewhere x_i = b_i). A coalition's block is therefore the background's (or the
/// instance's) pre-activations plus one `[background × m] · [m × hidden]` product with m = min(|S|, M − |S|),
/// instead of `[background × width] · [width × hidden]`.
struct FirstLayerShortcut {
    let hidden: Int
    /// Wᵀ, `[width × hidden]`: row j holds input column j's weights.
    private let transposedWeight: [Float]
    /// W·b + c per background row, `[background × hidden]`.
    private let backgroundPre: [Float]
    /// W·x + c.
    private let instancePre: [Float]
    /// c.
    private let bias: [Float]
    /// g, the rest of the model from pre-activations (`AffineInputPredictor.preActivationPredictor`).
    let rest: (Tensor) throws -> Tensor

    /// - Parameters:
    ///   - weight: W, `[hidden × width]` row-major; bias: c.
    ///   - rest: g, outputs from pre-activations.
    ///   - instance: x; background: the rows, `[background × width]`.
    init(weight: [Float], bias: [Float], rest: @escaping (Tensor) throws -> Tensor, instance: [Float],
         background: [Float], width: Int) {
        let hidden = bias.count
        self.rest = rest
        precondition(weight.count == hidden * width && instance.count == width && background.count % width == 0)
        self.hidden = hidden
        self.bias = bias
        transposedWeight = (0..<(width * hidden)).map { weight[($0 % hidden) * width + $0 / hidden] }
        let count = background.count / width
        let pre = Dense.affine(Tensor(shape: [count + 1, width], scalars: instance + background), weight: weight,
                               bias: bias, outputs: hidden, relu: false).scalars
        instancePre = Array(pre[..<hidden])
        backgroundPre = Array(pre[hidden...])
    }

    /// Scratch `fill` needs: `[background × players]` differences and `[players × hidden]` weight rows.
    static func scratchSize(background: Int, players: Int, hidden: Int) -> Int { players * (background + hidden) }

    /// Writes the pre-activations of coalition `mask` on every background row into `out`, `[background × hidden]`.
    func fill(mask: UnsafePointer<UInt64>, wordCount: Int, size: Int, evaluator e: CoalitionEvaluator,
              scratch: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let players = e.columns.count, k = e.backgroundCount
        // The smaller side: S from the background's pre-activations, or S̄ from the instance's.
        let fromInstance = e.startsFromInstance(size: size)
        let m = fromInstance ? players - size : size
        let differences = scratch, rows = scratch + k * m
        var j = 0
        e.instance.withUnsafeBufferPointer { x in
            e.background.withUnsafeBufferPointer { bg in
                transposedWeight.withUnsafeBufferPointer { wt in
                    guard let x0 = x.baseAddress, let b0 = bg.baseAddress, let w0 = wt.baseAddress else { return }
                    e.forEachChangedColumn(mask: mask, wordCount: wordCount, fromInstance: fromInstance) { column in
                        let value = x0[column]
                        for b in 0..<k { differences[b * m + j] = value - b0[b * e.width + column] }
                        (rows + j * hidden).update(from: w0 + column * hidden, count: hidden)
                        j += 1
                    }
                }
            }
        }
        precondition(j == m, "KernelSHAP: a coalition's size disagrees with its mask")
        let base = fromInstance ? instancePre : backgroundPre
        base.withUnsafeBufferPointer { source in
            guard let s0 = source.baseAddress else { return }
            if fromInstance {
                for b in 0..<k { (out + b * hidden).update(from: s0, count: hidden) }
            } else {
                out.update(from: s0, count: k * hidden)
            }
        }
        BLAS.gemm(differences, rows, out, m: k, n: hidden, k: m, alpha: fromInstance ? -1 : 1, beta: 1)
    }

    /// Writes W·u + c for `count` whole rows u (`[count × width]`) into `out`, `[count × hidden]`.
    func preActivations(of rows: UnsafePointer<Float>, count: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
        bias.withUnsafeBufferPointer { c in
            guard let c0 = c.baseAddress else { return }
            for r in 0..<count { (out + r * hidden).update(from: c0, count: hidden) }
        }
        transposedWeight.withUnsafeBufferPointer { wt in
            guard let w0 = wt.baseAddress else { return }
            BLAS.gemm(rows, w0, out, m: count, n: hidden, k: width, beta: 1)
        }
    }

    /// Writes the pre-activations of the complement row (x_S̄, b_S) of a row (x_S, b_S̄) with pre-activations `pre`
    /// into `out`: the two rows add up to x + b, so they are (W·x + c) + (W·b + c) − pre.
    func complement(of pre: UnsafePointer<Float>, background b: Int, into out: UnsafeMutablePointer<Float>) {
        complement(of: pre, backgroundRows: b..<(b + 1), into: out)
    }

    /// `complement(of:background:into:)` for consecutive background rows: `pre` and `out` hold one row of
    /// pre-activations per background row in `rows`.
    func complement(of pre: UnsafePointer<Float>, backgroundRows rows: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        instancePre.withUnsafeBufferPointer { xp in
            backgroundPre.withUnsafeBufferPointer { bp in
                guard let x0 = xp.baseAddress, let b0 = bp.baseAddress else { return }
                for (r, b) in rows.enumerated() {
                    let source = pre + r * hidden, target = out + r * hidden, base = b0 + b * hidden
                    for h in 0..<hidden { target[h] = (x0[h] + base[h]) - source[h] }
                }
            }
        }
    }
}
