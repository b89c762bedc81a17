/// A histogram with a fixed number of equal bins whose range grows to cover every value added.
///
/// The first values fix the range [min, max]. A later value outside the range doubles the bin width — merging
/// neighbouring bins and extending the range up or down — until it fits, so the counts stay exact, the bin count stays
/// fixed, and memory is bounded however many values are added.
public struct StreamingHistogram: Sendable, Equatable {
    /// The number of bins.
    public let binCount: Int
    public private(set) var counts: [Int]
    /// The lower edge of bin 0.
    public private(set) var lowerEdge: Double = 0
    public private(set) var binWidth: Double = 0
    /// The number of values added.
    public private(set) var total = 0

    /// An empty histogram; `binCount` must be even and positive.
    public init(binCount: Int) {
        precondition(binCount >= 2 && binCount % 2 == 0, "StreamingHistogram: bin count \(binCount)")
        self.binCount = binCount
        self.counts = [Int](repeating: 0, count: binCount)
    }

    /// The bin edges, `binCount + 1` values.
    public var edges: [Double] { (0...binCount).map { lowerEdge + Double($0) * binWidth } }

    /// Adds finite values (non-finite ones are skipped).
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where v.isFinite {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        guard lo <= hi else { return }
        cover(Double(lo), Double(hi))
        let base = lowerEdge, scale = 1 / binWidth, last = binCount - 1
        counts.withUnsafeMutableBufferPointer { c in
            for v in values where v.isFinite {
                c[min(max(Int((Double(v) - base) * scale), 0), last)] += 1
                total += 1
            }
        }
    }

    /// The p-th percentile (p in [0, 1]), interpolating linearly inside the bin that holds it.
    public func percentile(_ p: Double) -> Double {
        guard total > 0 else { return 0 }
        let target = p * Double(total)
        var cumulative = 0.0
        for (i, c) in counts.enumerated() where c > 0 {
            if cumulative + Double(c) >= target {
                let fraction = max(0, min(1, (target - cumulative) / Double(c)))
                return lowerEdge + (Double(i) + fraction) * binWidth
            }
            cumulative += Double(c)
        }
        return lowerEdge + Double(binCount) * binWidth
    }

    /// Grows the range until it holds [lo, hi].
    private mutating func cover(_ lo: Double, _ hi: Double) {
        if total == 0 && binWidth == 0 {
            let span = hi - lo
            binWidth = span > 0 ? span / Double(binCount) * (1 + 1e-9) : max(abs(lo), 1) * 1e-6
            lowerEdge = span > 0 ? lo : lo - binWidth * Double(binCount / 2)
            return
        }
        while lo < lowerEdge || hi >= lowerEdge + Double(binCount) * binWidth {
            let extendsDown = lo < lowerEdge
            var merged = [Int](repeating: 0, count: binCount)
            let offset = extendsDown ? binCount / 2 : 0
            for i in 0..<binCount { merged[offset + i / 2] += counts[i] }
            if extendsDown { lowerEdge -= Double(binCount) * binWidth }
            binWidth *= 2
            counts = merged
        }
    }
}
