import CBLAS

extension KernelSHAPRegression {
    /// Sandwich standard errors of every requested output's values from the sampled pairs, `[output][player]`;
    /// zeros when nothing was sampled.
    ///
    /// Pair u's gradient is g_u = d_u z_u, with z_u the indicators of its representative S (the member that lacks L)
    /// and d_u = y_S − y_S̄ + Δ − 2 z_u·φ. Per output,
    /// ```
    /// G = Σ_strata c_s Σ_u count_u (g_u − ḡ_s)(g_u − ḡ_s)ᵀ,   c_s = scale²·n·(1 − k/N) / (n − 1),
    /// ```
    /// is accumulated with dsyrk over blocks of centred rows, and Cov φ = A⁻¹ G A⁻¹, with φ_L = Δ − Σ_j φ_j.
    func standardErrors(_ design: PairDesign, outputs: [Int], values: [[Double]], inverse: [Double]) -> [[Double]] {
        let q = design.columnCount, nO = outputs.count
        let usable = pairs.filter { strata[$0.stratum].draws > 1 }
        guard !usable.isEmpty else { return outputs.map { _ in [Double](repeating: 0, count: q + 1) } }
        let n = usable.count
        let phi = values.flatMap { $0.prefix(q) }
        // Pass 1: each pair's representative, its d per output, and the stratum means ḡ.
        var representatives = [Int](repeating: 0, count: n)
        var residuals = [Double](repeating: 0, count: n * nO)
        var means = [Double](repeating: 0, count: strata.count * nO * q)
        var counts = [Double](repeating: 0, count: strata.count)
        var columns = [Int32](repeating: 0, count: max(1, q))
        table.words.withUnsafeBufferPointer { words in
            columns.withUnsafeMutableBufferPointer { cp in
                guard let w0 = words.baseAddress, let c0 = cp.baseAddress else { return }
                for (u, pair) in usable.enumerated() {
                    let first = design.isRepresentative(w0 + pair.first * table.wordCount)
                    let (s, other) = first ? (pair.first, pair.second) : (pair.second, pair.first)
                    representatives[u] = s
                    let count = design.columns(of: w0 + s * table.wordCount, into: c0)
                    counts[pair.stratum] += pair.count
                    for (t, o) in outputs.enumerated() {
                        var fitted = 0.0
                        for k in 0..<count { fitted += phi[t * q + Int(c0[k])] }
                        let d = targets[s * outputCount + o] - targets[other * outputCount + o] + gaps[o] - 2 * fitted
                        residuals[u * nO + t] = d
                        let base = (pair.stratum * nO + t) * q
                        for k in 0..<count { means[base + Int(c0[k])] += pair.count * d }
                    }
                }
            }
        }
        for s in strata.indices where counts[s] > 0 {
            for k in 0..<(nO * q) { means[s * nO * q + k] /= counts[s] }
        }
        let coefficients = strata.map { stratum in
            stratum.scale * stratum.scale * stratum.draws * (1 - stratum.finitePopulationFraction) / (stratum.draws - 1)
        }
        // Pass 2: G per output from blocks of centred, scaled rows.
        let blockRows = 256
        var gram = [Double](repeating: 0, count: nO * q * q)
        var block = [Double](repeating: 0, count: nO * blockRows * q)
        table.words.withUnsafeBufferPointer { words in
            block.withUnsafeMutableBufferPointer { bp in
                columns.withUnsafeMutableBufferPointer { cp in
                    gram.withUnsafeMutableBufferPointer { gp in
                        guard let w0 = words.baseAddress, let b0 = bp.baseAddress, let c0 = cp.baseAddress,
                              let g0 = gp.baseAddress else { return }
                        var start = 0
                        while start < n {
                            let rows = min(blockRows, n - start)
                            for r in 0..<rows {
                                let u = start + r, pair = usable[u]
                                let count = design.columns(of: w0 + representatives[u] * table.wordCount, into: c0)
                                let root = (coefficients[pair.stratum] * pair.count).squareRoot()
                                for t in 0..<nO {
                                    let row = b0 + (t * blockRows + r) * q
                                    let mean = (pair.stratum * nO + t) * q
                                    for j in 0..<q { row[j] = -root * means[mean + j] }
                                    let value = root * residuals[u * nO + t]
                                    for k in 0..<count { row[Int(c0[k])] += value }
                                }
                            }
                            for t in 0..<nO {
                                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(q), Int32(rows), 1,
                                            b0 + t * blockRows * q, Int32(q), 1, g0 + t * q * q, Int32(q))
                            }
                            start += rows
                        }
                    }
                }
            }
        }
        var product = [Double](repeating: 0, count: q * q), covariance = product
        return (0..<nO).map { t in
            gram.withUnsafeBufferPointer { gp in
                guard let g0 = gp.baseAddress else { return }
                cblas_dsymm(CblasRowMajor, CblasRight, CblasUpper, Int32(q), Int32(q), 1, g0 + t * q * q, Int32(q),
                            inverse, Int32(q), 0, &product, Int32(q))
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(q), Int32(q), Int32(q), 1, product, Int32(q),
                        inverse, Int32(q), 0, &covariance, Int32(q))
            var variance = (0..<q).map { covariance[$0 * q + $0] }
            variance.append(covariance.reduce(0, +))
            return variance.map { max(0, $0).squareRoot() }
        }
    }
}
