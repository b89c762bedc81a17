import Foundation

/// Maps data values to page coordinates along one axis, and proposes tick positions.
public struct Scale: Sendable {
    /// The data interval; `lower < upper` always holds.
    public let lower: Double
    public let upper: Double
    /// The page interval (`start` maps from `lower`, `end` from `upper`; `end < start` for upward y).
    public let start: Double
    public let end: Double
    public let isLogarithmic: Bool

    /// A linear scale; a degenerate interval is widened so every value maps somewhere sensible.
    public init(lower: Double, upper: Double, start: Double, end: Double) {
        var lo = lower.isFinite ? lower : 0, hi = upper.isFinite ? upper : 1
        if hi < lo { swap(&lo, &hi) }
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            let pad = max(abs(lo) * 0.1, 1e-6)
            lo -= pad
            hi += pad
        }
        self.lower = lo
        self.upper = hi
        self.start = start
        self.end = end
        self.isLogarithmic = false
    }

    /// A base-10 logarithmic scale over positive values (non-positive bounds are replaced by tiny ones).
    public init(logLower: Double, upper: Double, start: Double, end: Double) {
        var lo = logLower > 0 && logLower.isFinite ? logLower : 1e-8
        var hi = upper > 0 && upper.isFinite ? upper : lo * 10
        if hi < lo { swap(&lo, &hi) }
        if hi / lo < 1.0001 {
            lo /= 2
            hi *= 2
        }
        self.lower = lo
        self.upper = hi
        self.start = start
        self.end = end
        self.isLogarithmic = true
    }

    /// The page coordinate of `value` (clamped to a generous band around the page interval).
    public func map(_ value: Double) -> Double {
        let t: Double
        if isLogarithmic {
            let v = max(value, lower * 1e-3)
            t = (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            t = (value - lower) / (upper - lower)
        }
        return start + (end - start) * max(-0.5, min(1.5, t.isFinite ? t : 0))
    }

    /// Round tick values inside the domain, about `count` of them (1–2–5 steps; powers of ten on a log scale).
    public func ticks(count: Int = 5) -> [Double] {
        if isLogarithmic { return logTicks() }
        let step = Scale.niceStep((upper - lower) / Double(max(1, count)))
        // A bound within rounding of a step keeps its tick: ±9.999999999999999e-6 still shows ±1e-5.
        let first = (lower / step - 1e-9).rounded(.up)
        let last = (upper / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [lower, upper] }
        return stride(from: first, through: last, by: 1).map { abs($0 * step) < step * 1e-9 ? 0 : $0 * step }
    }

    /// A 1, 2 or 5 times a power of ten at least `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        // Within rounding of a nice value counts as that value: 2e-5 computed as 2.0000000000000002e-5 is 2e-5, not
        // 5e-5 (which left a ±2e-5 axis with its zero tick alone).
        let fraction = raw / magnitude * (1 - 1e-12)
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    private func logTicks() -> [Double] {
        let a = Int(log10(lower).rounded(.up)), b = Int(log10(upper).rounded(.down))
        var ticks = a <= b ? (a...b).map { pow(10, Double($0)) } : []
        if ticks.count < 3 {
            let lowA = Int(log10(lower).rounded(.down))
            ticks = (lowA...max(lowA, b)).flatMap { e in [1.0, 2, 5].map { $0 * pow(10, Double(e)) } }
                .filter { $0 >= lower * 0.9999 && $0 <= upper * 1.0001 }
        }
        if ticks.count > 7 {
            let every = (ticks.count + 5) / 6
            ticks = ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element)
        }
        return ticks
    }

    /// The power of ten factored out of the tick labels of a linear scale whose values are all tiny (below 0.01) or
    /// huge (10⁵ and above), as matplotlib's offset text does, so that 1e-5 and 0.1 never look alike; nil otherwise.
    public var exponent: Int? {
        guard !isLogarithmic else { return nil }
        let m = max(abs(lower), abs(upper))
        guard m > 0, m.isFinite, m < 0.01 || m >= 1e5 else { return nil }
        return Int(log10(m).rounded(.down))
    }

    /// The factor of the tick labels, like `×1e−5`; nil when they show plain values.
    public var exponentLabel: String? { exponent.map { "×1e" + Labels.number(Double($0)) } }

    /// The tick label for `value`: divided by 10^`exponent` when the scale has one.
    public func label(_ value: Double) -> String {
        if isLogarithmic, value > 0 {
            let e = log10(value)
            if abs(e - e.rounded()) < 1e-9, abs(e) >= 3 { return "1e" + Labels.number(e.rounded()) }
        }
        if let exponent { return Labels.number(value / pow(10, Double(exponent)), digits: 3) }
        return Labels.number(value, digits: 3)
    }
}
