import ExplainTensor

/// KernelSHAP with a sampled background (`KernelSHAPExplainer.backgroundPerCoalition`): the draws and the control
/// variate of one row's game.
extension KernelSHAPGame {
    /// The state of a sampled background: sizes 1 and M − 1 are evaluated on every background row and give the
    /// control variate; every later coalition gets `perCoalition` drawn rows, shared with its complement.
    struct SampledBackground {
        let perCoalition: Int
        /// Raw f(x) per output.
        let instance: [Double]
        /// Raw f(b), `[background × outputs]`.
        let baselines: [Double]
        /// Drawn background rows, `perCoalition` per coalition from the first sampled one on.
        var draws: [Int32] = []
        /// Pairs of `plan.pairs` that have their draws.
        var assignedPairs = 0
        /// The five-component control variate, with β = (½, ½, 0, 0, 0), that the pilot round is evaluated with.
        var control: BackgroundControlVariate?
        /// The control variate with β fitted on the pilot round, for every later coalition.
        var fitted: BackgroundControlVariate?
        /// The pilot coalitions' y₀ and control-variate corrections, `[outputs × (1 + components)]` per coalition
        /// from the first sampled one on (`CoalitionEvaluator.evaluate(_:range:draws:...)`).
        var parts: [Double] = []
    }

    /// Draws background rows for the pairs sampled since the last call: one block per pair, shared by the
    /// coalition and its complement.
    mutating func drawBackground(rng: inout SplitMix64) {
        guard var sampling = sampledBackground, sampling.assignedPairs < plan.pairs.count else { return }
        sampledBackground = nil  // keeps `sampling.draws` uniquely referenced
        let m = sampling.perCoalition, enumerated = plan.enumeratedWeights.count
        let fresh = plan.pairs[sampling.assignedPairs...]
        let blocks = BackgroundDraws.stratified(count: fresh.count * m, weights: sampling.control?.drawWeights ?? evaluator.weights,
                                                rng: &rng)
        sampling.draws.append(contentsOf: repeatElement(-1, count: (plan.table.count - enumerated) * m - sampling.draws.count))
        for (k, pair) in fresh.enumerated() {
            for j in 0..<m {
                sampling.draws[(pair.first - enumerated) * m + j] = blocks[k * m + j]
                sampling.draws[(pair.second - enumerated) * m + j] = blocks[k * m + j]
            }
        }
        // Every sampled coalition belongs to a pair, so every one now has its rows.
        let added = max(0, (plan.table.count - enumerated - 2 * fresh.count) * m)
        precondition(!sampling.draws[added...].contains(-1), "KernelSHAP: a sampled coalition without background rows")
        sampling.assignedPairs = plan.pairs.count
        sampledBackground = sampling
    }

    /// The control variate from sizes 1 and M − 1 evaluated on every background row.
    func controlVariate(_ perBackground: [Double], sampling: SampledBackground) -> BackgroundControlVariate {
        let nP = playerCount, nB = evaluator.backgroundCount, nO = outputCount
        var first = [Double](repeating: 0, count: nP * nB * nO)
        var last = first
        for i in 0..<plan.enumeratedWeights.count {
            let size = plan.table.sizes[i]
            for p in 0..<nP where plan.table.contains(i, player: p) == (size == 1) {
                for k in 0..<(nB * nO) {
                    if size == 1 { first[p * nB * nO + k] = perBackground[i * nB * nO + k] }
                    else { last[p * nB * nO + k] = perBackground[i * nB * nO + k] }
                }
            }
        }
        return BackgroundControlVariate(first: first, last: last, instance: sampling.instance,
                                        baselines: sampling.baselines, weights: evaluator.weights)
    }
}
