#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A normal distribution N(mean, std²) truncated to [lower, upper], sampled by inverting its CDF.
///
/// lime draws the raw value of a discretised feature from the truncated normal of its bin
/// (`scipy.stats.truncnorm`); this is that distribution. One uniform draw gives one value:
/// ```
/// x = mean + std · Φ⁻¹(Φ(a) + u · (Φ(b) − Φ(a))),   a = (lower − mean)/std,  b = (upper − mean)/std
/// ```
/// Intervals in the upper half are mirrored into the lower half first, where Φ is accurate (through `erfc`), and an
/// interval so far in the tail that Φ underflows uses the exponential tail limit of the truncated normal. A range that
/// is a single point always gives that point.
struct LIMETruncatedNormal: Sendable, Equatable {
    let mean: Double
    let std: Double
    let lower: Double
    let upper: Double
    /// −1 when the standardised interval was mirrored to (−b, −a), else +1.
    let sign: Double
    /// Φ at the lower end of the (possibly mirrored) standardised interval, and the probability mass inside it.
    private let pLow: Double
    private let pSpan: Double
    /// The (possibly mirrored) standardised interval.
    private let a: Double
    private let b: Double
    private let mode: Mode

    private enum Mode: Sendable, Equatable { case point, quantile, exponentialTail }

    /// Whether values are mean + sign·std·Φ⁻¹(level) (neither a single point nor the far-tail limit).
    var isQuantile: Bool { mode == .quantile }
    /// Whether the interval is so far in the tail that values use the exponential limit.
    var isExponentialTail: Bool { mode == .exponentialTail }
    /// The level at u = 0 and its range: level(uniform: u) = levelLow + u · levelSpan.
    var levelLow: Double { pLow }
    var levelSpan: Double { pSpan }

    /// Creates the distribution; `std` must be positive unless `lower == upper`.
    init(mean: Double, std: Double, lower: Double, upper: Double) {
        self.mean = mean
        self.std = std
        self.lower = lower
        self.upper = upper
        guard upper > lower, std > 0, std.isFinite else {
            (sign, pLow, pSpan, a, b, mode) = (1, 0, 0, 0, 0, .point)
            return
        }
        var lo = (lower - mean) / std, hi = (upper - mean) / std
        let mirror = lo > 0
        if mirror { (lo, hi) = (-hi, -lo) }
        let pa = Self.cdf(lo), pb = Self.cdf(hi)
        sign = mirror ? -1 : 1
        a = lo
        b = hi
        pLow = pa
        pSpan = pb - pa
        // Below ~1e-280 the mass carries too few significant digits; use the tail limit there.
        mode = pb > 1e-280 && pSpan > 0 ? .quantile : .exponentialTail
    }

    /// The value for a uniform draw `u` in [0, 1), always inside [lower, upper].
    @inline(__always)
    func value(uniform u: Double) -> Double {
        let t: Double
        switch mode {
        case .point:
            return lower
        case .quantile:
            t = Self.quantile(pLow + u * pSpan)
        case .exponentialTail:
            // For b ≪ 0 the density on [a, b] is ∝ exp(|b|·(t − b)): an exponential truncated to length b − a.
            let rate = -b
            let width = b - a
            t = b + log1p(-u * -expm1(-rate * width)) / rate
        }
        return Swift.min(upper, Swift.max(lower, mean + std * (sign * t)))
    }

    /// The probability level whose standard normal quantile `standardValue(level:uniform:)` needs, for draw `u`.
    @inline(__always)
    func level(uniform u: Double) -> Double {
        pLow + u * pSpan
    }

    /// The value for draw `u`, given t = Φ⁻¹(level(uniform: u)) computed in a batch (`quantiles`).
    @inline(__always)
    func value(quantile t: Double, uniform u: Double) -> Double {
        switch mode {
        case .point: return lower
        case .quantile: return Swift.min(upper, Swift.max(lower, mean + std * (sign * t)))
        case .exponentialTail: return value(uniform: u)
        }
    }

    /// Φ⁻¹ of `count` levels into `out`, with the same result as `quantile`.
    ///
    /// The central rational function runs over all entries without branches, so it vectorises and pipelines; the
    /// few entries in the tails (p < 0.02425 or p > 0.97575) are recomputed afterwards.
    static func quantiles(_ p: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count: Int) {
        for e in 0..<count {
            out[e] = centralRatio(p[e] - 0.5)
        }
        for e in 0..<count where p[e] < 0.02425 || p[e] > 1 - 0.02425 {
            out[e] = quantile(p[e])
        }
    }

    /// The standard normal CDF Φ(t) = erfc(−t/√2) / 2, accurate in the lower tail.
    static func cdf(_ t: Double) -> Double {
        0.5 * erfc(-t * 0.707_106_781_186_547_524_4)
    }

    /// The standard normal quantile Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.15e-9).
    ///
    /// Returns −∞ for p ≤ 0 and +∞ for p ≥ 1.
    @inline(__always)
    static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            return tailRatio(q)
        }
        if p > 1 - 0.02425 {
            let q = (-2 * log1p(-p)).squareRoot()
            return -tailRatio(q)
        }
        return centralRatio(p - 0.5)
    }

    /// Acklam's central rational function of q = p − ½ (valid for 0.02425 ≤ p ≤ 0.97575); branch-free, so the
    /// loop in `quantiles` vectorises.
    @inline(__always)
    static func centralRatio(_ q: Double) -> Double {
        let r = q * q
        var num = -3.969683028665376e+01
        num = num * r + 2.209460984245205e+02
        num = num * r - 2.759285104469687e+02
        num = num * r + 1.383577518672690e+02
        num = num * r - 3.066479806614716e+01
        num = num * r + 2.506628277459239e+00
        var den = -5.447609879822406e+01
        den = den * r + 1.615858368580409e+02
        den = den * r - 1.556989798598866e+02
        den = den * r + 6.680131188771972e+01
        den = den * r - 1.328068155288572e+01
        den = den * r + 1
        return num * q / den
    }

    /// Acklam's lower-tail rational function of q = √(−2 log p).
    @inline(__always)
    private static func tailRatio(_ q: Double) -> Double {
        var num = -7.784894002430293e-03
        num = num * q - 3.223964580411365e-01
        num = num * q - 2.400758277161838e+00
        num = num * q - 2.549732539343734e+00
        num = num * q + 4.374664141464968e+00
        num = num * q + 2.938163982698783e+00
        var den = 7.784695709041462e-03
        den = den * q + 3.224671290700398e-01
        den = den * q + 2.445134137142996e+00
        den = den * q + 3.754408661907416e+00
        den = den * q + 1
        return num / den
    }
}
