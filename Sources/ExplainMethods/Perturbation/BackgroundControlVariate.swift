/// The per-background-row additive game that makes single-background-row evaluations of v(S) cheap to use.
///
/// For background row b, `g_b(S) = f(b) + Σ_{i∈S} c_{b,i}` with c_{b,i} the average of feature i's first-order
/// effect from b and its last-order effect at x,
/// ```
/// c_{b,i} = ½[(f(x_i, b_{−i}) − f(b)) + (f(x) − f(x_{−i}, b_i))] + r_b / M,   r_b = f(x) − f(b) − Σ_i (first term)
/// ```
/// so that g_b(N) = f(x). Both effects come from the size-1 and size-(M−1) coalitions, which are enumerated on the
/// whole background anyway. An evaluation f(x_S, b_S̄) is then replaced by
/// ```
/// y(S, b) = f(x_S, b_S̄) − g_b(S) + Σ_b' w_b' g_b'(S),
/// ```
/// whose expectation over b ∼ w is exactly v(S) = Σ_b w_b f(x_S, b_S̄) for any c: the estimator stays unbiased and
/// only its variance depends on how well g_b follows f. For a model that is additive along every b → x path
/// (linear models) y(S, b) = v(S) exactly.
///
/// Rows are drawn by importance rather than by w: with probability q_b ∝ w_b (s_b + s̄/10), where s_b sums
/// |last-order − first-order effect| over players (normalised per output) and s̄ is its weighted mean, because rows
/// whose two effects disagree interact more and their residuals spread more. The residual is then reweighted,
/// y(S, b) = (w_b / q_b)(f(x_S, b_S̄) − g_b(S)) + Σ_b' w_b' g_b'(S), which keeps the expectation v(S).
struct BackgroundControlVariate: Sendable {
    let playerCount: Int
    let outputCount: Int
    /// f(b) per background row and output, `[background × outputs]`.
    let baselines: [Double]
    /// Σ_b w_b f(b) per output.
    let meanBaseline: [Double]
    /// d_{b,i} = c_{b,i} − Σ_b' w_b' c_{b',i}, `[background × players × outputs]`.
    let centred: [Double]
    /// Σ_i d_{b,i} per background row and output, `[background × outputs]`.
    let totals: [Double]
    /// c̄_i = Σ_b w_b c_{b,i}, `[players × outputs]`, and Σ_i c̄_i per output.
    let meanSlopes: [Double]
    let meanTotal: [Double]
    /// The probabilities q_b the sampled coalitions draw background rows with, and w_b / q_b.
    let drawWeights: [Double]
    let ratios: [Double]

    /// Builds the control variate.
    /// - Parameters:
    ///   - first: f(x_i, b_{−i}) for every player i, background row b and output, `[players × background × outputs]`.
    ///   - last: f(x_{−i}, b_i), laid out the same way.
    ///   - instance: f(x) per output.
    ///   - baselines: f(b), `[background × outputs]`.
    ///   - weights: the background weights, summing to 1.
    init(first: [Double], last: [Double], instance: [Double], baselines: [Double], weights: [Double]) {
        let nO = instance.count, nB = weights.count
        let nP = first.count / max(1, nB * nO)
        precondition(first.count == nP * nB * nO && last.count == first.count && baselines.count == nB * nO)
        playerCount = nP
        outputCount = nO
        self.baselines = baselines
        var slopes = [Double](repeating: 0, count: nB * nP * nO)
        for b in 0..<nB {
            for o in 0..<nO {
                let fb = baselines[b * nO + o]
                var total = 0.0
                for p in 0..<nP {
                    let source = (p * nB + b) * nO + o
                    let c = 0.5 * ((first[source] - fb) + (instance[o] - last[source]))
                    slopes[(b * nP + p) * nO + o] = c
                    total += c
                }
                let share = (instance[o] - fb - total) / Double(nP)
                for p in 0..<nP { slopes[(b * nP + p) * nO + o] += share }
            }
        }
        var meanBaseline = [Double](repeating: 0, count: nO)
        var meanSlopes = [Double](repeating: 0, count: nP * nO)
        for b in 0..<nB {
            let w = weights[b]
            for o in 0..<nO { meanBaseline[o] += w * baselines[b * nO + o] }
            for k in 0..<(nP * nO) { meanSlopes[k] += w * slopes[b * nP * nO + k] }
        }
        self.meanBaseline = meanBaseline
        var centred = slopes
        var totals = [Double](repeating: 0, count: nB * nO)
        for b in 0..<nB {
            for p in 0..<nP {
                for o in 0..<nO {
                    centred[(b * nP + p) * nO + o] -= meanSlopes[p * nO + o]
                    totals[b * nO + o] += centred[(b * nP + p) * nO + o]
                }
            }
        }
        self.centred = centred
        self.totals = totals
        self.meanSlopes = meanSlopes
        meanTotal = (0..<nO).map { o in (0..<nP).reduce(0.0) { $0 + meanSlopes[$1 * nO + o] } }
        let draw = BackgroundDraws.importance(first: first, last: last, instance: instance, baselines: baselines,
                                              weights: weights)
        drawWeights = draw
        ratios = (0..<nB).map { draw[$0] > 0 ? weights[$0] / draw[$0] : 0 }
    }

    /// ḡ(S) = Σ_b w_b g_b(S) for every output, written to `out`.
    @inline(__always)
    func meanGame(mask: UnsafePointer<UInt64>, wordCount: Int, size: Int, into out: UnsafeMutablePointer<Double>) {
        meanSlopes.withUnsafeBufferPointer { slopes in
            meanTotal.withUnsafeBufferPointer { total in
                guard let s0 = slopes.baseAddress, let t0 = total.baseAddress else { return }
                sum(s0, total: t0, mask: mask, wordCount: wordCount, size: size, into: out)
            }
        }
        for o in 0..<outputCount { out[o] += meanBaseline[o] }
    }

    /// y(S, b) − (w_b / q_b) f(x_S, b_S̄) = (w_b / q_b)(ḡ(S) − g_b(S)) + (1 − w_b / q_b) ḡ(S) for every output,
    /// added to `sums`, given ḡ(S) from `meanGame`; `scratch` holds `outputCount` values.
    ///
    /// With d_{b,i} = c_{b,i} − c̄_i, ḡ(S) − g_b(S) = E f − f(b) − Σ_{i∈S} d_{b,i}.
    @inline(__always)
    func addCorrection(background b: Int, mask: UnsafePointer<UInt64>, wordCount: Int, size: Int,
                       meanGame: UnsafePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                       to sums: UnsafeMutablePointer<Double>) {
        let nO = outputCount
        let ratio = ratios[b]
        centred.withUnsafeBufferPointer { d in
            totals.withUnsafeBufferPointer { total in
                guard let d0 = d.baseAddress, let t0 = total.baseAddress else { return }
                sum(d0 + b * playerCount * nO, total: t0 + b * nO, mask: mask, wordCount: wordCount, size: size,
                    into: scratch)
            }
        }
        for o in 0..<nO {
            let difference = meanBaseline[o] - baselines[b * nO + o] - scratch[o]
            sums[o] += ratio == 1 ? difference : ratio * difference + (1 - ratio) * meanGame[o]
        }
    }

    /// Σ_{i∈S} row[i·outputs + o] for every output, over S or, through `total`, over its complement, whichever
    /// is smaller. The running sums stay in registers (one or two outputs in one pass, more one pass each).
    @inline(__always)
    private func sum(_ row: UnsafePointer<Double>, total: UnsafePointer<Double>, mask: UnsafePointer<UInt64>,
                     wordCount: Int, size: Int, into out: UnsafeMutablePointer<Double>) {
        let nO = outputCount
        let useComplement = 2 * size > playerCount
        switch nO {
        case 1:
            var a = 0.0
            forEachMember(mask, wordCount: wordCount, complement: useComplement) { a += row[$0] }
            out[0] = a
        case 2:
            var a = 0.0, b = 0.0
            forEachMember(mask, wordCount: wordCount, complement: useComplement) {
                a += row[2 * $0]
                b += row[2 * $0 + 1]
            }
            out[0] = a
            out[1] = b
        default:
            for o in 0..<nO {
                var a = 0.0
                forEachMember(mask, wordCount: wordCount, complement: useComplement) { a += row[$0 * nO + o] }
                out[o] = a
            }
        }
        if useComplement { for o in 0..<nO { out[o] = total[o] - out[o] } }
    }

    /// Calls `body` with each player in the coalition, or in its complement.
    @inline(__always)
    private func forEachMember(_ mask: UnsafePointer<UInt64>, wordCount: Int, complement: Bool, _ body: (Int) -> Void) {
        let nP = playerCount
        let lastBits = nP % 64 == 0 ? ~UInt64(0) : (UInt64(1) << UInt64(nP % 64)) - 1
        for w in 0..<wordCount {
            var bits = complement ? ~mask[w] : mask[w]
            if complement && w == wordCount - 1 { bits &= lastBits }
            while bits != 0 {
                body(64 * w + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }
}
