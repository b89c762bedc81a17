import CBLAS

extension KernelSHAPRegression {
    /// Sandwich standard errors of every requested output's values from the sampled pairs, `[output][player]`;
    /// zeros when nothing was sampled.
    ///
    /// Pair u's gradient is g_u = d_u z_u, with z_u the indicators of its representative S (the member that lacks L)
    /// and d_u = y_S − y_S̄ + Δ − 2 z_u·φ. Per output, Cov φ = A⁻¹ G A⁻¹ with
    /// ```
    /// G = Σ_strata c_s Σ_u n_u (g_u − ḡ_s)(g_u − ḡ_s)ᵀ = Σ_u c_s n_u d_u² z_u z_uᵀ − Σ_strata (c_s / N_s) t_s t_sᵀ,
    /// c_s = scale²·n·(1 − k/N) / (n − 1),   t_s = Σ_{u∈s} n_u d_u z_u = N_s ḡ_s,
    /// ```
    /// with n_u the pair's draw count. Only the diagonal of Cov and the sum of its entries (the variance of
    /// φ_L = Δ − Σ_j φ_j) are needed, so with a_u = A⁻¹ z_u (A⁻¹ is symmetric)
    /// ```
    /// Var φ_i = Σ_u c_s n_u d_u² a_{u,i}² − Σ_strata (c_s / N_s) (A⁻¹ t_s)_i²,   A⁻¹ t_s = Σ_{u∈s} n_u d_u a_u,
    /// ```
    /// and likewise for Σ_i a_{u,i}. One pass over blocks of pairs builds the 0/1 rows Z and gets every a_u, Σ_i a_{u,i}
    /// and z_u·φ from one dgemm shared by all outputs; two more small products weight the squares and sum each
    /// stratum's rows for every output at once. A pair in a class with an intercept (`ClassIntercepts`) uses its
    /// centred row, z_u − σ_u S_c / W_c (so a_u less σ_u A⁻¹S_c / W_c), and its residual less σ_u δ̂_c, scaled by
    /// 1/√(1 − w_u / W_c) for the intercept's own leverage (HC2). Strata with a single draw have no spread of their
    /// own; they are collapsed into one stratum (`VarianceStrata`).
    func standardErrors(_ design: PairDesign, outputs: [Int], values: [[Double]], inverse: [Double],
                        intercepts: ClassIntercepts) -> [[Double]] {
        let q = design.columnCount, nO = outputs.count
        let estimation = VarianceStrata(strata)
        let usable = pairs.indices.filter { estimation.stratum[pairs[$0].stratum] >= 0 }
        guard !usable.isEmpty, q > 0 else { return outputs.map { _ in [Double](repeating: 0, count: q + 1) } }
        let (shifts, offsets) = intercepts.corrections(inverse: inverse, values: values, q: q)
        let coefficients = estimation.coefficients
        // The right-hand side [A⁻¹ | A⁻¹1 | φ], q × (q + 1 + nO), so one product gives a_u, Σ_i a_{u,i} and z_u·φ.
        let width = q + 1 + nO
        var right = [Double](repeating: 0, count: q * width)
        for i in 0..<q {
            var total = 0.0
            for j in 0..<q {
                right[i * width + j] = inverse[i * q + j]
                total += inverse[i * q + j]
            }
            right[i * width + q] = total
            for t in 0..<nO { right[i * width + q + 1 + t] = values[t][i] }
        }
        let blockRows = 256
        // Per output: Σ_u c n d² a_u² (q + 1 entries), then per stratum A⁻¹ t_s (q + 1 entries).
        var squares = [Double](repeating: 0, count: nO * (q + 1))
        var totals = [Double](repeating: 0, count: estimation.count * nO * (q + 1))
        var drawCounts = [Double](repeating: 0, count: estimation.count)  // N_s
        var z = [Double](repeating: 0, count: blockRows * q)
        var products = [Double](repeating: 0, count: blockRows * width)
        var squaredProducts = [Double](repeating: 0, count: blockRows * (q + 1))
        var squareWeights = [Double](repeating: 0, count: blockRows * nO), sums = squareWeights
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
                            let pair = pairs[usable[start + r]]
                            let first = design.isRepresentative(w0 + pair.first * table.wordCount)
                            (representatives[r], others[r]) = first ? (pair.first, pair.second) : (pair.second, pair.first)
                            let count = design.columns(of: w0 + representatives[r] * table.wordCount, into: c0)
                            design.scatter(c0, count: count, value: 1, into: z0 + r * q)
                        }
                    }
                }
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(width), Int32(q), 1, z,
                            Int32(q), right, Int32(width), 0, &products, Int32(width))
                // Per row and output: c n d² (squareWeights) and n d (sums), and the squares a_{u,i}² shared by all outputs.
                products.withUnsafeMutableBufferPointer { pp in
                    squaredProducts.withUnsafeMutableBufferPointer { qp in
                        guard let p0 = pp.baseAddress, let q0 = qp.baseAddress else { return }
                        for r in 0..<rows {
                            let u = usable[start + r], pair = pairs[u], s = representatives[r], other = others[r]
                            let row = p0 + r * width
                            let stratum = estimation.stratum[pair.stratum], unit = estimation.unitScale[pair.stratum]
                            drawCounts[stratum] += pair.count
                            // A class intercept centres the row (a_u − σ A⁻¹S_c/W_c) and shifts the residual by σ δ̂_c.
                            let group = intercepts.groupOfPair[u], sigma = intercepts.orientation[u]
                            // The intercept's own leverage, w_u / W_c, shrinks the residual: HC2 scales it back.
                            var inflation = 1.0
                            if group >= 0 {
                                for i in 0...q { row[i] -= sigma * shifts[group * (q + 1) + i] }
                                inflation = 1 / (1 - weights[s] / intercepts.weight[group]).squareRoot()
                            }
                            for (t, o) in outputs.enumerated() {
                                var d = targets[s * outputCount + o] - targets[other * outputCount + o] + gaps[o]
                                    - 2 * row[q + 1 + t]
                                if group >= 0 { d = (d - sigma * offsets[group * nO + t]) * inflation }
                                squareWeights[r * nO + t] = coefficients[stratum] * unit * unit * pair.count * d * d
                                sums[r * nO + t] = unit * pair.count * d
                            }
                            for i in 0...q { q0[r * (q + 1) + i] = row[i] * row[i] }
                        }
                    }
                }
                // Σ_u c n d² a_u² for every output at once.
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(nO), Int32(q + 1), Int32(rows), 1, squareWeights,
                            Int32(nO), squaredProducts, Int32(q + 1), 1, &squares, Int32(q + 1))
                // A⁻¹ t_s += Σ_u n d a_u over each run of rows from one stratum (pairs are added stratum by stratum).
                var run = 0
                while run < rows {
                    let stratum = estimation.stratum[pairs[usable[start + run]].stratum]
                    var end = run + 1
                    while end < rows && estimation.stratum[pairs[usable[start + end]].stratum] == stratum { end += 1 }
                    sums.withUnsafeBufferPointer { vp in
                        products.withUnsafeBufferPointer { pp in
                            totals.withUnsafeMutableBufferPointer { tp in
                                guard let v0 = vp.baseAddress, let p0 = pp.baseAddress, let t0 = tp.baseAddress else { return }
                                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(nO), Int32(q + 1), Int32(end - run),
                                            1, v0 + run * nO, Int32(nO), p0 + run * width, Int32(width), 1,
                                            t0 + stratum * nO * (q + 1), Int32(q + 1))
                            }
                        }
                    }
                    run = end
                }
                start += rows
            }
        }
        return (0..<nO).map { t in
            var variance = Array(squares[(t * (q + 1))..<((t + 1) * (q + 1))])
            // Centring: − (c_s / N_s) (A⁻¹ t_s)² per stratum.
            for s in 0..<estimation.count where drawCounts[s] > 0 {
                let factor = coefficients[s] / drawCounts[s], base = (s * nO + t) * (q + 1)
                for i in 0...q { variance[i] -= factor * totals[base + i] * totals[base + i] }
            }
            return variance.map { max(0, $0).squareRoot() }
        }
    }
}
