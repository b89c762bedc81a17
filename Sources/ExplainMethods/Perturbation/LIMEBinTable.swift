import ExplainTensor

/// The bins of a discretised LIME sampler, flattened into per-bin arrays for the hot sampling loop.
///
/// One uniform draw u ∈ (0, 1) per feature gives both the bin and the value. The bin is the k with
/// C_{k−1} ≤ u < C_k, C being the cumulative training frequencies (`numpy.random.choice` with `p`). Given that bin,
/// v = (u − C_{k−1}) / f_k is uniform on [0, 1) and independent of k, so it serves as the inverse-CDF draw of the bin's
/// truncated normal (`LIMETruncatedNormal`), whose probability level is then affine in u:
/// ```
/// level = pLow_k + (u − C_{k−1}) · s_k,   s_k = (Φ(b_k) − Φ(a_k)) / f_k
/// value = clamp(mean_k ± std_k · Φ⁻¹(level), lower_k, upper_k)
/// ```
/// The sign is − for intervals mirrored into the lower half. Single-point bins use level ½ and slope 0, so they give
/// their point; far-tail bins, where Φ underflows, are redrawn exactly from v afterwards.
struct LIMEBinTable: Sendable {
    /// Feature j owns bins `binStart[j] ..< binStart[j + 1]`.
    let binStart: [Int]
    /// Cumulative frequency thresholds, one per bin; +∞ from the last bin with mass on, so draws never land past it.
    let thresholds: [Double]
    /// C_{k−1}: the cumulative frequency below each bin.
    let cutLow: [Double]
    /// 1 / f_k, with f_k measured up to 1 for the last bin with mass (0 for empty bins, never drawn).
    let inverseWidth: [Double]
    /// pLow_k and s_k of the level.
    let levelBase: [Double]
    let levelScale: [Double]
    /// The value is clamp(centre + slope · Φ⁻¹(level), lower, upper).
    let centre: [Double]
    let slope: [Double]
    let lower: [Double]
    let upper: [Double]
    /// The distribution of every bin, for the bins drawn exactly (`exact`).
    let distributions: [LIMETruncatedNormal]
    /// Bins whose values come from `distributions[d].value(uniform: v)` (the exponential-tail limit).
    let exact: [Bool]
    /// Whether any bin is drawn exactly, so the fix-up pass can be skipped.
    let hasExact: Bool

    /// Flattens the bins of every feature of `discretizer`.
    init(_ discretizer: LIMEDiscretizer) {
        var starts = [0], cuts = [Double](), lows = [Double](), inverse = [Double]()
        var base = [Double](), scale = [Double](), centre = [Double](), slope = [Double]()
        var lower = [Double](), upper = [Double](), dists = [LIMETruncatedNormal](), exact = [Bool]()
        for f in discretizer.features {
            let lastWithMass = f.bins.lastIndex { $0.frequency > 0 } ?? 0
            var running = 0.0
            for (k, bin) in f.bins.enumerated() {
                let dist = LIMETruncatedNormal(mean: bin.mean, std: bin.std, lower: bin.lower, upper: bin.upper)
                let below = running
                running += bin.frequency
                let top = k >= lastWithMass ? 1.0 : running
                let width = top - below
                let inv = bin.frequency > 0 && width > 0 ? 1 / width : 0
                cuts.append(k >= lastWithMass ? .infinity : running)
                lows.append(below)
                inverse.append(inv)
                lower.append(bin.lower)
                upper.append(bin.upper)
                dists.append(dist)
                exact.append(dist.isExponentialTail)
                if dist.isQuantile {
                    base.append(dist.levelLow)
                    scale.append(dist.levelSpan * inv)
                    centre.append(dist.mean)
                    slope.append(dist.std * dist.sign)
                } else {
                    // Φ⁻¹(½) = 0 and slope 0: the value is the clamped centre (the point), or is redrawn exactly.
                    base.append(0.5)
                    scale.append(0)
                    centre.append(bin.lower)
                    slope.append(0)
                }
            }
            starts.append(dists.count)
        }
        binStart = starts
        thresholds = cuts
        cutLow = lows
        inverseWidth = inverse
        levelBase = base
        levelScale = scale
        self.centre = centre
        self.slope = slope
        self.lower = lower
        self.upper = upper
        distributions = dists
        self.exact = exact
        hasExact = exact.contains(true)
    }

    /// Fills rows 1..<count of a discretised neighbourhood: raw values `out` (N × M), z (N × M, 1 when the drawn bin
    /// is x's) and the distances ‖z_i − 1‖.
    ///
    /// Works in blocks of rows: first the bins and probability levels (one draw per value; the bin is the number of
    /// thresholds at or below the draw, counted without branches), then all normal quantiles of the block in one
    /// vectorisable pass, then the values.
    func fill(
        instanceBins own: [Int], width m: Int, count: Int, out: UnsafeMutablePointer<Float>,
        z: UnsafeMutablePointer<Double>, distances: UnsafeMutablePointer<Double>, rng: inout SplitMix64
    ) {
        let blockRows = Swift.max(1, 2048 / Swift.max(m, 1))
        let block = blockRows * m
        let levels = UnsafeMutablePointer<Double>.allocate(capacity: 3 * block)
        let quantiles = levels + block, draws = levels + 2 * block
        let chosen = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        defer {
            levels.deallocate()
            chosen.deallocate()
        }
        binStart.withUnsafeBufferPointer { start in
        thresholds.withUnsafeBufferPointer { cut in
        cutLow.withUnsafeBufferPointer { cutLow in
        levelBase.withUnsafeBufferPointer { levelBase in
        levelScale.withUnsafeBufferPointer { levelScale in
        own.withUnsafeBufferPointer { own in
            var i = 1
            while i < count {
                let rows = Swift.min(blockRows, count - i)
                for r in 0..<rows {
                    var mismatches = 0
                    let zr = z + (i + r) * m
                    for j in 0..<m {
                        let u = LIMESampler.openUniform(&rng)
                        // k = #{t : cut[t] ≤ u}: the sign bit of u − cut[t] is 0 exactly when cut[t] ≤ u (u − u is
                        // +0), and a +∞ threshold gives −∞, sign 1.
                        var k = 0
                        for t in start[j]..<(start[j + 1] - 1) {
                            k &+= Int(truncatingIfNeeded: ~(u - cut[t]).bitPattern >> 63)
                        }
                        let e = r * m + j, d = start[j] &+ k
                        chosen[e] = Int32(truncatingIfNeeded: d)
                        draws[e] = u
                        levels[e] = levelBase[d] + (u - cutLow[d]) * levelScale[d]
                        // 1 when k differs from x's bin, without a branch.
                        let difference = k ^ own[j]
                        let mismatch = Int(truncatingIfNeeded: UInt(bitPattern: difference | -difference) >> 63)
                        zr[j] = Double(1 &- mismatch)
                        mismatches &+= mismatch
                    }
                    distances[i + r] = Double(mismatches).squareRoot()
                }
                let n = rows * m
                LIMETruncatedNormal.quantiles(levels, into: quantiles, count: n)
                values(chosen: chosen, quantiles: quantiles, draws: draws, count: n, into: out + i * m)
                i += rows
            }
        }}}}}}
    }

    /// The clamped values of one block from its bins and quantiles, and the exact redraws of far-tail bins.
    private func values(
        chosen: UnsafePointer<Int32>, quantiles: UnsafePointer<Double>, draws: UnsafePointer<Double>, count n: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        centre.withUnsafeBufferPointer { centre in
        slope.withUnsafeBufferPointer { slope in
        lower.withUnsafeBufferPointer { lower in
        upper.withUnsafeBufferPointer { upper in
            for e in 0..<n {
                let d = Int(chosen[e])
                let v = centre[d] + slope[d] * quantiles[e]
                out[e] = Float(Swift.min(upper[d], Swift.max(lower[d], v)))
            }
        }}}}
        guard hasExact else { return }
        for e in 0..<n where exact[Int(chosen[e])] {
            let d = Int(chosen[e])
            let v = Swift.min(Swift.max((draws[e] - cutLow[d]) * inverseWidth[d], 0), 1)
            out[e] = Float(distributions[d].value(uniform: v))
        }
    }
}
