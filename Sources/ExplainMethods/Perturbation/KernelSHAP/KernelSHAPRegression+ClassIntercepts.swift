extension KernelSHAPRegression {
    /// An intercept per sampled size class, fitted with the values and projected out of them (Frisch–Waugh).
    ///
    /// A pair (S, S̄) with |S| = s < M/2 enters the regression only through y_S − y_S̄, so a class's mean of that
    /// difference, E_s[y_S − y_S̄] − (2s/M − 1)Δ, is a free parameter δ_s of the sampled pairs. Over a whole class
    /// the design's class mean is a multiple of 1, which the efficiency constraint absorbs, so the intercept changes
    /// nothing once every pair of the class is in (exact enumeration stays exact) and adds no bias when they are
    /// sampled. What it removes is the variance that the class's mean residual, times the spread of z within the class,
    /// would add: on the benchmark's breast-cancer rows, about a third of the coalition-sampling variance.
    ///
    /// With σ_u = +1 when pair u's representative (the member that lacks L) is the smaller side and −1 when it is
    /// the larger, W_c = Σ w_u, S_c = Σ w_u σ_u z_u and T_c = Σ w_u σ_u (y_S − y_S̄ + Δ) over the class's pairs:
    /// ```
    /// A ← A − 2 S_c S_cᵀ / W_c,    B ← B − S_c T_cᵀ / W_c,    δ̂_c = T_c / W_c − 2 (S_c / W_c)·φ,
    /// ```
    /// and the standard errors use the centred rows z_u − σ_u S_c / W_c and the residuals less σ_u δ̂_c.
    /// The middle class of an even M has no intercept (both members have the same size), nor has a class with fewer
    /// than `minimumPairs` distinct pairs, where the intercept would take more than it gives.
    struct ClassIntercepts {
        /// The intercept group of every sampled pair (−1 for none) and its orientation σ.
        var groupOfPair: [Int]
        var orientation: [Double]
        /// W_c per group.
        var weight: [Double]
        /// S_c per group, `[group × q]`.
        var designSums: [Double]
        /// T_c per group, `[group × outputs]`.
        var targetSums: [Double]

        static let minimumPairs = 4

        var groupCount: Int { weight.count }
    }

    /// The intercept groups of the sampled pairs and their sums.
    func classIntercepts(_ design: PairDesign, outputs: [Int]) -> ClassIntercepts {
        let m = table.playerCount, q = design.columnCount, nO = outputs.count
        var pairsPerClass = [Int](repeating: 0, count: m / 2 + 1)
        for pair in pairs {
            let size = table.sizes[pair.first]
            pairsPerClass[min(size, m - size)] += 1
        }
        var groupOfClass = [Int](repeating: -1, count: m / 2 + 1)
        var groups = 0
        for c in 1..<pairsPerClass.count where 2 * c != m && pairsPerClass[c] >= ClassIntercepts.minimumPairs {
            groupOfClass[c] = groups
            groups += 1
        }
        var result = ClassIntercepts(groupOfPair: [Int](repeating: -1, count: pairs.count),
                                     orientation: [Double](repeating: 0, count: pairs.count),
                                     weight: [Double](repeating: 0, count: groups),
                                     designSums: [Double](repeating: 0, count: groups * q),
                                     targetSums: [Double](repeating: 0, count: groups * nO))
        guard groups > 0 else { return result }
        var columns = [Int32](repeating: 0, count: max(1, q))
        table.words.withUnsafeBufferPointer { words in
            columns.withUnsafeMutableBufferPointer { cp in
                guard let w0 = words.baseAddress, let c0 = cp.baseAddress else { return }
                for (u, pair) in pairs.enumerated() {
                    let size = table.sizes[pair.first]
                    let g = groupOfClass[min(size, m - size)]
                    guard g >= 0 else { continue }
                    let firstIsRepresentative = design.isRepresentative(w0 + pair.first * table.wordCount)
                    let (s, other) = firstIsRepresentative ? (pair.first, pair.second) : (pair.second, pair.first)
                    let w = weights[s]
                    let sigma: Double = 2 * table.sizes[s] < m ? 1 : -1
                    result.groupOfPair[u] = g
                    result.orientation[u] = sigma
                    result.weight[g] += w
                    let count = design.columns(of: w0 + s * table.wordCount, into: c0)
                    for k in 0..<count { result.designSums[g * q + Int(c0[k])] += w * sigma }
                    for (t, o) in outputs.enumerated() {
                        result.targetSums[g * nO + t] += w * sigma
                            * (targets[s * outputCount + o] - targets[other * outputCount + o] + gaps[o])
                    }
                }
            }
        }
        return result
    }
}

extension KernelSHAPRegression.ClassIntercepts {
    /// Projects the intercepts out of the normal equations A (q × q) and B (q × outputs).
    func project(a: inout [Double], b: inout [Double], q: Int, outputCount nO: Int) {
        for g in 0..<groupCount where weight[g] > 0 {
            let s = designSums[(g * q)..<((g + 1) * q)].map { $0 }
            for i in 0..<q where s[i] != 0 {
                let si = s[i] / weight[g]
                for j in 0..<q { a[i * q + j] -= 2 * si * s[j] }
                for t in 0..<nO { b[i * nO + t] -= si * targetSums[g * nO + t] }
            }
        }
    }

    /// Per group: A⁻¹ (S_c / W_c) and its sum (q + 1 entries), and δ̂_c per output, from the solved reduced values.
    func corrections(inverse: [Double], values: [[Double]], q: Int) -> (rows: [Double], offsets: [Double]) {
        let nO = values.count
        var rows = [Double](repeating: 0, count: groupCount * (q + 1))
        var offsets = [Double](repeating: 0, count: groupCount * nO)
        for g in 0..<groupCount where weight[g] > 0 {
            let mean = (0..<q).map { designSums[g * q + $0] / weight[g] }
            var total = 0.0
            for i in 0..<q {
                var h = 0.0
                for j in 0..<q { h += inverse[i * q + j] * mean[j] }
                rows[g * (q + 1) + i] = h
                total += h
            }
            rows[g * (q + 1) + q] = total
            for t in 0..<nO {
                var fitted = 0.0
                for j in 0..<q { fitted += mean[j] * values[t][j] }
                offsets[g * nO + t] = targetSums[g * nO + t] / weight[g] - 2 * fitted
            }
        }
        return (rows, offsets)
    }
}
