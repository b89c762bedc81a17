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
    /// The thresholds of feature j that can move a draw up a bin (all but the last bin's), padded with +∞ to
    /// `thresholdStride` per feature, so every feature runs the same branch-free count.
    let paddedThresholds: [Double]
    let thresholdStride: Int
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
        let stride = Swift.max(1, zip(starts.dropFirst(), starts).map { $0 - $1 - 1 }.max() ?? 1)
        var padded = [Double](repeating: .infinity, count: stride * discretizer.features.count)
        for j in discretizer.features.indices {
            for t in starts[j]..<(starts[j + 1] - 1) { padded[j * stride + t - starts[j]] = cuts[t] }
        }
        paddedThresholds = padded
        thresholdStride = stride
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
        instanceBins: [Int], width m: Int, count: Int, out: UnsafeMutablePointer<Float>,
        z: UnsafeMutablePointer<Double>, distances: UnsafeMutablePointer<Double>, rng: inout SplitMix64
    ) {
        let blockRows = Swift.max(1, 2048 / Swift.max(m, 1))
        let block = blockRows * m
        let scratch = Scratch(block: block)
        defer { scratch.release() }
        let bins = Pointers(self, instanceBins: instanceBins)
        let stride = thresholdStride
        defer { bins.release() }
        var i = 1
        while i < count {
            let rows = Swift.min(blockRows, count - i)
            // Pass 1: the draws, bins, z and distances. Pass 2: the levels, whose gathers no longer wait on the draw.
            for r in 0..<rows {
                var mismatches = 0
                let zr = z + (i &+ r) &* m, base = r &* m
                for j in 0..<m {
                    let u = LIMESampler.openUniform(&rng)
                    // k = #{t : cut[t] ≤ u}, the bin. u and the thresholds are positive (or +∞), where IEEE order is the
                    // order of the bit patterns, so the comparisons are integer ones without branches.
                    let ub = u.bitPattern, c = bins.cut + j &* stride
                    var k: Int
                    if stride == 3 {
                        // Quartiles, the default: unrolled.
                        k = Self.atOrBelow(c[0], ub) &+ Self.atOrBelow(c[1], ub) &+ Self.atOrBelow(c[2], ub)
                    } else {
                        k = 0
                        for t in 0..<stride { k &+= Self.atOrBelow(c[t], ub) }
                    }
                    let e = base &+ j
                    scratch.chosen[e] = Int32(truncatingIfNeeded: bins.start[j] &+ k)
                    scratch.draws[e] = u
                    // 1 when k differs from x's bin, without a branch.
                    let difference = k ^ bins.own[j]
                    let mismatch = Int(truncatingIfNeeded: UInt(bitPattern: difference | (0 &- difference)) >> 63)
                    zr[j] = Double(1 &- mismatch)
                    mismatches &+= mismatch
                }
                distances[i &+ r] = Double(mismatches).squareRoot()
            }
            for e in 0..<(rows &* m) {
                let d = Int(scratch.chosen[e])
                scratch.levels[e] = bins.levelBase[d] + (scratch.draws[e] - bins.cutLow[d]) * bins.levelScale[d]
            }
            let n = rows * m
            LIMETruncatedNormal.quantiles(scratch.levels, into: scratch.quantiles, count: n)
            let o = out + i * m
            for e in 0..<n {
                let d = Int(scratch.chosen[e])
                let v = bins.centre[d] + bins.slope[d] * scratch.quantiles[e]
                o[e] = Float(Swift.min(bins.upper[d], Swift.max(bins.lower[d], v)))
            }
            if hasExact {
                for e in 0..<n where exact[Int(scratch.chosen[e])] {
                    let d = Int(scratch.chosen[e])
                    let v = Swift.min(Swift.max((scratch.draws[e] - cutLow[d]) * inverseWidth[d], 0), 1)
                    o[e] = Float(distributions[d].value(uniform: v))
                }
            }
            i += rows
        }
    }

    /// 1 when `threshold ≤ u`, else 0, for the bit patterns of non-negative doubles (or +∞).
    @inline(__always)
    private static func atOrBelow(_ threshold: UInt64, _ u: UInt64) -> Int {
        u >= threshold ? 1 : 0
    }

    /// The per-block work arrays of `fill`.
    private struct Scratch {
        let levels: UnsafeMutablePointer<Double>
        let quantiles: UnsafeMutablePointer<Double>
        let draws: UnsafeMutablePointer<Double>
        let chosen: UnsafeMutablePointer<Int32>

        init(block: Int) {
            levels = .allocate(capacity: 3 * block)
            quantiles = levels + block
            draws = levels + 2 * block
            chosen = .allocate(capacity: block)
        }

        func release() {
            levels.deallocate()
            chosen.deallocate()
        }
    }

    /// Copies of the table's arrays in manually managed memory, so the hot loop reads plain pointers.
    private struct Pointers {
        let start: UnsafeMutablePointer<Int>
        let own: UnsafeMutablePointer<Int>
        /// The bit patterns of the padded thresholds.
        let cut: UnsafeMutablePointer<UInt64>
        let cutLow: UnsafeMutablePointer<Double>
        let levelBase: UnsafeMutablePointer<Double>
        let levelScale: UnsafeMutablePointer<Double>
        let centre: UnsafeMutablePointer<Double>
        let slope: UnsafeMutablePointer<Double>
        let lower: UnsafeMutablePointer<Double>
        let upper: UnsafeMutablePointer<Double>

        init(_ table: LIMEBinTable, instanceBins: [Int]) {
            func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
                let p = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(values.count, 1))
                p.initialize(from: values, count: values.count)
                return p
            }
            start = copy(table.binStart)
            own = copy(instanceBins)
            cut = copy(table.paddedThresholds.map(\.bitPattern))
            cutLow = copy(table.cutLow)
            levelBase = copy(table.levelBase)
            levelScale = copy(table.levelScale)
            centre = copy(table.centre)
            slope = copy(table.slope)
            lower = copy(table.lower)
            upper = copy(table.upper)
        }

        func release() {
            start.deallocate()
            own.deallocate()
            cut.deallocate()
            for p in [cutLow, levelBase, levelScale, centre, slope, lower, upper] { p.deallocate() }
        }
    }
}
