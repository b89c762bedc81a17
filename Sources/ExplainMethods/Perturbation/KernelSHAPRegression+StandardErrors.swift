import CBLAS

extension KernelSHAPRegression {
    /// Sandwich standard errors of every requested output's values from the sampled pairs, `[output][player]`;
    /// zeros when nothing was sampled.
    ///
    /// Pair u's gradient is g_u = d_u z_u, with z_u the indicators of its representative S (the member that lacks L)
    /// and d_u = y_S − y_S̄ + Δ − 2 z_u·φ. Per output,
    /// ```
    /// G = Σ_strata c_s Σ_u n_u (g_u − ḡ_s)(g_u − ḡ_s)ᵀ = Σ_u c_s n_u d_u² z_u z_uᵀ − Σ_strata (c_s / N_s) t_s t_sᵀ,
    /// c_s = scale²·n·(1 − k/N) / (n − 1),   t_s = Σ_{u∈s} n_u d_u z_u = N_s ḡ_s,
    /// ```
    /// with n_u the pair's draw count. One pass over blocks of pairs builds the 0/1 rows Z, gets every z_u·φ from one
    /// dgemm, adds the scaled rows' dsyrk to G and each stratum's t_s with dgemv; Cov φ = A⁻¹ G A⁻¹, with
    /// φ_L = Δ − Σ_j φ_j.
    func standardErrors(_ design: PairDesign, outputs: [Int], values: [[Double]], inverse: [Double]) -> [[Double]] {
        let q = design.columnCount, nO = outputs.count
        let usable = pairs.filter { strata[$0.stratum].draws > 1 }
        guard !usable.isEmpty, q > 0 else { return outputs.map { _ in [Double](repeating: 0, count: q + 1) } }
        let coefficients = strata.map { stratum in
            stratum.scale * stratum.scale * stratum.draws * (1 - stratum.finitePopulationFraction) / (stratum.draws - 1)
        }
        var phi = [Double](repeating: 0, count: q * nO)  // q × nO
        for t in 0..<nO { for j in 0..<q { phi[j * nO + t] = values[t][j] } }
        let blockRows = 256
        var gram = [Double](repeating: 0, count: nO * q * q)
        var totals = [Double](repeating: 0, count: strata.count * nO * q)  // t_s per output
        var drawCounts = [Double](repeating: 0, count: strata.count)  // N_s
        var z = [Double](repeating: 0, count: blockRows * q)
        var scaled = [Double](repeating: 0, count: nO * blockRows * q)
        var fitted = [Double](repeating: 0, count: blockRows * nO)
        var sumWeights = [Double](repeating: 0, count: nO * blockRows)
        var others = [Int](repeating: 0, count: blockRows), representatives = others
        var columns = [Int32](repeating: 0, count: q)
        table.words.withUnsafeBufferPointer { words in
            guard let w0 = words.baseAddress else { return }
            var start = 0
            while start < usable.count {
                let rows = min(blockRows, usable.count - start)
                z.withUnsafeMutableBufferPointer { zp in
                    columns.withUnsafeMutableBufferPointer { cp in
                        guard let z0 = zp.baseAddress, let c0 = cp.baseAddress else { return }
                        for r in 0..<rows {
                            let pair = usable[start + r]
                            let first = design.isRepresentative(w0 + pair.first * table.wordCount)
                            (representatives[r], others[r]) = first ? (pair.first, pair.second) : (pair.second, pair.first)
                            let count = design.columns(of: w0 + representatives[r] * table.wordCount, into: c0)
                            design.scatter(c0, count: count, value: 1, into: z0 + r * q)
                        }
                    }
                }
                // z_u·φ for every row and output at once.
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(nO), Int32(q), 1, z, Int32(q),
                            phi, Int32(nO), 0, &fitted, Int32(nO))
                z.withUnsafeBufferPointer { zp in
                    scaled.withUnsafeMutableBufferPointer { sp in
                        guard let z0 = zp.baseAddress, let s0 = sp.baseAddress else { return }
                        for r in 0..<rows {
                            let pair = usable[start + r], s = representatives[r], other = others[r]
                            let root = (coefficients[pair.stratum] * pair.count).squareRoot()
                            drawCounts[pair.stratum] += pair.count
                            for (t, o) in outputs.enumerated() {
                                let d = targets[s * outputCount + o] - targets[other * outputCount + o] + gaps[o]
                                    - 2 * fitted[r * nO + t]
                                sumWeights[t * blockRows + r] = pair.count * d
                                let value = root * d, row = s0 + (t * blockRows + r) * q, source = z0 + r * q
                                for j in 0..<q { row[j] = value * source[j] }
                            }
                        }
                    }
                }
                for t in 0..<nO {
                    scaled.withUnsafeBufferPointer { sp in
                        gram.withUnsafeMutableBufferPointer { gp in
                            guard let s0 = sp.baseAddress, let g0 = gp.baseAddress else { return }
                            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(q), Int32(rows), 1,
                                        s0 + t * blockRows * q, Int32(q), 1, g0 + t * q * q, Int32(q))
                        }
                    }
                }
                // t_s over each run of rows from one stratum (pairs are added stratum by stratum).
                var run = 0
                while run < rows {
                    let stratum = usable[start + run].stratum
                    var end = run + 1
                    while end < rows && usable[start + end].stratum == stratum { end += 1 }
                    for t in 0..<nO {
                        z.withUnsafeBufferPointer { zp in
                            sumWeights.withUnsafeBufferPointer { wp in
                                totals.withUnsafeMutableBufferPointer { tp in
                                    guard let z0 = zp.baseAddress, let v0 = wp.baseAddress, let t0 = tp.baseAddress
                                    else { return }
                                    cblas_dgemv(CblasRowMajor, CblasTrans, Int32(end - run), Int32(q), 1, z0 + run * q,
                                                Int32(q), v0 + t * blockRows + run, 1, 1,
                                                t0 + (stratum * nO + t) * q, 1)
                                }
                            }
                        }
                    }
                    run = end
                }
                start += rows
            }
        }
        // Centring: G −= (c_s / N_s) t_s t_sᵀ per stratum.
        for s in strata.indices where drawCounts[s] > 0 {
            for t in 0..<nO {
                totals.withUnsafeBufferPointer { tp in
                    gram.withUnsafeMutableBufferPointer { gp in
                        guard let t0 = tp.baseAddress, let g0 = gp.baseAddress else { return }
                        cblas_dsyr(CblasRowMajor, CblasUpper, Int32(q), -coefficients[s] / drawCounts[s],
                                   t0 + (s * nO + t) * q, 1, g0 + t * q * q, Int32(q))
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
