/// How much two attribution vectors for the same row agree.
///
/// Both measures compare importance, |φ|, so that methods that report magnitudes (saliency) compare fairly with
/// signed ones: Spearman's rank correlation of |φ| (average ranks for ties; Spearman 1904) and the overlap of the
/// five features with the largest |φ|.
public enum Agreement {
    /// Spearman's ρ between |a| and |b|: the Pearson correlation of their average ranks; nil when either is constant
    /// or the lengths differ.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double? {
        guard a.count == b.count, a.count >= 2 else { return nil }
        let ra = ranks(a.map(abs)), rb = ranks(b.map(abs))
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<a.count {
            sab += (ra[i] - ma) * (rb[i] - mb)
            saa += (ra[i] - ma) * (ra[i] - ma)
            sbb += (rb[i] - mb) * (rb[i] - mb)
        }
        guard saa > 0, sbb > 0 else { return nil }
        return sab / (saa * sbb).squareRoot()
    }

    /// The fraction of the top-`k` features by |φ| that both vectors share (ties broken by feature index).
    public static func topOverlap(_ a: [Double], _ b: [Double], k: Int = 5) -> Double {
        let count = min(k, a.count, b.count)
        guard count > 0 else { return 0 }
        let top = { (x: [Double]) in Set(AttributionChart.order(x).prefix(count)) }
        return Double(top(a).intersection(top(b)).count) / Double(count)
    }

    /// 1-based ranks with ties given their average rank.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = average }
            i = j + 1
        }
        return ranks
    }
}
