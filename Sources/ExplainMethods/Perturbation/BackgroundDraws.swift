import ExplainTensor

/// Background rows drawn in proportion to their weights, for KernelSHAP with a sampled background.
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
}
