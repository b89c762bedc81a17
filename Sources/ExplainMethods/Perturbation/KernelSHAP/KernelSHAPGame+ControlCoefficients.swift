/// The control-variate coefficients β of a sampled background, fitted on a pilot round.
///
/// Any β fixed before the draws keeps each estimate of v(S) unbiased (`BackgroundControlVariate`), so β is chosen to
/// make the regression's inputs least noisy. The regression only sees a pair's difference y(S) − y(S̄) (both members
/// share their background rows), so β minimises, per output, the weighted within-stratum spread of D₀ − Σ_k β_k D_k
/// (`ControlMixFit`). D_k is the difference of the corrections e^k between a pair's members, and D₀ that of y₀ less
/// that of the β = ½ mean game, which removes most of the signal v(S) − v(S̄) that would otherwise blur the fit.
/// Pairs are weighted by scale² × draws, their weight in the sandwich variance. The pilot's own coalitions keep
/// β = (½, ½, 0, 0, 0); every later coalition uses the fitted β, which does not depend on its draws, so every estimate stays
/// exactly unbiased.
extension KernelSHAPGame {
    /// Fits β on the pairs evaluated so far (the pilot round) and switches later evaluations to it; once.
    mutating func fitControl() {
        guard var sampling = sampledBackground, sampling.fitted == nil, let control = sampling.control else { return }
        sampling.fitted = control.mixed(coefficients(parts: sampling.parts, control: control))
        sampling.parts = []
        sampledBackground = sampling
    }

    /// β per output (`[outputs × components]`) fitted on the pairs whose parts are in `parts`.
    func coefficients(parts: [Double], control: BackgroundControlVariate) -> [Double] {
        let nK = control.components, nO = outputCount, stored = nO * (1 + nK)
        let first = plan.enumeratedWeights.count, wordCount = plan.table.wordCount
        let strata = plan.strata()
        var fits = [ControlMixFit](repeating: ControlMixFit(components: nK, strata: strata.count), count: nO)
        var sample = [Double](repeating: 0, count: 1 + nK)
        var games = [Double](repeating: 0, count: 2 * nO * nK)
        parts.withUnsafeBufferPointer { pp in
            plan.table.words.withUnsafeBufferPointer { wp in
                sample.withUnsafeMutableBufferPointer { sp in
                    games.withUnsafeMutableBufferPointer { gp in
                        guard let p0 = pp.baseAddress, let w0 = wp.baseAddress, let d = sp.baseAddress,
                              let g0 = gp.baseAddress else { return }
                        for pair in plan.pairs {
                            let a = (pair.first - first) * stored, b = (pair.second - first) * stored
                            guard a >= 0, b >= 0, a + stored <= pp.count, b + stored <= pp.count else { continue }
                            let scale = strata[pair.stratum].scale, weight = scale * scale * pair.count
                            guard weight > 0 else { continue }
                            control.meanGame(mask: w0 + pair.first * wordCount, wordCount: wordCount,
                                             size: plan.table.sizes[pair.first], into: g0)
                            control.meanGame(mask: w0 + pair.second * wordCount, wordCount: wordCount,
                                             size: plan.table.sizes[pair.second], into: g0 + nO * nK)
                            for o in 0..<nO {
                                d[0] = p0[a + o] - p0[b + o]
                                for k in 0..<nK {
                                    let j = o * nK + k
                                    d[0] -= control.mix[j] * (g0[j] - g0[nO * nK + j])
                                    d[1 + k] = p0[a + nO + j] - p0[b + nO + j]
                                }
                                fits[o].add(stratum: pair.stratum, weight: weight, d)
                            }
                        }
                    }
                }
            }
        }
        return (0..<nO).flatMap { o in fits[o].coefficients(prior: Array(control.mix[(o * nK)..<((o + 1) * nK)])) }
    }
}
