/// A histogram with a fixed number of equal bins whose range grows to cover every value added.
///
/// Bins are half-open, [eᵢ, eᵢ₊₁), except the last, which includes its upper edge (numpy's `histogram`).
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
    ///
    /// - Parameter expectedRange: where values are expected (the previous epoch's, say): the initial bins cover it,
    ///   instead of the range of the first values added.
    public init(binCount: Int, expectedRange: ClosedRange<Double>? = nil) {
        precondition(binCount >= 2 && binCount % 2 == 0, "StreamingHistogram: bin count \(binCount)")
        self.binCount = binCount
        self.counts = [Int](repeating: 0, count: binCount)
        if let range = expectedRange, range.lowerBound.isFinite, range.upperBound.isFinite {
            cover(range.lowerBound, range.upperBound)
        }
    }

    /// The bin edges, `binCount + 1` values.
    public var edges: [Double] { (0...binCount).map { lowerEdge + Double($0) * binWidth } }

    /// Adds finite values (non-finite ones are skipped).
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        let summary = FloatKernels.summary(values)
        add(values, minimum: summary.min, maximum: summary.max, isFinite: summary.isFinite)
    }

    /// Adds values whose minimum and maximum are known (`isFinite`: none is NaN or infinite).
    mutating func add(_ values: UnsafeBufferPointer<Float>, minimum: Float, maximum: Float, isFinite: Bool) {
        guard let source = values.baseAddress, !values.isEmpty else { return }
        guard isFinite else {
            let finite = values.filter(\.isFinite)
            finite.withUnsafeBufferPointer { add($0) }
            return
        }
        cover(Double(minimum), Double(maximum))
        // Bin indices in Float, clamped so that rounding at the range's ends stays inside. One sub-histogram
        // per lane breaks the load–increment–store chain when many values share a bin (ReLU zeros).
        let base = Float(lowerEdge), scale = Float(1 / binWidth), last = Float(binCount - 1)
        let n = values.count, bins = binCount
        precondition(n < Int(UInt32.max), "StreamingHistogram: add at most 2³² − 1 values at a time")
        precondition(8 * bins < Int(Int32.max), "StreamingHistogram: too many bins")
        var laneOffsets = SIMD8<Int32>()
        for lane in 0..<8 { laneOffsets[lane] = Int32(lane * bins) }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8 * bins) { c in
            c.initialize(repeating: 0)
            var i = 0
            while i + 8 <= n {
                var f = (FloatKernels.load(source + i) - base) * scale
                f.replace(with: 0, where: f .< 0)
                f.replace(with: last, where: f .> last)
                let slot = FloatKernels.truncatedToInt32(f) &+ laneOffsets
                for lane in 0..<8 { c[Int(slot[lane])] &+= 1 }
                i += 8
            }
            while i < n {
                c[Int(Swift.min(Swift.max((source[i] - base) * scale, 0), last))] &+= 1
                i += 1
            }
            counts.withUnsafeMutableBufferPointer { tally in
                for b in 0..<bins {
                    var sum = 0
                    for lane in 0..<8 { sum += Int(c[lane * bins + b]) }
                    tally[b] += sum
                }
            }
        }
        total += n
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
    ///
    /// The bin width is a power of two and the edges are multiples of it, so they print as short decimals.
    private mutating func cover(_ lo: Double, _ hi: Double) {
        if binWidth == 0 {
            let span = hi - lo
            let target = span > 0 ? span / Double(binCount) : max(abs(lo), 1) * 1e-6
            binWidth = StreamingHistogram.powerOfTwo(atLeast: target)
            lowerEdge = (lo / binWidth).rounded(.down) * binWidth - (span > 0 ? 0 : Double(binCount / 2) * binWidth)
        }
        while lo < lowerEdge || hi > lowerEdge + Double(binCount) * binWidth {
            let extendsDown = lo < lowerEdge
            var merged = [Int](repeating: 0, count: binCount)
            let offset = extendsDown ? binCount / 2 : 0
            for i in 0..<binCount { merged[offset + i / 2] += counts[i] }
            if extendsDown { lowerEdge -= Double(binCount) * binWidth }
            binWidth *= 2
            counts = merged
        }
    }

    /// The smallest power of two ≥ x (x > 0).
    static func powerOfTwo(atLeast value: Double) -> Double {
        let x = max(value, 1e-30)
        var p = 1.0
        while p < x { p *= 2 }
        while p / 2 >= x { p /= 2 }
        return p
    }
}
