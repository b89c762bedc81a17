import ExplainTensor

/// Splits rows into a kept part and a held-out part with the same class proportions.
public enum StratifiedSplit {
    /// Holds out about `fraction` of the rows of every class.
    ///
    /// The held-out total is round(fraction · N), shared among classes by largest remainder of fraction · n_c; every
    /// class keeps at least one row. Within a class the held-out rows are a seeded random choice.
    ///
    /// - Returns: ascending row indices of the kept and the held-out rows.
    public static func split(labels: [Int], fraction: Double, using generator: inout SplitMix64)
        -> (kept: [Int], heldOut: [Int]) {
        precondition((0..<1).contains(fraction), "StratifiedSplit: fraction \(fraction) outside [0, 1)")
        let classCount = (labels.max() ?? -1) + 1
        var members = [[Int]](repeating: [], count: classCount)
        for (row, c) in labels.enumerated() {
            precondition(c >= 0, "StratifiedSplit: negative class")
            members[c].append(row)
        }
        let quotas = members.map { Double($0.count) * fraction }
        var counts = quotas.map { Int($0.rounded(.down)) }
        let total = Int((Double(labels.count) * fraction).rounded())
        let byRemainder = quotas.indices.sorted { a, b in
            let ra = quotas[a] - Double(counts[a]), rb = quotas[b] - Double(counts[b])
            return ra != rb ? ra > rb : a < b
        }
        var missing = total - counts.reduce(0, +)
        for c in byRemainder where missing > 0 {
            counts[c] += 1
            missing -= 1
        }
        var kept: [Int] = [], heldOut: [Int] = []
        for c in 0..<classCount {
            var rows = members[c]
            generator.shuffle(&rows)
            let held = min(counts[c], max(rows.count - 1, 0))
            heldOut.append(contentsOf: rows[..<held])
            kept.append(contentsOf: rows[held...])
        }
        return (kept.sorted(), heldOut.sorted())
    }
}
