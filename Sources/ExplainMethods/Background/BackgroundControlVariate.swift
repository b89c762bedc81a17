/// The per-background-row additive games that make single-background-row evaluations of v(S) cheap to use.
///
/// For background row b there are five additive games g^k_b(S) = f(b) + Σ_{i∈S} c^k_{b,i}. The first two come from
/// the size-1 and size-(M−1) coalitions, which are enumerated on the whole background anyway:
/// ```
/// first-order (k = F):  c^F_{b,i} = f(x_i, b_{−i}) − f(b) + r^F_b / M,
/// last-order  (k = L):  c^L_{b,i} = f(x) − f(x_{−i}, b_i) + r^L_b / M,
/// ```
/// with r^k_b spreading the remainder so that g^k_b(N) = f(x). The other three are even, the same slope for every
/// player: (f(x) − f(b))/M, Σ_i (f(x_i, b_{−i}) − f(b))/M and Σ_i (f(x) − f(x_{−i}, b_i))/M, so that a fitted β can
/// also weigh the remainders and the size of S; their sums over S are |S| times the slope. An evaluation
/// f(x_S, b_S̄) of a row drawn with probability q_b (ratio ρ_b = w_b / q_b) is replaced by
/// ```
/// y(S, b) = ρ_b f(x_S, b_S̄) + [f̄ − ρ_b f(b)] − Σ_k β_k e^k(S, b),
/// e^k(S, b) = ρ_b Σ_{i∈S} c^k_{b,i} − Σ_b' w_b' Σ_{i∈S} c^k_{b',i},
/// ```
/// where f̄ = Σ_b w_b f(b). Each correction has expectation 0 over b ∼ q, so y(S, b) estimates
/// v(S) = Σ_b w_b f(x_S, b_S̄) without bias for any β fixed before the draws; only its variance depends on β.
/// β = (½, ½, 0, 0, 0) (`mix`) is the average game g_b = ½(g^F_b + g^L_b), which is exact along every b → x path
/// for additive (linear) models. `mixed(_:)` folds a fitted β into a single component, so evaluating with it costs
/// one sum (`KernelSHAPGame+ControlCoefficients.swift` fits β on a pilot round).
///
/// Rows are drawn by importance rather than by w: with probability q_b ∝ w_b (s_b + s̄/10), where s_b sums
/// |last-order − first-order effect| over players (normalised per output) and s̄ is its weighted mean, because rows
/// whose two effects disagree interact more and their residuals spread more (`BackgroundDraws.importance`).
struct BackgroundControlVariate: Sendable {
    /// The number of additive games: 5 (first-order, last-order and the even ones), or 1 once mixed.
    private(set) var components: Int
    /// The trailing components that are even (the same slope for every player): 3, or 0 once mixed.
    private(set) var evenComponents: Int
    /// Components stored per player: `components − evenComponents`.
    var playerComponents: Int { components - evenComponents }
    /// The coefficient of each component in the estimate, `[outputs × components]`.
    private(set) var mix: [Double]
    let playerCount: Int
    let outputCount: Int
    /// f(b) per background row and output, `[background × outputs]`.
    let baselines: [Double]
    /// Σ_b w_b f(b) per output.
    let meanBaseline: [Double]
    /// d^k_{b,i} = c^k_{b,i} − Σ_b' w_b' c^k_{b',i} of the per-player components,
    /// `[background × players × outputs × playerComponents]`.
    private(set) var centred: [Double]
    /// Σ_i d^k_{b,i}, `[background × outputs × playerComponents]`.
    private(set) var totals: [Double]
    /// c̄^k_i = Σ_b w_b c^k_{b,i}, `[players × outputs × playerComponents]`, and Σ_i c̄^k_i,
    /// `[outputs × playerComponents]`.
    private(set) var meanSlopes: [Double]
    private(set) var meanTotal: [Double]
    /// The even components' slope, centred like `centred`, `[background × outputs × evenComponents]`, and its
    /// weighted mean, `[outputs × evenComponents]`.
    private(set) var evenCentred: [Double]
    private(set) var evenMean: [Double]
    /// The probabilities q_b the sampled coalitions draw background rows with, and ρ_b = w_b / q_b.
    let drawWeights: [Double]
    let ratios: [Double]
    /// f̄ − ρ_b f(b), `[background × outputs]`.
    let shifts: [Double]

    /// Builds the control variate.
    /// - Parameters:
    ///   - first: f(x_i, b_{−i}) for every player i, background row b and output, `[players × background × outputs]`.
    ///   - last: f(x_{−i}, b_i), laid out the same way.
    ///   - instance: f(x) per output.
    ///   - baselines: f(b), `[background × outputs]`.
    ///   - weights: the background weights, summing to 1.
    init(first: [Double], last: [Double], instance: [Double], baselines: [Double], weights: [Double]) {
        let nO = instance.count, nB = weights.count, nK = 2, nE = 3
        let nP = first.count / max(1, nB * nO)
        precondition(first.count == nP * nB * nO && last.count == first.count && baselines.count == nB * nO)
        components = nK + nE
        evenComponents = nE
        mix = (0..<(nO * (nK + nE))).map { $0 % (nK + nE) < nK ? 0.5 : 0 }
        var even = [Double](repeating: 0, count: nB * nO * nE)
        playerCount = nP
        outputCount = nO
        self.baselines = baselines
        let width = nO * nK
        var slopes = [Double](repeating: 0, count: nB * nP * width)
        for b in 0..<nB {
            for o in 0..<nO {
                let fb = baselines[b * nO + o]
                var firstTotal = 0.0, lastTotal = 0.0
                for p in 0..<nP {
                    let source = (p * nB + b) * nO + o, target = (b * nP + p) * width + o * nK
                    slopes[target] = first[source] - fb
                    slopes[target + 1] = instance[o] - last[source]
                    firstTotal += slopes[target]
                    lastTotal += slopes[target + 1]
                }
                let firstShare = (instance[o] - fb - firstTotal) / Double(nP)
                let lastShare = (instance[o] - fb - lastTotal) / Double(nP)
                even[(b * nO + o) * nE] = (instance[o] - fb) / Double(nP)
                even[(b * nO + o) * nE + 1] = firstTotal / Double(nP)
                even[(b * nO + o) * nE + 2] = lastTotal / Double(nP)
                for p in 0..<nP {
                    slopes[(b * nP + p) * width + o * nK] += firstShare
                    slopes[(b * nP + p) * width + o * nK + 1] += lastShare
                }
            }
        }
        var meanBaseline = [Double](repeating: 0, count: nO)
        var meanSlopes = [Double](repeating: 0, count: nP * width)
        for b in 0..<nB {
            let w = weights[b]
            for o in 0..<nO { meanBaseline[o] += w * baselines[b * nO + o] }
            for j in 0..<(nP * width) { meanSlopes[j] += w * slopes[b * nP * width + j] }
        }
        self.meanBaseline = meanBaseline
        var centred = slopes
        var totals = [Double](repeating: 0, count: nB * width)
        for b in 0..<nB {
            for p in 0..<nP {
                for j in 0..<width {
                    centred[(b * nP + p) * width + j] -= meanSlopes[p * width + j]
                    totals[b * width + j] += centred[(b * nP + p) * width + j]
                }
            }
        }
        self.centred = centred
        self.totals = totals
        self.meanSlopes = meanSlopes
        meanTotal = (0..<width).map { j in (0..<nP).reduce(0.0) { $0 + meanSlopes[$1 * width + j] } }
        var evenMean = [Double](repeating: 0, count: nO * nE)
        for b in 0..<nB { for j in 0..<(nO * nE) { evenMean[j] += weights[b] * even[b * nO * nE + j] } }
        self.evenMean = evenMean
        evenCentred = even.indices.map { even[$0] - evenMean[$0 % (nO * nE)] }
        let draw = BackgroundDraws.importance(first: first, last: last, instance: instance, baselines: baselines,
                                              weights: weights)
        drawWeights = draw
        let ratios = (0..<nB).map { draw[$0] > 0 ? weights[$0] / draw[$0] : 0 }
        self.ratios = ratios
        shifts = (0..<(nB * nO)).map { meanBaseline[$0 % nO] - ratios[$0 / nO] * baselines[$0] }
    }

    /// The control variate with one component, Σ_k β_k c^k for each output (`beta` is `[outputs × components]`), and
    /// coefficient 1. The even components fold into the per-player slopes.
    func mixed(_ beta: [Double]) -> BackgroundControlVariate {
        precondition(beta.count == outputCount * components)
        let nO = outputCount, nK = components, nC = playerComponents, nE = evenComponents, nP = Double(playerCount)
        // Σ_k β_k (per-player row) + multiplier · Σ_e β_e (even slope of `evenRow`).
        func fold(_ table: [Double], even: [Double], evenRow: (Int) -> Int, multiplier: Double) -> [Double] {
            let rows = table.count / (nO * nC)
            return [Double](unsafeUninitializedCapacity: rows * nO) { out, initialized in
                table.withUnsafeBufferPointer { t in
                    for r in 0..<rows {
                        let e = evenRow(r)
                        for o in 0..<nO {
                            var value = 0.0
                            for k in 0..<nC { value += beta[o * nK + k] * t[(r * nO + o) * nC + k] }
                            for k in 0..<nE { value += multiplier * beta[o * nK + nC + k] * even[(e * nO + o) * nE + k] }
                            out[r * nO + o] = value
                        }
                    }
                }
                initialized = rows * nO
            }
        }
        let players = playerCount
        var out = self
        out.components = 1
        out.evenComponents = 0
        out.mix = [Double](repeating: 1, count: nO)
        out.centred = fold(centred, even: evenCentred, evenRow: { $0 / players }, multiplier: 1)
        out.totals = fold(totals, even: evenCentred, evenRow: { $0 }, multiplier: nP)
        out.meanSlopes = fold(meanSlopes, even: evenMean, evenRow: { _ in 0 }, multiplier: 1)
        out.meanTotal = fold(meanTotal, even: evenMean, evenRow: { _ in 0 }, multiplier: nP)
        out.evenCentred = []
        out.evenMean = []
        return out
    }

    /// m^k(S) = Σ_b w_b Σ_{i∈S} c^k_{b,i} for every output and component, `[outputs × components]`, into `out`.
    @inline(__always)
    func meanGame(mask: UnsafePointer<UInt64>, wordCount: Int, size: Int, into out: UnsafeMutablePointer<Double>) {
        meanSlopes.withUnsafeBufferPointer { slopes in
            meanTotal.withUnsafeBufferPointer { total in
                evenMean.withUnsafeBufferPointer { even in
                    guard let s0 = slopes.baseAddress, let t0 = total.baseAddress else { return }
                    sum(s0, total: t0, even: even.baseAddress, mask: mask, wordCount: wordCount, size: size, into: out)
                }
            }
        }
    }

    /// Adds one draw's parts of y(S, b) other than ρ_b f(x_S, b_S̄): f̄ − ρ_b f(b) to `base` (`outputs` values) and
    /// e^k(S, b) = ρ_b Σ_{i∈S} d^k_{b,i} + (ρ_b − 1) m^k(S) to `corrections` (`[outputs × components]`), given m^k(S)
    /// from `meanGame`; `scratch` holds `outputs × components` values.
    @inline(__always)
    func addParts(background b: Int, mask: UnsafePointer<UInt64>, wordCount: Int, size: Int,
                  meanGame: UnsafePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                  base: UnsafeMutablePointer<Double>, corrections: UnsafeMutablePointer<Double>) {
        let nO = outputCount, width = nO * components, stored = nO * playerComponents, nE = evenComponents
        let ratio = ratios[b]
        centred.withUnsafeBufferPointer { d in
            totals.withUnsafeBufferPointer { total in
                evenCentred.withUnsafeBufferPointer { even in
                    guard let d0 = d.baseAddress, let t0 = total.baseAddress else { return }
                    let evenRow = even.baseAddress.map { $0 + b * nO * nE }
                    sum(d0 + b * playerCount * stored, total: t0 + b * stored, even: evenRow, mask: mask,
                        wordCount: wordCount, size: size, into: scratch)
                }
            }
        }
        shifts.withUnsafeBufferPointer { shift in
            guard let s0 = shift.baseAddress else { return }
            for o in 0..<nO { base[o] += s0[b * nO + o] }
        }
        for j in 0..<width { corrections[j] += ratio * scratch[j] + (ratio - 1) * meanGame[j] }
    }
}
