import ExplainTensor

/// Background rows drawn for KernelSHAP with a sampled background: stratified draws in proportion to given
/// probabilities, and the importance probabilities the control variate draws with.
enum BackgroundDraws {
    /// `count` background row indices whose marginal distribution is the weights, stratified so that row b is
    /// drawn ⌊count·w_b⌋ or ⌈count·w_b⌉ times (systematic sampling on the cumulative weights), in random order.
    ///
    /// - Parameters:
    ///   - count: the number of draws.
    ///   - weights: non-negative weights summing to 1.
    ///   - rng: the source of the offset and the shuffle.
    static func stratified(count: Int, weights: [Double], rng: inout SplitMix64) -> [Int32] {
        guard count > 0, !weights.isEmpty else { return [] }
        var draws = [Int32]()
        draws.reserveCapacity(count)
        let offset = rng.nextUniform()
        var cumulative = 0.0
        var b = 0
        for k in 0..<count {
            let u = (Double(k) + offset) / Double(count)
            while b < weights.count - 1 && cumulative + weights[b] <= u {
                cumulative += weights[b]
                b += 1
            }
            draws.append(Int32(b))
        }
        for i in stride(from: count - 1, to: 0, by: -1) {
            draws.swapAt(i, rng.nextInt(below: i + 1))
        }
        return draws
    }

    /// Importance probabilities for a sampled background (`BackgroundControlVariate`): q_b ∝ w_b (s_b + s̄/10), with
    /// s_b = Σ_o Σ_i |ℓ_{b,i} − a_{b,i}| / (its w-mean for output o), the disagreement of row b's last-order effects
    /// ℓ and first-order effects a; the weights themselves when every row's effects agree (an additive model).
    /// The arguments are laid out as in `BackgroundControlVariate.init`.
    static func importance(first: [Double], last: [Double], instance: [Double], baselines: [Double],
                           weights: [Double]) -> [Double] {
        let nO = instance.count, nB = weights.count
        let nP = first.count / max(1, nB * nO)
        var scales = [Double](repeating: 0, count: nB)
        for o in 0..<nO {
            var perRow = [Double](repeating: 0, count: nB)
            var size = 0.0
            for b in 0..<nB {
                for p in 0..<nP {
                    let source = (p * nB + b) * nO + o
                    let lastOrder = instance[o] - last[source], firstOrder = first[source] - baselines[b * nO + o]
                    perRow[b] += abs(lastOrder - firstOrder)
                    size += weights[b] * (abs(lastOrder) + abs(firstOrder))
                }
            }
            // Disagreements at rounding level (an additive model) carry no information.
            let mean = zip(perRow, weights).reduce(0.0) { $0 + $1.0 * $1.1 }
            if mean > 1e-9 * size { for b in 0..<nB { scales[b] += perRow[b] / mean } }
        }
        let meanScale = zip(scales, weights).reduce(0.0) { $0 + $1.0 * $1.1 }
        guard meanScale > 0 else { return weights }
        let raw = (0..<nB).map { weights[$0] * (scales[$0] + 0.1 * meanScale) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }
}
